/**
 * Storing a batch of validated events and the projection they lead to. What a commit waits for
 * is the event-log lock (event-log.ts), so as little as possible happens under it: a batch is
 * read and folded (`prepareCommit`) before the lock, and written by one call of
 * `warmline_commit` (migration 12), outside any transaction, which takes the lock, checks that
 * nothing the fold depended on changed since the read, and writes the events, the projection, the
 * number claims, the mail outbox and the notification. The lock is then held for the database's
 * own work alone, with no round trip to this process inside it. A batch whose check fails, or
 * that needs what only the lock can give (a number another ticket holds, a redaction that
 * rewrites stored events), is committed by `commitEvents` inside `withEventLog` instead: read,
 * fold and write under the lock, through the same call.
 */
import type { PriorityPolicy, TicketEvent } from '../../shared/incident'
import type { PushResult } from '../../shared/sync/wire'
import type { Queryable } from '../db/database'
import { ADVISORY_LOCKS } from '../db/locks'
import { policyOfText } from '../directory-store'
import { planCommit, readState, type CommitPlan } from './commit-plan'

export { mergePlans, type CommitPlan } from './commit-plan'

export const EVENTS_CHANNEL = 'warmline_events'

export interface CommitOutcome {
  results: Map<string, PushResult>
  /** Highest seq this transaction wrote, 0 when it wrote none. */
  maxSeq: number
  /** Customer emails queued: the mailer should look now. */
  mailQueued: boolean
}

/**
 * What a commit NOTIFYs on EVENTS_CHANNEL: the log's highest seq before it and its own highest,
 * `after:next`. Commits hold the event-log lock, so notifications arrive in commit order and
 * each one's `after` is the previous one's `next`: the live stream can tell a station exactly
 * which events follow its cursor.
 */
export const liveNotice = (after: number, next: number): string => `${after}:${next}`

export function parseLiveNotice(payload: string): { after: number; next: number } | null {
  const match = /^(\d+):(\d+)$/.exec(payload)
  return match ? { after: Number(match[1]), next: Number(match[2]) } : null
}

const WRITE = {
  name: 'warmline_commit_write',
  sql: `SELECT warmline_commit($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8::uuid[], $9::uuid[],
          $10::uuid[], $11::text[], $12::uuid[], $13::uuid[], $14) AS seqs`,
}

/**
 * Writes a plan through `warmline_commit`: on `q` alone, outside a transaction, its own commit;
 * or in a transaction already holding the lock. Null when what the plan was folded against has
 * changed: nothing was written.
 */
export async function writePlan(
  q: Queryable,
  plan: CommitPlan,
  receivedAt: number,
): Promise<CommitOutcome | null> {
  if (!plan.freshIds.length) return { results: plan.results, maxSeq: 0, mailQueued: false }
  const [row] = await q.query<{ seqs: (number | string)[] | null }>(
    WRITE.sql,
    [
      ADVISORY_LOCKS.eventLog,
      plan.settings.keys,
      plan.settings.stamp,
      plan.versions,
      `[${plan.events}]`,
      receivedAt,
      `[${plan.projections}]`,
      plan.mails.map((m) => m.noteId),
      plan.mails.map((m) => m.eventId),
      plan.mails.map((m) => m.ticketId),
      plan.claims.map((c) => c.number),
      plan.claims.map((c) => c.ticketId),
      plan.claims.map((c) => c.eventId),
      EVENTS_CHANNEL,
    ],
    { name: WRITE.name },
  )
  if (!row?.seqs) return null
  const seqs = row.seqs.map(Number)
  // Every fresh id is inserted, or the check would have failed: the seqs are theirs, in order.
  if (seqs.length !== plan.freshIds.length)
    throw new Error(`the event log took ${seqs.length} of ${plan.freshIds.length} new events`)
  const results = new Map(plan.results)
  plan.freshIds.forEach((id, i) => results.set(id, { id, status: 'applied', seq: seqs[i]! }))
  return { results, maxSeq: Math.max(...seqs), mailQueued: plan.mails.length > 0 }
}

/**
 * Reads and folds a batch (validated, unique ids) without the lock: its plan for `writePlan`, or
 * null when only `commitEvents` under the lock can commit it.
 */
export async function prepareCommit(
  q: Queryable,
  given: readonly TicketEvent[],
): Promise<CommitPlan | null> {
  const state = await readState(q, given)
  return planCommit(q, false, given, state, policyOfText(state.policy))
}

/**
 * Stores validated events (unique ids) in a transaction that holds the event-log lock. Events
 * already stored come back as duplicates, or as conflicting duplicates when their content differs.
 */
export async function commitEvents(
  tx: Queryable,
  given: readonly TicketEvent[],
  receivedAt: number,
  policy: PriorityPolicy,
): Promise<CommitOutcome> {
  const state = await readState(tx, given)
  const plan = (await planCommit(tx, true, given, state, policy))!
  if (plan.freshIds.length) await plan.rewriteStored?.()
  const outcome = await writePlan(tx, plan, receivedAt)
  // Under the lock nothing else writes what the plan checks: what was read is what the write finds.
  if (!outcome) throw new Error('the event log changed under its lock')
  return outcome
}
