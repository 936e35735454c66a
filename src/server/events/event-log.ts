/**
 * The global event log and the tickets projection.
 *
 * Ordering: every write to the log takes one transaction-level advisory lock before anything
 * else, in `withEventLog` or in `warmline_commit` (commit.ts). Identity values (`seq`) are
 * therefore handed out in commit order, and the lock is released only after the commit is
 * visible: a reader at cursor N can never miss an event that commits later with a smaller seq.
 * The same lock serialises projection updates, so two batches touching one ticket cannot
 * overwrite each other's fold. Validation happens before the lock, and in the usual case so do
 * the read and the fold: the critical section is then that one statement, outside any
 * transaction of this process.
 */
import { isDeepStrictEqual } from 'node:util'
import {
  mayEscalateTo,
  mayTakeOwnership,
  parseTicketEvent,
  parseTicketNumber,
  type PriorityPolicy,
  type TicketEvent,
} from '../../shared/incident'
import { mayEmit } from '../../shared/directory'
import { driftWarning } from '../../shared/sync/hlc'
import { findUnstorableText, textProblem } from '../../shared/text'
import type { PullResponse, PushResponse, PushResult } from '../../shared/sync/wire'
import { SERVER_STATION, type Principal } from '../accounts'
import type { Database, Queryable } from '../db/database'
import { ADVISORY_LOCKS } from '../db/locks'
import { POLICY_SQL, policyOfText } from '../directory-store'
import type { CommitOutcome } from './commit'
import type { CommitPush } from './group-commit'

export {
  EVENTS_CHANNEL,
  commitEvents,
  liveNotice,
  parseLiveNotice,
  type CommitOutcome,
} from './commit'

/**
 * Runs `fn` in a transaction holding the event-log lock (see the file comment), with the priority
 * policy the projection is folded with. Round trips inside the lock are what a push costs, so the
 * lock and the policy come in one statement.
 */
export function withEventLog<T>(
  db: Database,
  fn: (tx: Queryable, policy: PriorityPolicy) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ policy: string }>(
      `SELECT pg_advisory_xact_lock($1)::text AS locked, (${POLICY_SQL})::text AS policy`,
      [ADVISORY_LOCKS.eventLog],
      { name: 'warmline_event_log_lock' },
    )
    return fn(tx, policyOfText(row!.policy))
  })
}

const sameEvent = (a: unknown, b: unknown) => isDeepStrictEqual(a, b)

/** JSON round trip: the form the event takes in jsonb (no `undefined` members), for comparing. */
const stored = (event: TicketEvent): unknown => JSON.parse(JSON.stringify(event))

type Verdict = { ok: true; event: TicketEvent } | { ok: false; result: PushResult }
type RejectionCode = Extract<PushResult, { status: 'rejected' }>['code']

const rejection = (id: string, code: RejectionCode, reason: string): PushResult => ({
  id,
  status: 'rejected',
  code,
  reason,
})
const reject = (id: string, code: RejectionCode, reason: string): Verdict => ({
  ok: false,
  result: rejection(id, code, reason),
})

/**
 * What a role may record but not with this payload (beyond `mayEmit`, which says which events it
 * may record at all): the domain's rule for each such event, with the reason to show.
 */
function payloadRefusal(
  role: Extract<Principal, { kind: 'user' }>['user']['role'],
  event: TicketEvent,
): string | null {
  if (event.type === 'management_escalated' && !mayEscalateTo(role, event.payload.level))
    return 'Escalation to the director of IT service management is for a supervisor (rule 10).'
  if (event.type === 'ownership_taken' && !mayTakeOwnership(role, event.payload.from))
    return `payload.from: taking over ${event.payload.from}'s ticket is a supervisor's call (rule 4).`
  return null
}

/** Per-event checks that need no database: shape, schema version, actor, station, permission. */
export function judgeEvent(
  input: unknown,
  principal: Extract<Principal, { kind: 'user' }>,
): Verdict {
  const rawId =
    typeof input === 'object' &&
    input !== null &&
    typeof (input as { id?: unknown }).id === 'string'
      ? (input as { id: string }).id
      : ''
  const parsed = parseTicketEvent(input)
  if (!parsed.ok) return reject(rawId, parsed.code, parsed.message)
  const event = parsed.event
  // The schema's text fields refuse what jsonb cannot hold; the whole event as sent is checked
  // too, member names included, so no member the schema does not know of can carry such text.
  const unstorable = findUnstorableText(input)
  if (unstorable !== null) {
    // The path may itself be the bad text (a member name): quoted, it is plain ASCII.
    const where = textProblem(unstorable, true) ? JSON.stringify(unstorable) : unstorable
    return reject(
      event.id,
      'invalid_event',
      `${where}: holds a lone UTF-16 surrogate or a control character (such as NUL)`,
    )
  }
  if (event.actor !== principal.user.username) {
    return reject(
      event.id,
      'actor_mismatch',
      `The event's actor is ${event.actor}, but ${principal.user.username} is signed in.`,
    )
  }
  if (event.station === SERVER_STATION) {
    return reject(
      event.id,
      'station_mismatch',
      `Station code ${SERVER_STATION} is reserved for the server.`,
    )
  }
  if (!principal.stationCode) {
    return reject(
      event.id,
      'station_mismatch',
      'Only a session signed in on an enrolled station records ticket events: sign in at the station.',
    )
  }
  if (event.station !== principal.stationCode) {
    return reject(
      event.id,
      'station_mismatch',
      `The event comes from station ${event.station}, but this session is on ${principal.stationCode}.`,
    )
  }
  // The clock's node orders the event among its station's events; another node would let one
  // station's events pass for another's. The schema checked the clock's form: the node is what
  // follows its last '-'.
  const node = event.hlc.slice(event.hlc.lastIndexOf('-') + 1)
  if (node !== principal.stationCode) {
    return reject(
      event.id,
      'station_mismatch',
      `The event's clock is station ${node}'s, but this session is on ${principal.stationCode}.`,
    )
  }
  if (event.type === 'opened') {
    const foreign = [event.payload.number, ...(event.payload.previousNumbers ?? [])].find(
      (number) => parseTicketNumber(number)?.stationCode !== principal.stationCode,
    )
    if (foreign) {
      return reject(
        event.id,
        'station_mismatch',
        `Ticket number ${foreign} is not of station ${principal.stationCode}'s sequence.`,
      )
    }
  }
  if (!mayEmit(principal.user.role, event.type)) {
    return reject(event.id, 'forbidden', `A ${principal.user.role} may not record "${event.type}".`)
  }
  const refused = payloadRefusal(principal.user.role, event)
  if (refused) return reject(event.id, 'forbidden', refused)
  return { ok: true, event }
}

/**
 * A station's push: each event judged on its own, the valid ones stored together by `commitPush`
 * (group-commit.ts), one result per input event in input order. An id repeated within the batch
 * is answered like a repeat delivery: the same content is a duplicate, different content a
 * conflicting duplicate.
 */
export async function pushEvents(
  commitPush: CommitPush,
  inputs: readonly unknown[],
  principal: Extract<Principal, { kind: 'user' }>,
  now: number,
): Promise<{ response: PushResponse; commit: CommitOutcome }> {
  const verdicts = inputs.map((input) => judgeEvent(input, principal))
  const unique = new Map<string, TicketEvent>()
  for (const v of verdicts) if (v.ok && !unique.has(v.event.id)) unique.set(v.event.id, v.event)
  const commit = unique.size
    ? await commitPush([...unique.values()], now)
    : { results: new Map<string, PushResult>(), maxSeq: 0, mailQueued: false }

  const answered = new Set<string>()
  const results = verdicts.map((v): PushResult => {
    if (!v.ok) return v.result
    const first = unique.get(v.event.id)!
    const result = commit.results.get(v.event.id)!
    if (!answered.has(v.event.id)) {
      answered.add(v.event.id)
      return result
    }
    if (first !== v.event && !sameEvent(stored(first), stored(v.event))) {
      return rejection(
        v.event.id,
        'conflicting_duplicate',
        'The batch holds this event id twice with different content.',
      )
    }
    return result.status === 'applied' ? { ...result, status: 'duplicate' } : result
  })
  // Clock values sort as their wall times do, so the latest says whether any is far ahead.
  let latest: string | undefined
  for (const v of verdicts)
    if (v.ok && (latest === undefined || v.event.hlc > latest)) latest = v.event.hlc
  const warning = latest === undefined ? undefined : driftWarning(latest, now)
  return { response: { results, ...(warning ? { clockWarning: warning.message } : {}) }, commit }
}

export async function pullEvents(
  db: Queryable,
  after: number,
  limit: number,
): Promise<PullResponse> {
  const rows = await db.query<{ seq: number; body: unknown }>(
    'SELECT seq, body FROM events WHERE seq > $1 ORDER BY seq LIMIT $2',
    [after, limit + 1],
  )
  const page = rows.slice(0, limit)
  return {
    events: page.map((r) => ({ seq: r.seq, event: r.body })),
    next: page.length ? page[page.length - 1]!.seq : after,
    upToDate: rows.length <= limit,
  }
}

export async function latestSeq(db: Queryable): Promise<number> {
  const [row] = await db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM events')
  return row?.seq ?? 0
}

/**
 * Pull with single flight: after a poke, every station of the floor asks for the same page at
 * once. Requests for the same page share one query, but only with a query that started once
 * `knownSeq()` had reached today's value — a station pulling because of a poke for seq S must
 * never be served by a query that began before S was committed, or it would miss S for good.
 */
export function coalescedPuller(db: Queryable, knownSeq: () => number) {
  const inFlight = new Map<string, Promise<PullResponse>>()
  return (after: number, limit: number): Promise<PullResponse> => {
    const key = `${after}:${limit}:${knownSeq()}`
    const shared = inFlight.get(key)
    if (shared) return shared
    const query = pullEvents(db, after, limit).finally(() => inFlight.delete(key))
    inFlight.set(key, query)
    return query
  }
}
