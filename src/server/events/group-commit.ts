/**
 * Group commit: the pushes that arrive while a commit is under way share the next one.
 *
 * Commits are serial (the event-log lock, event-log.ts), so what bounds ingest is how long each
 * holds the log. A push is therefore read and folded as it arrives, outside the lock and beside
 * other pushes (`prepareCommit`, commit.ts), and the pushes waiting when the log is free are
 * written together by one statement (`writePlan`), which checks under the lock that their reads
 * still hold. A push that finds the log free is committed at once, with no timer or batching
 * delay.
 *
 * One commit of this process is under way at a time, so commits follow arrival: a group is
 * committed as the serial run of its pushes in arrival order would be, seqs in that order, numbers
 * to the first claimant. Pushes sharing an event id, a ticket or a claimed number never share a
 * group (the later one is judged against the earlier one's outcome, as a serial run would), and a
 * group holds at most MAX_GROUP_EVENTS events so that its commit still goes out to stations in
 * one live message. A push whose read no longer holds, or that only the lock can judge, is
 * committed alone under the lock, in its turn; a group that fails is retried push by push, so one
 * push's failure is that push's alone.
 */
import type { TicketEvent } from '../../shared/incident'
import { MAX_LIVE_EVENTS } from '../../shared/sync/wire'
import type { Database } from '../db/database'
import {
  commitEvents,
  mergePlans,
  prepareCommit,
  writePlan,
  type CommitOutcome,
  type CommitPlan,
} from './commit'
import { withEventLog } from './event-log'

export const MAX_GROUP_EVENTS = MAX_LIVE_EVENTS

/** Stores a push's judged events (unique ids); resolves once they are committed. */
export type CommitPush = (events: readonly TicketEvent[], now: number) => Promise<CommitOutcome>

interface Waiting {
  events: readonly TicketEvent[]
  now: number
  /** Null: to be committed under the lock (a failed read included: it fails there, alone). */
  plan: Promise<CommitPlan | null>
  touches: ReadonlySet<string>
  resolve(outcome: CommitOutcome): void
  reject(error: unknown): void
}

/**
 * What a push's plan depends on that another push could change: its event ids, tickets and
 * claimed numbers (an id that happened to equal another kind's would only split a group).
 */
const touches = (events: readonly TicketEvent[]) => {
  const keys = new Set<string>()
  for (const event of events) {
    keys.add(event.id).add(event.ticketId)
    if (event.type === 'opened') keys.add(event.payload.number)
  }
  return keys
}

export function groupCommit(db: Database): CommitPush {
  const queue: Waiting[] = []
  let running = false

  /** The longest run of the queue, from its head, that may commit together. */
  const takeGroup = (): Waiting[] => {
    const touched = new Set<string>()
    let size = 0
    let count = 0
    for (const push of queue) {
      if (count > 0 && size + push.events.length > MAX_GROUP_EVENTS) break
      if ([...push.touches].some((key) => touched.has(key))) break
      for (const key of push.touches) touched.add(key)
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

  /** Pushes with plans, written together; each alone under the lock if that cannot be. */
  const commitTogether = async (pushes: Waiting[], plans: CommitPlan[]) => {
    const plan = mergePlans(plans)
    let outcome: CommitOutcome | null = null
    try {
      if (plan) outcome = await writePlan(db, plan, Math.max(...pushes.map((push) => push.now)))
    } catch (error) {
      if (pushes.length === 1) return pushes[0]!.reject(error)
    }
    if (outcome) for (const push of pushes) push.resolve(outcome)
    // Read before another commit changed what it depends on, or failed in a group: in order.
    else for (const push of pushes) await alone(push)
  }

  const run = async () => {
    running = true
    while (queue.length) {
      // The group is taken once its head is planned: the pushes arriving meanwhile join it.
      await queue[0]!.plan
      const group = takeGroup()
      const plans = await Promise.all(group.map((push) => push.plan))
      // In arrival order: runs of planned pushes together, the others alone.
      for (let i = 0; i < group.length;) {
        if (!plans[i]) {
          await alone(group[i]!)
          i++
          continue
        }
        let end = i + 1
        while (end < group.length && plans[end]) end++
        await commitTogether(group.slice(i, end), plans.slice(i, end) as CommitPlan[])
        i = end
      }
    }
    running = false
  }

  return (events, now) =>
    new Promise<CommitOutcome>((resolve, reject) => {
      const plan = prepareCommit(db, events).catch(() => null)
      queue.push({ events, now, plan, touches: touches(events), resolve, reject })
      if (!running) void run()
    })
}
