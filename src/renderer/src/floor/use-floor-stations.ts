/**
 * The floor's stations as the central server sees them, live: asks main to watch the floor
 * (`floor.watch`) and keeps each `floor.stations` notification as it comes — no polling. Null
 * until the first answer.
 */
import { useEffect, useState } from 'react'
import type { StationApi } from '../../../shared/station-api'
import type { StationPresence } from '../../../shared/sync/wire'

export function useFloorStations(station: Pick<StationApi, 'floor' | 'on'>): {
  stations: readonly StationPresence[] | null
  problem: string | null
} {
  const [stations, setStations] = useState<readonly StationPresence[] | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    const off = station.on('floor.stations', (payload) => {
      setStations(payload.stations)
      setProblem(null)
    })
    station.floor
      .watch({})
      .catch((error: unknown) =>
        setProblem(
          error instanceof Error ? error.message : 'The floor cannot be watched right now.',
        ),
      )
    return off
  }, [station])
  return { stations, problem }
}
