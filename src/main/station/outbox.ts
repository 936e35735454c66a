/**
 * Main's outbox: the events the renderer handed over that the server has not answered for yet.
 * A JSON-lines log of `{"add": event}` and `{"done": [ids]}` records, fsync'd before a hand-over
 * is acknowledged, so a crash or restart mid-push loses nothing even before the renderer hands
 * its pending events over again. Resending after a restart is safe: the server is idempotent on
 * event id. The log is rewritten compactly on open and whenever it empties.
 */
import { readFile } from 'node:fs/promises'
import { parseTicketEvent, redactedForms, type TicketEvent } from '../../shared/incident'
import { DurableLog, writeFileDurably } from './durable-file'

export interface OutboxEvent {
  readonly id: string
  readonly actor: string
  readonly [field: string]: unknown
}

type Record_ = { add: OutboxEvent } | { done: string[] }

function parseRecords(text: string): Record_[] {
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  const records: Record_[] = []
  for (const [i, line] of lines.entries()) {
    try {
      records.push(JSON.parse(line) as Record_)
    } catch (error) {
      // Only the last line can be torn (a crash in the middle of an append that was never
      // acknowledged); anything else is corruption we must not paper over.
      if (i === lines.length - 1) break
      throw new Error(`Outbox file is corrupt at line ${i + 1}: ${(error as Error).message}`, {
        cause: error,
      })
    }
  }
  return records
}

/**
 * The valid events among `events` that a redaction concerns. Main relays what the renderer hands
 * over without judging it (the server does); a malformed event is left as it is.
 */
function noteEvents(events: readonly OutboxEvent[]): TicketEvent[] {
  return events.flatMap((event) => {
    if (event.type !== 'customer_note_added' && event.type !== 'note_redacted') return []
    const parsed = parseTicketEvent(event)
    return parsed.ok ? [parsed.event] : []
  })
}

export class Outbox {
  private events = new Map<string, OutboxEvent>()
  private log: DurableLog | null = null
  /** File operations run one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve()

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<Outbox> {
    const outbox = new Outbox(file)
    let text = ''
    try {
      text = await readFile(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    for (const record of parseRecords(text)) {
      if ('add' in record) outbox.events.set(record.add.id, record.add)
      else for (const id of record.done) outbox.events.delete(id)
    }
    // The compaction drops a torn last line, which an append after it would bury mid-file: a
    // station that cannot write it does not start on the file.
    await outbox.rewrite().catch(async (error: unknown) => {
      await outbox.log?.close()
      throw error
    })
    return outbox
  }

  get size(): number {
    return this.events.size
  }

  countFor(actor: string): number {
    let count = 0
    for (const event of this.events.values()) if (event.actor === actor) count++
    return count
  }

  /** The oldest events of one actor, in hand-over order. */
  batchFor(actor: string, max: number): OutboxEvent[] {
    const batch: OutboxEvent[] = []
    for (const event of this.events.values()) {
      if (batch.length >= max) break
      if (event.actor === actor) batch.push(event)
    }
    return batch
  }

  /** Keeps the events not held yet; resolves once they are on disk. Returns how many were new. */
  add(events: readonly OutboxEvent[]): Promise<number> {
    return this.serially(async () => {
      const seen = new Set(this.events.keys())
      const fresh = events.filter((event) => !seen.has(event.id) && seen.add(event.id))
      const redacted = this.redact(fresh)
      const freshIds = new Set(fresh.map((event) => event.id))
      // What fails to reach the disk is not taken: the hand-over fails, and the same events
      // handed over again are new here.
      if ([...redacted.keys()].some((id) => !freshIds.has(id))) {
        const before = new Map(this.events)
        for (const event of fresh) this.events.set(event.id, redacted.get(event.id) ?? event)
        for (const [id, event] of redacted) this.events.set(id, event)
        // The file must not keep the text either: it is written anew, not appended to.
        await this.rewrite().catch((error: unknown) => {
          this.events = before
          throw error
        })
      } else {
        for (const event of fresh) this.events.set(event.id, redacted.get(event.id) ?? event)
        await this.log!.append(
          fresh.map((event) => JSON.stringify({ add: this.events.get(event.id) })),
        ).catch((error: unknown) => {
          for (const event of fresh) this.events.delete(event.id)
          throw error
        })
      }
      return fresh.length
    })
  }

  /**
   * Rule 11: a redaction handed over while the note it redacts still waits here (written and
   * redacted before it was pushed) rewrites that note, so the text never leaves the station.
   */
  private redact(fresh: readonly OutboxEvent[]): Map<string, OutboxEvent> {
    const incoming = noteEvents(fresh)
    if (incoming.length === 0) return new Map()
    const forms = redactedForms([...noteEvents([...this.events.values()]), ...incoming])
    return forms as unknown as Map<string, OutboxEvent>
  }

  /** Forgets events the server has answered for. */
  settle(ids: readonly string[]): Promise<void> {
    return this.serially(async () => {
      const held = ids.filter((id) => this.events.has(id))
      if (held.length === 0) return
      for (const id of held) this.events.delete(id)
      if (this.events.size === 0 && (await this.compacted())) return
      await this.log!.append([JSON.stringify({ done: held })])
    })
  }

  close(): Promise<void> {
    return this.serially(async () => {
      await this.log?.close()
      this.log = null
    })
  }

  private serially<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => {
      if (!this.log) throw new Error('The outbox is closed')
      return operation()
    })
    this.queue = result.catch(() => undefined)
    return result
  }

  /**
   * Writes the log anew with what is held. The new file is renamed into place whole, so if the
   * write fails the old file is as it was, and appends go on to it.
   */
  private async rewrite(): Promise<void> {
    await this.log?.close()
    this.log = null
    const lines = [...this.events.values()].map((event) => `${JSON.stringify({ add: event })}\n`)
    try {
      await writeFileDurably(this.file, lines.join(''))
    } finally {
      this.log = await DurableLog.open(this.file)
    }
  }

  /**
   * The emptied log written anew: only a compaction, so false when the write failed (the caller
   * then appends what it would have dropped).
   */
  private async compacted(): Promise<boolean> {
    try {
      await this.rewrite()
      return true
    } catch {
      return false
    }
  }
}
