/**
 * The station's ticket-number counter: the one authority per station (ARCHITECTURE.md "Data").
 * Every window reserves its blocks here, so two windows, a second browser profile or a wiped one
 * never get the same number. The counter is a small JSON file beside the outbox, written durably
 * before a block is handed out: after a crash, a block once handed out is never handed out again
 * (numbers of it that went unused are skipped). It is raised to the highest number the server
 * holds for the station at sign-in and enrollment, and to what a window has seen used.
 */
import { z } from 'zod'
import { StationError, type NumberBlock } from '../../shared/station-api'
import { readJsonFile, writeFileDurably } from './durable-file'

/** The largest sequence a ticket number can carry (`formatTicketNumber`). */
const MAX_SEQUENCE = 999_999_999

const counterFileSchema = z.object({
  /** Per station code (a re-enrolled station has a new one): the last sequence handed out. */
  last: z.record(z.string(), z.number().int().min(0).max(MAX_SEQUENCE)),
})

export class TicketNumbers {
  /** File writes run one at a time, in call order; each starts from the last one's state. */
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(
    private readonly file: string,
    private last: Readonly<Record<string, number>>,
  ) {}

  static async open(file: string): Promise<TicketNumbers> {
    const raw = await readJsonFile(file)
    if (raw === undefined) return new TicketNumbers(file, {})
    const parsed = counterFileSchema.safeParse(raw)
    // Starting again from zero would hand out numbers already read to callers: refuse instead.
    if (!parsed.success)
      throw new Error(`The ticket-number counter ${file} is unreadable; restore it from a backup.`)
    return new TicketNumbers(file, parsed.data.last)
  }

  /** The last sequence handed out (or raised to) for `stationCode`. */
  highest(stationCode: string): number {
    return this.last[stationCode] ?? 0
  }

  /**
   * The next `count` numbers of `stationCode`, on disk before they are returned. `floor` is the
   * highest sequence the asker knows to be used; the block starts above it.
   */
  reserve(stationCode: string, count: number, floor = 0): Promise<NumberBlock> {
    return this.serially(async () => {
      const first = Math.max(this.highest(stationCode), floor) + 1
      const last = first + count - 1
      if (last > MAX_SEQUENCE) {
        throw new StationError(
          'refused',
          `Station ${stationCode} has used up its ticket numbers: enroll it again for a new station code.`,
        )
      }
      await this.save({ ...this.last, [stationCode]: last })
      return { stationCode, first, last }
    })
  }

  /** Never lowers the counter: numbers handed out stay handed out. */
  raise(stationCode: string, highest: number): Promise<void> {
    return this.serially(async () => {
      if (highest > this.highest(stationCode))
        await this.save({ ...this.last, [stationCode]: Math.min(highest, MAX_SEQUENCE) })
    })
  }

  private async save(last: Record<string, number>): Promise<void> {
    await writeFileDurably(this.file, JSON.stringify({ last }))
    this.last = last
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(operation)
    this.queue = result.catch(() => undefined)
    return result
  }
}
