/**
 * The commits the live socket brought lately, kept so that a pull can be answered from them. A
 * station catching up pulls while every other station's commits reach it on the live socket;
 * without these, it would ask the server again for each event it was just sent.
 *
 * A page is made only of whole commits chained from the cursor asked for (each message's `after`
 * is the one before's `next`), so it is exactly what the server's pull would return for that
 * range. It never claims to be up to date: the renderer asks once more, and what is not held here
 * comes from the server.
 */
import type { LiveEventsMessage, PullResponse } from '../../shared/sync/wire'

export class LivePages {
  /** By `after`, oldest first. */
  private readonly commits = new Map<number, LiveEventsMessage>()
  private held = 0

  constructor(private readonly maxEvents: number) {}

  remember(commit: LiveEventsMessage): void {
    if (commit.events.length === 0 || this.commits.has(commit.after)) return
    this.commits.set(commit.after, commit)
    this.held += commit.events.length
    for (const [after, oldest] of this.commits) {
      if (this.held <= this.maxEvents) break
      this.commits.delete(after)
      this.held -= oldest.events.length
    }
  }

  /** The held commits that follow `after`, as one page of at most `limit` events; else null. */
  page(after: number, limit: number): PullResponse | null {
    const events: PullResponse['events'] = []
    let next = after
    for (let commit = this.commits.get(next); commit; commit = this.commits.get(next)) {
      if (events.length + commit.events.length > limit) break
      events.push(...commit.events)
      next = commit.next
    }
    return events.length > 0 ? { events, next, upToDate: false } : null
  }

  clear(): void {
    this.commits.clear()
    this.held = 0
  }
}
