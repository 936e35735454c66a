/**
 * Opens the station for the UI: the bridge to main, the station store, and sync between them.
 * Each part is its owner's (bridge, store, sync); this only puts them together once.
 */
import type { StationApi } from '../../../shared/station-api'
import { station as bridge } from '../bridge'
import { createStationStore } from '../store'
import { createStationSync } from '../sync/station-sync'
import { createDesk, type Desk } from './desk'

/** One station database per origin: the Electron app, or one browser host. */
export const STATION_DB_NAME = 'warmline-station'

export async function openDesk(station: StationApi = bridge()): Promise<Desk> {
  // Ticket numbers come from main, the station's one authority for them, never from this profile.
  const store = await createStationStore(STATION_DB_NAME, { numbers: station.numbers })
  const sync = createStationSync({ station, store })
  void sync.start()
  return createDesk({ station, store, afterWrite: (events) => void sync.handOver(events) })
}
