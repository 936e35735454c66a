/** The station's sync status as main last reported it (`sync.status`, asked and pushed). */
import { createStore } from 'zustand/vanilla'
import type { SyncStatus } from '../../../shared/station-api'

export interface SyncStatusState {
  status: SyncStatus | null
  set(status: SyncStatus): void
}

export function createSyncStatusStore() {
  return createStore<SyncStatusState>()((set) => ({
    status: null,
    set: (status) => set({ status }),
  }))
}

export type SyncStatusStore = ReturnType<typeof createSyncStatusStore>
