/**
 * What the phone system told this station about its agent's calls: where a call was
 * warm-transferred (the escalation dialog's transfer record) and how long the agent talked (the
 * resolution's time spent). Kept per window in memory: a fact missed here is typed by the agent,
 * as before there was a phone system.
 */
import { createStore } from 'zustand/vanilla'
import type { EventPayloadOf, StationApi } from '../../../shared/station-api'

export interface CallFacts {
  transfer: { to: string; at: number } | null
  talkSeconds: number | null
}

export interface CallState {
  calls: Record<string, CallFacts>
  transferred(payload: EventPayloadOf<'call.transferred'>): void
  ended(payload: EventPayloadOf<'call.ended'>): void
}

/** A window lives a shift; the last few hundred calls are more than it needs. */
const KEPT = 200

export function createCallStore() {
  return createStore<CallState>()((set, get) => {
    const patch = (callId: string, change: Partial<CallFacts>) => {
      const previous = get().calls[callId] ?? { transfer: null, talkSeconds: null }
      const entries = Object.entries({ ...get().calls, [callId]: { ...previous, ...change } })
      set({ calls: Object.fromEntries(entries.slice(-KEPT)) })
    }
    return {
      calls: {},
      transferred: ({ callId, to, at }) => patch(callId, { transfer: { to, at } }),
      ended: ({ callId, talkSeconds }) => patch(callId, { talkSeconds }),
    }
  })
}

export type CallStore = ReturnType<typeof createCallStore>

/** Feeds the store from the station's call events; returns the unsubscribe. */
export function followCalls(station: StationApi, calls: CallStore): () => void {
  const offTransfer = station.on('call.transferred', (p) => calls.getState().transferred(p))
  const offEnded = station.on('call.ended', (p) => calls.getState().ended(p))
  return () => {
    offTransfer()
    offEnded()
  }
}

/** Talk time as whole minutes for the resolution, a started minute counting as one. */
export function talkMinutes(talkSeconds: number | null | undefined): number | null {
  return talkSeconds == null ? null : Math.max(1, Math.ceil(talkSeconds / 60))
}
