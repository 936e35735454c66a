/**
 * Events the agent set aside: the central server kept failing (5xx, or an answer the station could
 * not read) on each of them alone while it accepted the events around it, so holding on to them
 * would have stalled the whole outbox. They leave the outbox but not the station: this file keeps
 * them (fsync'd, in main, beside the outbox) with the reason, so the agent's "send again" can put
 * them back once the server is fixed, and the floor view can count them meanwhile. The renderer
 * holds them as rejected (`server_error`), visible with the same reason.
 */
import { z } from 'zod'
import { readJsonFile, writeFileDurably } from './durable-file'
import type { OutboxEvent } from './outbox'

const entrySchema = z.object({
  event: z.looseObject({ id: z.string(), actor: z.string() }),
  reason: z.string(),
  at: z.number(),
})
export type SetAsideEntry = { event: OutboxEvent; reason: string; at: number }

export class SetAsideEvents {
  private entries = new Map<string, SetAsideEntry>()
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<SetAsideEvents> {
    const store = new SetAsideEvents(file)
    const parsed = z.array(entrySchema).safeParse((await readJsonFile(file)) ?? [])
    // A file this build cannot read is kept out of the way of the station, not guessed at.
    if (!parsed.success) throw new Error(`${file} is not a list of set-aside events`)
    for (const entry of parsed.data) store.entries.set(entry.event.id, entry)
    return store
  }

  get size(): number {
    return this.entries.size
  }

  get(id: string): SetAsideEntry | undefined {
    return this.entries.get(id)
  }

  add(entry: SetAsideEntry): Promise<void> {
    return this.write((next) => next.set(entry.event.id, entry))
  }

  /** Takes the given events out (all when `ids` is omitted) and returns what was held. */
  async take(ids?: readonly string[]): Promise<SetAsideEntry[]> {
    const taken = (ids ?? [...this.entries.keys()]).flatMap((id) => this.entries.get(id) ?? [])
    if (taken.length > 0) await this.write((next) => taken.forEach((e) => next.delete(e.event.id)))
    return taken
  }

  /** The change is held once it is on disk: a write that fails leaves the entries as they were. */
  private write(change: (next: Map<string, SetAsideEntry>) => void): Promise<void> {
    const result = this.queue.then(async () => {
      const next = new Map(this.entries)
      change(next)
      await writeFileDurably(this.file, JSON.stringify([...next.values()]))
      this.entries = next
    })
    this.queue = result.catch(() => undefined)
    return result
  }
}
