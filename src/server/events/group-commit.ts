/**
 * Group commit: the pushes that arrive while the event log is locked share the next transaction.
 *
 * Commits are serial anyway (the event-log lock, event-log.ts), and what a commit costs is mostly
 * its fixed part: the lock, a read, a write and COMMIT, each a round trip, and each waiting for
 * this process's event loop between them. Paying that once for every push waiting behind the lock
 * instead of once per push is what lets ingest keep up with a floor of stations pushing at once;
 * a push that finds the log free is committed at once, with no timer or batching delay.
 *
 * One transaction at a time waits for the lock; it takes what is queued when it gets the lock,
 * so pushes arriving while another commit runs join it. A group is committed as the serial run of
 * its pushes in arrival order would be: seqs in that order, numbers to the first claimant. Pushes
 * sharing an event id never share a group (the later one is judged against the earlier one's
 * outcome, as a repeat delivery), and a group holds at most MAX_GROUP_EVENTS events so that its
 * commit still goes out to stations in one live message. A group that fails is retried push by
 * push, so one push's failure is that push's alone.
 */
import type { TicketEvent } from '../../shared/incident'
import { MAX_LIVE_EVENTS } from '../../shared/sync/wire'
import type { Database } from '../db/database'
import { commitEvents, type CommitOutcome } from './commit'
import { withEventLog } from './event-log'

export const MAX_GROUP_EVENTS = MAX_LIVE_EVENTS

/** Stores a push's judged events (unique ids); resolves once they are committed. */
export type CommitPush = (events: readonly TicketEvent[], now: number) => Promise<CommitOutcome>

interface Waiting {
  events: readonly TicketEvent[]
  now: number
  resolve(outcome: CommitOutcome): void
  reject(error: unknown): void
}

export function groupCommit(db: Database): CommitPush {
  const queue: Waiting[] = []
  /** A transaction is on its way to the lock and will take the queue when it has it. */
  let waiting = false

  /** The longest run of the queue, from its head, that may commit together. */
  const takeGroup = (): Waiting[] => {
    const ids = new Set<string>()
    let size = 0
    let count = 0
    for (const push of queue) {
      if (count > 0 && size + push.events.length > MAX_GROUP_EVENTS) break
      if (push.events.some((event) => ids.has(event.id))) break
      for (const event of push.events) ids.add(event.id)
      size += push.events.length
      count++
    }
    return queue.splice(0, count)
  }

  const alone = (push: Waiting) =>
    withEventLog(db, (tx, policy) => commitEvents(tx, push.events, push.now, policy)).then(
      push.resolve,
      push.reject,
    )

  const start = () => {
    waiting = true
    let locked = false
    let group: Waiting[] = []
    withEventLog(db, (tx, policy) => {
      locked = true
      waiting = false
      group = takeGroup()
      // What could not join waits behind this commit, already queued at the lock.
      if (queue.length) start()
      return commitEvents(
        tx,
        group.flatMap((push) => push.events),
        Math.max(...group.map((push) => push.now)),
        policy,
      )
    }).then(
      (outcome) => {
        for (const push of group) push.resolve(outcome)
      },
      (error: unknown) => {
        // Failed before it had the lock: the queue was this transaction's to take.
        if (!locked) {
          waiting = false
          group = queue.splice(0)
        }
        if (group.length === 1) group[0]!.reject(error)
        else for (const push of group) void alone(push)
      },
    )
  }

  return (events, now) =>
    new Promise<CommitOutcome>((resolve, reject) => {
      queue.push({ events, now, resolve, reject })
      if (!waiting) start()
    })
}
