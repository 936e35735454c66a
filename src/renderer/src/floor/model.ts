/**
 * The floor view's reading of the server's station presence: which stations are up, which hold
 * work the server has not seen (unsynced events, and events set aside because the server kept
 * failing on them), and who is signed in where. Offline stations holding work come first, then
 * stations with set-aside events: that is where the supervisor walks to.
 */
import type { StationPresence } from '../../../shared/sync/wire'

export type StationStatus = 'online' | 'offline' | 'never'

export function stationStatus(station: StationPresence): StationStatus {
  if (station.online) return 'online'
  // The server reports `connectedAt: 0` for an enrolled station that never connected.
  return station.connectedAt === 0 ? 'never' : 'offline'
}

const RANK: Record<StationStatus, number> = { offline: 0, online: 1, never: 2 }

export function floorOrder(stations: readonly StationPresence[]): StationPresence[] {
  return [...stations].sort(
    (a, b) =>
      RANK[stationStatus(a)] - RANK[stationStatus(b)] ||
      b.setAside - a.setAside ||
      b.pending - a.pending ||
      a.stationCode.localeCompare(b.stationCode),
  )
}

export interface FloorSummary {
  online: number
  offline: number
  /** Events the stations hold that the server has not accepted yet, over the whole floor. */
  unsynced: number
  /** Stations holding such events. */
  holdingWork: number
  /** Events set aside by the stations' agents (the server kept failing on them). */
  setAside: number
  signedIn: number
}

export function floorSummary(stations: readonly StationPresence[]): FloorSummary {
  const summary: FloorSummary = {
    online: 0,
    offline: 0,
    unsynced: 0,
    holdingWork: 0,
    setAside: 0,
    signedIn: 0,
  }
  for (const station of stations) {
    const status = stationStatus(station)
    if (status === 'online') summary.online += 1
    if (status === 'offline') summary.offline += 1
    if (status === 'online' && station.user) summary.signedIn += 1
    summary.unsynced += station.pending
    summary.setAside += station.setAside
    if (station.pending > 0) summary.holdingWork += 1
  }
  return summary
}
