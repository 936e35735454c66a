/**
 * The window's ticket numbers. The station's sequence has one authority, the main process
 * (ARCHITECTURE.md "Data"); a window holds a small block of numbers reserved from it ahead of time,
 * so showing a number never waits on a round trip. A number of the block that goes unused (the
 * window closes, the station code changes) is skipped, never handed out twice; the only number
 * that comes back is one taken for a command that was then refused, before anyone saw it.
 */
import {
  MAX_NUMBER_RESERVATION,
  type NumberBlock,
  type NumberReservation,
} from '../../../shared/station-api'

/** Where a window's numbers come from: `station.numbers` of the station API (main). */
export interface NumberAuthority {
  reserve(request: NumberReservation): Promise<NumberBlock>
}

/** How many numbers a window reserves at a time, and below how many it reserves the next ones. */
const BLOCK_SIZE = 3
const LOW_WATER = 1
/** Reservations beyond the needed ones before `ensure` gives up on an authority answering short. */
const SPARE_RESERVATIONS = 3

/** Thrown by a command that needs a number while the window holds none: wait for `ensure`. */
export class NoNumberHeld extends Error {
  constructor(readonly stationCode: string) {
    super(`No ticket number of station ${stationCode} is held yet.`)
    this.name = 'NoNumberHeld'
  }
}

interface Range {
  first: number
  last: number
}

export class NumberPool {
  private stationCode: string | null = null
  /** Held numbers in ascending order; blocks of two reservations need not be contiguous. */
  private ranges: Range[] = []
  /** Numbers up to this one are the server's: a block still on its way is cut above it. */
  private taken = 0
  private reserving: Promise<void> | null = null

  /**
   * `floor`: the highest sequence of the station this window's store has seen used; it goes with
   * each reservation, so main never hands out a number below what a profile already used.
   */
  constructor(
    private readonly authority: NumberAuthority,
    private readonly floor: (stationCode: string) => Promise<number>,
  ) {}

  /** A number now, or null when none of `stationCode` is held (then `ensure` and try again). */
  take(stationCode: string): number | null {
    if (stationCode !== this.stationCode) return null
    const range = this.ranges[0]
    if (!range) return null
    const sequence = range.first
    if (range.first === range.last) this.ranges.shift()
    else range.first += 1
    // The next block is on its way before this one runs out; a failure shows at the next `ensure`.
    if (this.held() <= LOW_WATER) this.ensure(stationCode, LOW_WATER + 1).catch(() => undefined)
    return sequence
  }

  /** Numbers taken for a command that was refused: only the ones taken last come back. */
  giveBack(stationCode: string, sequences: readonly number[]): void {
    if (stationCode !== this.stationCode) return
    for (const sequence of [...sequences].sort((a, b) => b - a)) {
      const first = this.ranges[0]
      if (first && sequence === first.first - 1) first.first = sequence
      else if (!first && sequence > 0) this.ranges.unshift({ first: sequence, last: sequence })
      else return
    }
  }

  /** Main's counter moved to `highest` (see `numbers.raised`): held numbers up to it are dropped. */
  raised(stationCode: string, highest: number): void {
    if (stationCode === this.stationCode) this.drop(highest)
  }

  /**
   * Resolves once `count` numbers of `stationCode` above `above` are held. Numbers at or below
   * `above` are dropped: the server holds them already (see `number_taken`).
   */
  async ensure(stationCode: string, count = 1, above = 0): Promise<void> {
    if (stationCode !== this.stationCode) {
      this.stationCode = stationCode
      this.ranges = []
      this.taken = 0
    }
    this.drop(above)
    const rounds = Math.ceil(count / MAX_NUMBER_RESERVATION) + SPARE_RESERVATIONS
    for (let i = 0; i < rounds && this.held() < count; i++) {
      const size = Math.min(MAX_NUMBER_RESERVATION, Math.max(count - this.held(), BLOCK_SIZE))
      // One reservation at a time: a second asker waits for it and then looks again.
      this.reserving ??= this.reserve(stationCode, size, above).finally(() => {
        this.reserving = null
      })
      await this.reserving
    }
    if (this.held() < count)
      throw new Error(`The station did not hand out ${count} ticket numbers of ${stationCode}.`)
  }

  private async reserve(stationCode: string, count: number, above: number): Promise<void> {
    const floor = Math.max(above, this.taken, await this.floor(stationCode))
    const block = await this.authority.reserve({ stationCode, count, floor })
    // The code changed while the request was out: those numbers are skipped.
    if (block.stationCode !== this.stationCode) return
    this.ranges.push({ first: block.first, last: block.last })
    this.ranges.sort((a, b) => a.first - b.first)
    this.drop(this.taken)
  }

  private drop(above: number): void {
    this.taken = Math.max(this.taken, above)
    this.ranges = this.ranges
      .filter((range) => range.last > above)
      .map((range) => ({ first: Math.max(range.first, above + 1), last: range.last }))
  }

  private held(): number {
    return this.ranges.reduce((sum, range) => sum + range.last - range.first + 1, 0)
  }
}
