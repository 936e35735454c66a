/**
 * The station's number authority kept in memory: what main's counter does (one sequence per
 * station code, blocks that never overlap, raised to the asker's floor), for tests and benchmarks
 * that run the renderer's store without a main process. Share one between stores to play two
 * windows of one station, or a profile wiped and opened again.
 */
import type { NumberAuthority } from '../../src/renderer/src/store'
import { numberReservationSchema } from '../../src/shared/station-api'

export interface MemoryNumbers extends NumberAuthority {
  /** The last sequence handed out for `stationCode`. */
  highest(stationCode: string): number
}

export function memoryNumbers(): MemoryNumbers {
  const last = new Map<string, number>()
  return {
    async reserve(request) {
      // The contract main enforces, so a store asking for too much fails here as it would there.
      const { stationCode, count, floor = 0 } = numberReservationSchema.parse(request)
      const first = Math.max(last.get(stationCode) ?? 0, floor) + 1
      last.set(stationCode, first + count - 1)
      return { stationCode, first, last: first + count - 1 }
    },
    highest: (stationCode) => last.get(stationCode) ?? 0,
  }
}
