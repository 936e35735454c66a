/**
 * Opens the station for the UI: the bridge to main, the station store, and sync between them.
 * Each part is its owner's (bridge, store, sync); this only puts them together once.
 */
import { station as bridge } from '../bridge'
import { createStationStore } from '../store'
import { createStationSync } from '../sync/station-sync'
import { createDesk, type Desk } from './desk'

/** One station database per origin: the Electron app, or one browser host. */
export const STATION_DB_NAME = 'warmline-station'

export async function openDesk(): Promise<Desk> {
  const station = bridge()
  const store = await createStationStore(STATION_DB_NAME)
  const sync = createStationSync({ station, store })
  void sync.start()
  return createDesk({ station, store, afterWrite: (events) => void sync.handOver(events) })
}
