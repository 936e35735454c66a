/**
 * Finding the event a push keeps failing on, so it cannot stall the outbox (Replicache's rule: a
 * permanently bad mutation is acknowledged and never blocks the queue).
 *
 * A batch the server failed on (see `ServerFailure`) is halved and pushed again at once, the front
 * half first; each push that gets through doubles the batch again. So a bad event soon travels
 * alone. Alone, it is retried with the agent's backoff (a 500 may be a passing hiccup); after
 * `attempts` failures it is held, and the events behind it go ahead.
 *
 * An event is set aside only on fresh evidence that the server works and still fails on it: right
 * after a push of other events got through, the held event is tried alone once more, and set aside
 * only if that fails too. When no other event is waiting, the evidence comes from a control push:
 * an event the server already holds, sent again (the server answers "duplicate" through the same
 * path, storage included). A server that fails on everything (a full disk, a bad deploy) never
 * gives that evidence: events are held one after the other with growing backoff, none is set
 * aside, and when the server recovers each held event lands on its next try.
 */
import type { OutboxEvent } from './outbox'

/** Failures of one event pushed alone before the events behind it go ahead. */
export const SUSPECT_ATTEMPTS = 3

export type NarrowingStep =
  /** The batch was halved: push again now. */
  | { kind: 'narrowed' }
  /** One event failed alone: retry after the backoff. */
  | { kind: 'retry'; id: string; failures: number }
  /** The server failed on this event alone just after it took others: set it aside. */
  | { kind: 'setAside'; id: string; failures: number }
  /** The control push failed too: the server is failing on everything; retry after the backoff. */
  | { kind: 'control' }

export class BatchNarrowing {
  private limit: number | null = null
  /** Failures of events pushed alone, by id. */
  private readonly suspects = new Map<string, number>()
  /** The last push got events in: the server's push path works right now. */
  private lastLanded = false
  /** An event the server stored, to push again as a control; never one of the outbox's. */
  private control: OutboxEvent | null = null

  constructor(private readonly attempts = SUSPECT_ATTEMPTS) {}

  /** How many events to read from the outbox so that `pick` has a full batch beyond held ones. */
  readAhead(max: number): number {
    return max + this.held().size
  }

  /** The next batch out of `candidates` (outbox order), at most `max` events. */
  pick(candidates: readonly OutboxEvent[], max: number): OutboxEvent[] {
    const held = this.held()
    const firstHeld = candidates.find((event) => held.has(event.id))
    if (this.lastLanded && firstHeld) return [firstHeld]
    const free = candidates.filter((event) => !held.has(event.id))
    if (free.length > 0) return free.slice(0, Math.min(max, this.limit ?? max))
    if (firstHeld && this.control) return [this.control]
    return firstHeld ? [firstHeld] : []
  }

  /** Whether `batch` is the control push, whose answer concerns no event of the outbox. */
  isControl(batch: readonly OutboxEvent[]): boolean {
    return batch.length === 1 && batch[0] === this.control
  }

  /** The server answered for `batch`; `landed`: the events it stored (applied or duplicate). */
  answered(batch: readonly OutboxEvent[], landed: readonly OutboxEvent[], max: number): void {
    for (const event of batch) this.suspects.delete(event.id)
    this.lastLanded = landed.length > 0
    if (landed.length > 0) this.control = landed[landed.length - 1]!
    if (this.limit !== null) this.limit = this.limit * 2 >= max ? null : this.limit * 2
  }

  /** The server failed on `batch`. */
  failed(batch: readonly OutboxEvent[]): NarrowingStep {
    const verified = this.lastLanded
    this.lastLanded = false
    if (this.isControl(batch)) return { kind: 'control' }
    if (batch.length > 1) {
      this.limit = Math.ceil(batch.length / 2)
      return { kind: 'narrowed' }
    }
    const id = batch[0]!.id
    const failures = (this.suspects.get(id) ?? 0) + 1
    this.suspects.set(id, failures)
    if (verified && failures > this.attempts) return { kind: 'setAside', id, failures }
    return { kind: 'retry', id, failures }
  }

  /** The network failed: what the server did before says nothing about what it does now. */
  interrupted(): void {
    this.lastLanded = false
  }

  /** The server would not store the control event again (the session moved station, say). */
  dropControl(): void {
    this.control = null
  }

  forget(id: string): void {
    this.suspects.delete(id)
  }

  /** Another user's outbox is pushed now. */
  reset(): void {
    this.limit = null
    this.suspects.clear()
    this.lastLanded = false
    this.control = null
  }

  private held(): Set<string> {
    const held = new Set<string>()
    for (const [id, failures] of this.suspects) if (failures >= this.attempts) held.add(id)
    return held
  }
}
