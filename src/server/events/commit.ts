/**
 * Storing a batch of validated events and the projection they lead to, under the event-log lock
 * (event-log.ts). Round trips inside the lock are what a push costs, so a commit is two
 * statements in the usual case: one read of everything the batch depends on (its ids already
 * stored, its tickets, the numbers its openings claim, where the log ends), and one write of the
 * events, the projection, the number claims, the mail outbox and the notification together.
 * Both are prepared once per connection. Rare cases add a statement each: a batch concerning
 * redactions, a ticket that must be re-folded from its stored events, a number already taken.
 */
import {
  applyEvent,
  canApplyInOrder,
  compareEvents,
  foldTicket,
  parseTicketNumber,
  sameEventApartFromRedaction,
  serverWorkDueAt,
  type EventOf,
  type PriorityPolicy,
  type Ticket,
  type TicketEvent,
} from '../../shared/incident'
import type { PushResult } from '../../shared/sync/wire'
import type { Queryable } from '../db/database'
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

/** The state a batch is judged and folded against, read in one statement under the lock. */
interface LogState {
  /** The log's highest seq before this commit. */
  after: number
  stored: Map<string, { seq: number; body: TicketEvent }>
  /** The batch's tickets that have a projection row (its body is null before the opening). */
  tickets: Map<string, Ticket | null>
  /** Which ticket holds each number the batch's openings claim. */
  holders: Map<string, string>
}

const READ_STATE = {
  name: 'warmline_commit_read',
  sql: `SELECT (SELECT coalesce(max(seq), 0) FROM events) AS after,
        (SELECT coalesce(json_agg(json_build_object('id', id, 'seq', seq, 'body', body)), '[]')
           FROM events WHERE id = ANY($1::uuid[])) AS stored,
        (SELECT coalesce(json_agg(json_build_object('id', id, 'body', body)), '[]')
           FROM tickets WHERE id = ANY($2::uuid[])) AS tickets,
        (SELECT coalesce(json_agg(json_build_object('number', number, 'ticket', ticket_id)), '[]')
           FROM ticket_numbers WHERE number = ANY($3::text[])) AS holders`,
}

async function readState(tx: Queryable, events: readonly TicketEvent[]): Promise<LogState> {
  const [row] = await tx.query<{
    after: number
    stored: { id: string; seq: number; body: TicketEvent }[]
    tickets: { id: string; body: Ticket | null }[]
    holders: { number: string; ticket: string }[]
  }>(
    READ_STATE.sql,
    [
      events.map((e) => e.id),
      [...new Set(events.map((e) => e.ticketId))],
      events.flatMap((e) => (e.type === 'opened' ? [e.payload.number] : [])),
    ],
    { name: READ_STATE.name },
  )
  return {
    after: Number(row!.after),
    stored: new Map(row!.stored.map((r) => [r.id, { seq: r.seq, body: r.body }])),
    tickets: new Map(row!.tickets.map((r) => [r.id, r.body])),
    holders: new Map(row!.holders.map((r) => [r.number, r.ticket])),
  }
}

/**
 * The events, projection, number claims, mail outbox and notification in one statement. The
 * bodies travel as one JSON array each (events, tickets), not as arrays of JSON texts: PostgreSQL
 * then parses each body once instead of unquoting an array literal first, which halved the insert. The
 * outbox row is keyed by note id and written with the note: exactly one email per note, however
 * often it is pushed again. NOTIFY reaches every listening process when (and only if) the
 * transaction commits. A ticket's `last_seq` is the highest seq its events got here.
 */
const WRITE = {
  name: 'warmline_commit_write',
  sql: `WITH inserted AS (
       INSERT INTO events (id, ticket_id, body, received_at)
       SELECT u.id, u.ticket_id, u.body, $4
         FROM ROWS FROM (unnest($1::uuid[]), unnest($2::uuid[]), jsonb_array_elements($3::jsonb))
           WITH ORDINALITY AS u(id, ticket_id, body, ord)
        ORDER BY u.ord
       ON CONFLICT (id) DO NOTHING RETURNING id, ticket_id, seq
     ), projection AS (
       INSERT INTO tickets (id, body, number, state, alert_key, updated_at, last_seq, next_job_at)
       SELECT t.id, nullif(t.body, 'null'::jsonb), t.number, t.state, t.alert_key, t.updated_at,
              last.seq, t.next_job_at
         FROM ROWS FROM (unnest($5::uuid[]), jsonb_array_elements($6::jsonb), unnest($7::text[]),
                         unnest($8::text[]), unnest($9::text[]), unnest($10::int8[]), unnest($19::float8[]))
           AS t(id, body, number, state, alert_key, updated_at, next_job_at)
         -- One pass over the inserted rows: a subquery per ticket made the write quadratic in the batch.
         LEFT JOIN (SELECT ticket_id, max(seq) AS seq FROM inserted GROUP BY ticket_id) last
           ON last.ticket_id = t.id
       ON CONFLICT (id) DO UPDATE SET body = excluded.body, number = excluded.number, state = excluded.state,
         alert_key = excluded.alert_key, updated_at = excluded.updated_at, last_seq = excluded.last_seq,
         next_job_at = excluded.next_job_at
     ), outbox AS (
       INSERT INTO mail_outbox (note_id, event_id, ticket_id, status, next_attempt_at, created_at)
       SELECT u.note_id, u.event_id, u.ticket_id, 'pending', $4, $4
         FROM unnest($11::uuid[], $12::uuid[], $13::uuid[]) AS u(note_id, event_id, ticket_id)
       ON CONFLICT (note_id) DO NOTHING
     ), numbers AS (
       INSERT INTO ticket_numbers (number, station_code, sequence, ticket_id, event_id, claimed_at)
       SELECT u.number, split_part(u.number, '-', 1), split_part(u.number, '-', 2)::int8, u.ticket_id, u.event_id, $4
         FROM unnest($14::text[], $15::uuid[], $16::uuid[]) AS u(number, ticket_id, event_id)
     ), notified AS (
       SELECT pg_notify($17, $18 || ':' || (SELECT max(seq) FROM inserted)) AS done
     )
     SELECT i.id, i.seq FROM inserted i, notified`,
}

const wantsEmail = (event: TicketEvent) =>
  event.type === 'customer_note_added' &&
  (event.payload.sendEmailTo.customer || event.payload.sendEmailTo.cc.length > 0)

/** What the fold gives for each ticket now that `added` (stored forms) joins its stored events. */
async function nextProjections(
  tx: Queryable,
  added: readonly TicketEvent[],
  current: ReadonlyMap<string, Ticket | null>,
  policy: PriorityPolicy,
): Promise<Map<string, Ticket | null>> {
  const byTicket = new Map<string, TicketEvent[]>()
  for (const event of added) {
    const list = byTicket.get(event.ticketId)
    if (list) list.push(event)
    else byTicket.set(event.ticketId, [event])
  }
  const next = new Map<string, Ticket | null>()
  const refold: string[] = []
  for (const [ticketId, events] of byTicket) {
    // No row: nothing of this ticket was stored before, so the new events are all there is.
    if (!current.has(ticketId)) {
      next.set(ticketId, foldTicket(events, policy))
      continue
    }
    let ticket: Ticket | null = current.get(ticketId) ?? null
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
    // Read before this commit's insert: its own events join what is stored.
    const rows = await tx.query<{ ticket_id: string; body: TicketEvent }>(
      'SELECT ticket_id, body FROM events WHERE ticket_id = ANY($1::uuid[])',
      [refold],
    )
    for (const ticketId of refold) {
      const held = rows.filter((r) => r.ticket_id === ticketId).map((r) => r.body)
      next.set(ticketId, foldTicket([...held, ...byTicket.get(ticketId)!], policy))
    }
  }
  return next
}

/**
 * Which openings may have their numbers: a number belongs to the first ticket opened with it. An
 * opening whose number another ticket holds is `taken`; `fresh` are the openings that claim a
 * number nobody holds yet (the first of the batch, if several do). A repeat of an opening already
 * stored is neither: it is answered as a duplicate, whatever became of its number. The primary
 * key of `ticket_numbers` holds even if the lock were bypassed.
 */
async function claimNumbers(
  tx: Queryable,
  events: readonly TicketEvent[],
  state: LogState,
): Promise<{
  taken: EventOf<'opened'>[]
  fresh: EventOf<'opened'>[]
  /** Per station of a taken number: the highest sequence held (what the station renumbers above). */
  highest: Map<string, number>
}> {
  const holder = new Map(state.holders)
  const taken: EventOf<'opened'>[] = []
  const fresh: EventOf<'opened'>[] = []
  for (const event of events) {
    if (event.type !== 'opened') continue
    const held = holder.get(event.payload.number)
    if (held === undefined) {
      holder.set(event.payload.number, event.ticketId)
      fresh.push(event)
    } else if (held !== event.ticketId && !state.stored.has(event.id)) taken.push(event)
  }
  if (!taken.length) return { taken, fresh, highest: new Map() }
  const rows = await tx.query<{ station_code: string; n: number }>(
    `SELECT station_code, max(sequence) AS n FROM ticket_numbers
      WHERE station_code = ANY($1::text[]) GROUP BY station_code`,
    [[...new Set(taken.map((e) => e.station))]],
  )
  const highest = new Map(rows.map((r) => [r.station_code, r.n]))
  // The numbers this commit claims count too: a station renumbering above the stored ones only
  // would pick one of them next.
  for (const event of fresh) {
    const claimed = parseTicketNumber(event.payload.number)
    if (claimed && claimed.sequence > (highest.get(claimed.stationCode) ?? 0))
      highest.set(claimed.stationCode, claimed.sequence)
  }
  return { taken, fresh, highest }
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
  const results = new Map<string, PushResult>()
  const state = await readState(tx, given)
  const numbers = await claimNumbers(tx, given, state)
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
  // Rule 11: new events are stored in their redacted form, and a redaction rewrites what it redacts.
  const redaction = await planRedactions(tx, offered)
  const fresh: TicketEvent[] = []
  for (const event of redaction.events) {
    const found = state.stored.get(event.id)
    if (!found) {
      fresh.push(event)
      continue
    }
    const reason = `An event with id ${event.id} and different content is already stored (seq ${found.seq}).`
    results.set(
      event.id,
      sameEventApartFromRedaction(found.body, event)
        ? { id: event.id, status: 'duplicate', seq: found.seq }
        : { id: event.id, status: 'rejected', code: 'conflicting_duplicate', reason },
    )
  }
  if (!fresh.length) return { results, maxSeq: 0, mailQueued: false }
  await redaction.rewriteStored()

  const tickets = [...(await nextProjections(tx, fresh, state.tickets, policy)).entries()]
  const claims = numbers.fresh.filter((event) => !state.stored.has(event.id))
  const mails = fresh.filter(wantsEmail)
  const inserted = await tx.query<{ id: string; seq: number }>(
    WRITE.sql,
    [
      fresh.map((e) => e.id),
      fresh.map((e) => e.ticketId),
      JSON.stringify(fresh),
      receivedAt,
      tickets.map(([id]) => id),
      JSON.stringify(tickets.map(([, t]) => t)),
      tickets.map(([, t]) => t?.number ?? null),
      tickets.map(([, t]) => t?.state ?? null),
      tickets.map(([, t]) => t?.alertKey ?? null),
      tickets.map(([, t]) => t?.updatedAt ?? null),
      mails.map((e) => (e.type === 'customer_note_added' ? e.payload.noteId : '')),
      mails.map((e) => e.id),
      mails.map((e) => e.ticketId),
      claims.map((e) => e.payload.number),
      claims.map((e) => e.ticketId),
      claims.map((e) => e.id),
      EVENTS_CHANNEL,
      String(state.after),
      // The scheduler's index (scheduler.ts): when time alone next gives the server work here.
      tickets.map(([, t]) => (t ? serverWorkDueAt(t, policy) : null)),
    ],
    { name: WRITE.name },
  )
  // Under the lock nothing else inserts, so every fresh event is inserted here.
  if (inserted.length !== fresh.length)
    throw new Error(`the event log took ${inserted.length} of ${fresh.length} new events`)
  for (const { id, seq } of inserted) results.set(id, { id, status: 'applied', seq })
  const maxSeq = Math.max(...inserted.map((r) => r.seq))
  return { results, maxSeq, mailQueued: mails.length > 0 }
}
