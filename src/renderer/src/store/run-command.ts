/**
 * Running a command of rules.ts against the station's identity, clock and ticket numbers, as both
 * the optimistic and the careful write do.
 */
import type { CommandResult } from '../../../shared/incident/rules'
import { formatTicketNumber } from '../../../shared/incident/ticket-number'
import { formatHlc, tick } from '../../../shared/sync/hlc'
import {
  META,
  clockOf,
  requireStation,
  stationOf,
  usedSequence,
  type StoreCore,
} from './store-core'
import type { RecordContext } from './store-types'
import { NoNumberHeld } from './ticket-numbers'

/** The numbers one `record` call took, kept across the runs of its command. */
export interface TakenNumbers {
  stationCode: string | null
  sequences: number[]
}

export interface CommandRun {
  result: CommandResult
  /** The meta rows to write if the command is carried out (the advanced clock, the highest number used). */
  writes: Map<string, unknown>
}

/**
 * Runs a command on the station identity and clock in `meta`. Ticket numbers come from `taken`
 * first: a command run again (another window wrote meanwhile) gets the numbers it took the
 * first time.
 */
export function runCommand(
  core: StoreCore,
  command: (ctx: RecordContext) => CommandResult,
  meta: ReadonlyMap<string, unknown>,
  taken: TakenNumbers,
): CommandRun {
  const station = requireStation(stationOf(meta))
  if (taken.stationCode !== station.code) {
    taken.stationCode = station.code
    taken.sequences = []
  }
  const clockBefore = clockOf(meta, station)
  let clock = clockBefore
  let used = 0
  const result = command({
    nextHlc: () => {
      clock = tick(clock, core.now())
      return formatHlc(clock)
    },
    nextTicketNumber: () => {
      if (used === taken.sequences.length) {
        const sequence = core.numbers.take(station.code)
        if (sequence === null) throw new NoNumberHeld(station.code)
        taken.sequences.push(sequence)
      }
      return formatTicketNumber(station.code, taken.sequences[used++]!)
    },
  })
  const writes = new Map<string, unknown>()
  if (clock !== clockBefore) writes.set(META.clock, clock)
  const usedUpTo = usedSequence(station, taken.sequences.slice(0, used))
  if (usedUpTo) writes.set(META.station, usedUpTo)
  return { result, writes }
}
