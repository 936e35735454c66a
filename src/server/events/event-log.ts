/**
 * The global event log and the tickets projection.
 *
 * Ordering: every write to the log happens inside `withEventLog`, which takes one transaction-level
 * advisory lock before anything else. Identity values (`seq`) are therefore handed out in commit
 * order, and the lock is released only after the commit is visible: a reader at cursor N can never
 * miss an event that commits later with a smaller seq. The same lock serialises projection updates,
 * so two batches touching one ticket cannot overwrite each other's fold. Validation happens before
 * the lock, keeping the critical section to a handful of set-based statements.
 */
import { isDeepStrictEqual } from 'node:util'
import {
  applyEvent,
  canApplyInOrder,
  compareEvents,
  foldTicket,
  parseTicketEvent,
  parseTicketNumber,
  sameEventApartFromRedaction,
  serverWorkDueAt,
  type EventOf,
  type PriorityPolicy,
  type Ticket,
  type TicketEvent,
} from '../../shared/incident'
import { mayEmit } from '../../shared/directory'
import { driftWarning, parseHlc } from '../../shared/sync/hlc'
import { findUnstorableText, textProblem } from '../../shared/text'
import type { PullResponse, PushResponse, PushResult } from '../../shared/sync/wire'
import { SERVER_STATION, type Principal } from '../accounts'
import type { Database, Queryable } from '../db/database'
import { ADVISORY_LOCKS } from '../db/locks'
import { POLICY_SQL, policyFrom } from '../directory-store'
import { planRedactions } from './redaction'

export const EVENTS_CHANNEL = 'warmline_events'

export interface CommitOutcome {
  results: Map<string, PushResult>
  /** Highest seq this transaction wrote, 0 when it wrote none. */
  maxSeq: number
  /** Customer emails queued: the mailer should look now. */
  mailQueued: boolean
}

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
    const [row] = await tx.query<{ policy: unknown }>(
      `SELECT pg_advisory_xact_lock($1)::text AS locked, (${POLICY_SQL}) AS policy`,
      [ADVISORY_LOCKS.eventLog],
    )
    return fn(tx, policyFrom(row?.policy))
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

/** What the fold gives for one ticket now that `added` joined its stored events. */
async function nextProjections(
  tx: Queryable,
  added: readonly TicketEvent[],
  policy: PriorityPolicy,
): Promise<Map<string, Ticket | null>> {
  const byTicket = new Map<string, TicketEvent[]>()
  for (const event of added) {
    const list = byTicket.get(event.ticketId)
    if (list) list.push(event)
    else byTicket.set(event.ticketId, [event])
  }
  const ids = [...byTicket.keys()]
  const current = new Map(
    (
      await tx.query<{ id: string; body: Ticket | null }>(
        'SELECT id, body FROM tickets WHERE id = ANY($1::uuid[])',
        [ids],
      )
    ).map((r) => [r.id, r]),
  )
  const next = new Map<string, Ticket | null>()
  const refold: string[] = []
  for (const [ticketId, events] of byTicket) {
    const row = current.get(ticketId)
    // No row: nothing of this ticket was stored before, so the new events are all there is.
    if (!row) {
      next.set(ticketId, foldTicket(events, policy))
      continue
    }
    let ticket = row.body
    for (const event of [...events].sort(compareEvents)) {
      if (ticket === null || !canApplyInOrder(ticket, event)) {
        refold.push(ticketId)
        break
      }
      ticket = applyEvent(ticket, event, policy)
    }
    if (!refold.includes(ticketId)) next.set(ticketId, ticket)
  }
  if (refold.length) {
    const rows = await tx.query<{ ticket_id: string; body: TicketEvent }>(
      'SELECT ticket_id, body FROM events WHERE ticket_id = ANY($1::uuid[])',
      [refold],
    )
    for (const ticketId of refold) {
      next.set(
        ticketId,
        foldTicket(
          rows.filter((r) => r.ticket_id === ticketId).map((r) => r.body),
          policy,
        ),
      )
    }
  }
  return next
}

const wantsEmail = (event: TicketEvent) =>
  event.type === 'customer_note_added' &&
  (event.payload.sendEmailTo.customer || event.payload.sendEmailTo.cc.length > 0)

/**
 * Stores validated events (unique ids) in a transaction that holds the event-log lock. Events
 * already stored come back as duplicates, or as conflicting duplicates when their content differs.
 * Four statements in the common case: insert, read the tickets, (re-fold reads), write the rest.
 */
export async function commitEvents(
  tx: Queryable,
  given: readonly TicketEvent[],
  receivedAt: number,
  policy: PriorityPolicy,
): Promise<CommitOutcome> {
  const results = new Map<string, PushResult>()
  const numbers = await claimNumbers(tx, given)
  for (const event of numbers.taken) {
    results.set(event.id, {
      id: event.id,
      status: 'rejected',
      code: 'number_taken',
      reason: `Ticket number ${event.payload.number} is already another ticket's.`,
      highestSequence: numbers.highest.get(event.station) ?? 0,
    })
  }
  const offered = given.filter((event) => !results.has(event.id))
  if (!offered.length) return { results, maxSeq: 0, mailQueued: false }
  // Rule 11: new events are stored in their redacted form, and a redaction rewrites what it redacts.
  const redaction = await planRedactions(tx, offered)
  const events = redaction.events
  // The lock makes a concurrent insert of the same id impossible; ON CONFLICT finds repeats.
  const inserted = await tx.query<{ id: string; seq: number }>(
    `INSERT INTO events (id, ticket_id, body, received_at)
     SELECT u.id, u.ticket_id, u.body, $4
       FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) WITH ORDINALITY AS u(id, ticket_id, body, ord)
      ORDER BY u.ord
     ON CONFLICT (id) DO NOTHING RETURNING id, seq`,
    [
      events.map((e) => e.id),
      events.map((e) => e.ticketId),
      events.map((e) => JSON.stringify(e)),
      receivedAt,
    ],
  )
  const seqById = new Map(inserted.map((r) => [r.id, r.seq]))
  const applied = events.filter((e) => seqById.has(e.id))
  for (const e of applied)
    results.set(e.id, { id: e.id, status: 'applied', seq: seqById.get(e.id)! })
  const repeated = events.filter((e) => !seqById.has(e.id))
  if (repeated.length) {
    const rows = await tx.query<{ id: string; seq: number; body: unknown }>(
      'SELECT id, seq, body FROM events WHERE id = ANY($1::uuid[])',
      [repeated.map((e) => e.id)],
    )
    const byId = new Map(rows.map((r) => [r.id, r]))
    for (const event of repeated) {
      const found = byId.get(event.id)!
      const reason = `An event with id ${event.id} and different content is already stored (seq ${found.seq}).`
      results.set(
        event.id,
        sameEventApartFromRedaction(found.body as TicketEvent, event)
          ? { id: event.id, status: 'duplicate', seq: found.seq }
          : rejection(event.id, 'conflicting_duplicate', reason),
      )
    }
  }
  if (!applied.length) return { results, maxSeq: 0, mailQueued: false }
  const maxSeq = Math.max(...seqById.values())
  await redaction.rewriteStored()

  const tickets = [...(await nextProjections(tx, applied, policy)).entries()]
  const lastSeq = new Map<string, number>()
  for (const e of applied)
    lastSeq.set(e.ticketId, Math.max(lastSeq.get(e.ticketId) ?? 0, seqById.get(e.id)!))
  const claims = numbers.fresh.filter((event) => seqById.has(event.id))
  const mails = applied.filter(wantsEmail)
  // The projection, the mail outbox and the poke in one statement. The outbox row is keyed by note
  // id and written with the note: exactly one email per note, however often it is pushed again.
  // NOTIFY reaches every listening process when (and only if) this transaction commits.
  await tx.query(
    `WITH projection AS (
       INSERT INTO tickets (id, body, number, state, alert_key, updated_at, last_seq, next_job_at)
       SELECT * FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::int8[], $17::float8[])
       ON CONFLICT (id) DO UPDATE SET body = excluded.body, number = excluded.number, state = excluded.state,
         alert_key = excluded.alert_key, updated_at = excluded.updated_at, last_seq = excluded.last_seq,
         next_job_at = excluded.next_job_at
     ), outbox AS (
       INSERT INTO mail_outbox (note_id, event_id, ticket_id, status, next_attempt_at, created_at)
       SELECT u.note_id, u.event_id, u.ticket_id, 'pending', $11, $11
         FROM unnest($8::uuid[], $9::uuid[], $10::uuid[]) AS u(note_id, event_id, ticket_id)
       ON CONFLICT (note_id) DO NOTHING
     ), numbers AS (
       INSERT INTO ticket_numbers (number, station_code, sequence, ticket_id, event_id, claimed_at)
       SELECT u.number, split_part(u.number, '-', 1), split_part(u.number, '-', 2)::int8, u.ticket_id, u.event_id, $11
         FROM unnest($14::text[], $15::uuid[], $16::uuid[]) AS u(number, ticket_id, event_id)
     )
     SELECT pg_notify($12, $13)::text`,
    [
      tickets.map(([id]) => id),
      tickets.map(([, t]) => (t ? JSON.stringify(t) : null)),
      tickets.map(([, t]) => t?.number ?? null),
      tickets.map(([, t]) => t?.state ?? null),
      tickets.map(([, t]) => t?.alertKey ?? null),
      tickets.map(([, t]) => t?.updatedAt ?? null),
      tickets.map(([id]) => lastSeq.get(id)!),
      mails.map((e) => (e.type === 'customer_note_added' ? e.payload.noteId : '')),
      mails.map((e) => e.id),
      mails.map((e) => e.ticketId),
      receivedAt,
      EVENTS_CHANNEL,
      String(maxSeq),
      claims.map((e) => e.payload.number),
      claims.map((e) => e.ticketId),
      claims.map((e) => e.id),
      // The scheduler's index (scheduler.ts): when time alone next gives the server work here.
      tickets.map(([, t]) => (t ? serverWorkDueAt(t, policy) : null)),
    ],
  )
  return { results, maxSeq, mailQueued: mails.length > 0 }
}

/**
 * Which openings may have their numbers: a number belongs to the first ticket opened with it. An
 * opening whose number another ticket holds is `taken`; `fresh` are the openings that claim a
 * number nobody holds yet (the first of the batch, if several do). A repeat of an opening already
 * stored is neither: it is answered as a duplicate, whatever became of its number. Called under
 * the event-log lock; the primary key of `ticket_numbers` holds even if that were bypassed.
 */
async function claimNumbers(
  tx: Queryable,
  events: readonly TicketEvent[],
): Promise<{
  taken: EventOf<'opened'>[]
  fresh: EventOf<'opened'>[]
  /** Per station of a taken number: the highest sequence held (what the station renumbers above). */
  highest: Map<string, number>
}> {
  const openings = events.filter((e): e is EventOf<'opened'> => e.type === 'opened')
  if (!openings.length) return { taken: [], fresh: [], highest: new Map() }
  const rows = await tx.query<{ number: string; ticket_id: string }>(
    'SELECT number, ticket_id FROM ticket_numbers WHERE number = ANY($1::text[])',
    [openings.map((e) => e.payload.number)],
  )
  const holder = new Map(rows.map((r) => [r.number, r.ticket_id]))
  const taken: EventOf<'opened'>[] = []
  const fresh: EventOf<'opened'>[] = []
  for (const event of openings) {
    const held = holder.get(event.payload.number)
    if (held === undefined) {
      holder.set(event.payload.number, event.ticketId)
      fresh.push(event)
    } else if (held !== event.ticketId) taken.push(event)
  }
  if (!taken.length) return { taken, fresh, highest: new Map() }
  const stations = [...new Set(taken.map((e) => e.station))]
  const [stored, highest] = await Promise.all([
    tx.query<{ id: string }>('SELECT id FROM events WHERE id = ANY($1::uuid[])', [
      taken.map((e) => e.id),
    ]),
    tx.query<{ station_code: string; n: number }>(
      `SELECT station_code, max(sequence) AS n FROM ticket_numbers
        WHERE station_code = ANY($1::text[]) GROUP BY station_code`,
      [stations],
    ),
  ])
  const repeats = new Set(stored.map((r) => r.id))
  return {
    taken: taken.filter((e) => !repeats.has(e.id)),
    fresh,
    highest: new Map(highest.map((r) => [r.station_code, r.n])),
  }
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
  // station's events pass for another's.
  const node = parseHlc(event.hlc).node
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
  return { ok: true, event }
}

/**
 * A station's push: each event judged on its own, the valid ones stored in one transaction, one
 * result per input event in input order. An id repeated within the batch is answered like a
 * repeat delivery: the same content is a duplicate, different content a conflicting duplicate.
 */
export async function pushEvents(
  db: Database,
  inputs: readonly unknown[],
  principal: Extract<Principal, { kind: 'user' }>,
  now: number,
): Promise<{ response: PushResponse; commit: CommitOutcome }> {
  const verdicts = inputs.map((input) => judgeEvent(input, principal))
  const unique = new Map<string, TicketEvent>()
  for (const v of verdicts) if (v.ok && !unique.has(v.event.id)) unique.set(v.event.id, v.event)
  const commit = unique.size
    ? await withEventLog(db, (tx, policy) => commitEvents(tx, [...unique.values()], now, policy))
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
  const warning = verdicts
    .map((v) => (v.ok ? driftWarning(v.event.hlc, now) : undefined))
    .find(Boolean)
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
