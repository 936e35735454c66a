/**
 * The notification keys this station has shown on the desktop (issue 10, item 8: once per
 * notification), kept in the data folder so a restart of the app does not show them again.
 * Bounded: the oldest keys are forgotten first, long after anyone would be told of them again.
 */
import { z } from 'zod'
import { readJsonFile, writeFileDurably } from './durable-file'

const fileSchema = z.object({ keys: z.array(z.string()) })

export class NotifiedKeys {
  /** Writes in order, one at a time; a failed write is logged and the next one carries the set. */
  private writing: Promise<void> = Promise.resolve()

  private constructor(
    private readonly file: string,
    private readonly keys: Set<string>,
    private readonly limit: number,
    private readonly logError: (error: unknown) => void,
  ) {}

  static async open(
    file: string,
    limit: number,
    logError: (error: unknown) => void = () => undefined,
  ): Promise<NotifiedKeys> {
    // A damaged file costs at most a repeated notification, never the start of the station.
    const read = fileSchema.safeParse(await readJsonFile(file).catch(() => undefined))
    return new NotifiedKeys(file, new Set(read.success ? read.data.keys : []), limit, logError)
  }

  /** True the first time a key is given (on this station, across restarts). */
  first(key: string): boolean {
    if (this.keys.has(key)) return false
    this.keys.add(key)
    if (this.keys.size > this.limit) this.keys.delete(this.keys.values().next().value!)
    const snapshot = JSON.stringify({ keys: [...this.keys] })
    this.writing = this.writing
      .then(() => writeFileDurably(this.file, snapshot))
      .catch(this.logError)
    return true
  }

  /** Resolves once every key given so far is on disk (or its write has failed and been logged). */
  flushed(): Promise<void> {
    return this.writing
  }
}
