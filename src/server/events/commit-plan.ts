/**
 * What a commit writes (commit.ts): a batch judged against the state it was read against — its
 * ids already stored, its tickets' projection rows, the numbers its openings claim, the policy —
 * and folded into the projection, with what must still hold when it is written.
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
import { POLICY_SETTINGS, POLICY_SQL } from '../directory-store'
import { planRedactions } from './redaction'

/** The state a batch is judged and folded against, read in one statement. */
export interface LogState {
  stored: Map<string, { seq: number; body: TicketEvent }>
  /** The batch's tickets that have a projection row (its body is null before the opening). */
  tickets: Map<string, { body: Ticket | null; version: string }>
  /** Which ticket holds each number the batch's openings claim. */
  holders: Map<string, string>
  /** The versions of the policy's settings rows, and the policy they hold (POLICY_SQL as text). */
  settings: string | null
  policy: string
}

const READ_STATE = {
  name: 'warmline_commit_read',
  sql: `SELECT
        (SELECT coalesce(json_agg(json_build_object('id', id, 'seq', seq, 'body', body)), '[]')
           FROM events WHERE id = ANY($1::uuid[])) AS stored,
        (SELECT coalesce(json_agg(json_build_object('id', id, 'body', body, 'version', xmin::text)), '[]')
           FROM tickets WHERE id = ANY($2::uuid[])) AS tickets,
        (SELECT coalesce(json_agg(json_build_object('number', number, 'ticket', ticket_id)), '[]')
           FROM ticket_numbers WHERE number = ANY($3::text[])) AS holders,
        (SELECT string_agg(key || ':' || xmin::text, ',' ORDER BY key)
           FROM settings WHERE key = ANY($4::text[])) AS settings,
        (${POLICY_SQL})::text AS policy`,
}

export async function readState(q: Queryable, events: readonly TicketEvent[]): Promise<LogState> {
  const [row] = await q.query<{
    stored: { id: string; seq: number; body: TicketEvent }[]
    tickets: { id: string; body: Ticket | null; version: string }[]
    holders: { number: string; ticket: string }[]
    settings: string | null
    policy: string
  }>(
    READ_STATE.sql,
    [
      events.map((e) => e.id),
      [...new Set(events.map((e) => e.ticketId))],
      events.flatMap((e) => (e.type === 'opened' ? [e.payload.number] : [])),
      POLICY_SETTINGS,
    ],
    { name: READ_STATE.name },
  )
  return {
    stored: new Map(row!.stored.map((r) => [r.id, { seq: r.seq, body: r.body }])),
    tickets: new Map(row!.tickets.map((r) => [r.id, { body: r.body, version: r.version }])),
    holders: new Map(row!.holders.map((r) => [r.number, r.ticket])),
    settings: row!.settings,
    policy: row!.policy,
  }
}

/**
 * What a commit writes, worked out from the state it was read against, and what must still hold
 * when it writes: plans of batches with no ticket, id or number in common can be written together
 * (`mergePlans`). JSON texts are joined, not re-serialised, when plans are merged.
 */
export interface CommitPlan {
  /** The answers the plan settled: duplicates, conflicting duplicates, numbers taken. */
  results: Map<string, PushResult>
  /** Ids of the events to insert, in order, and their stored forms as members of a JSON array. */
  freshIds: string[]
  events: string
  /** Each ticket's next projection, `{id, body, nextJobAt}`, as members of a JSON array. */
  projections: string
  /** The projection row version each fold started from (null: no row), in projection order. */
  versions: (string | null)[]
  mails: { noteId: string; eventId: string; ticketId: string }[]
  claims: { number: string; ticketId: string; eventId: string }[]
  /**
   * The settings rows the fold's policy was read from, with their versions as read (`stamp`,
   * null: none), for the write to check. None in a plan made under the lock: its policy is the
   * one read with the lock (`withEventLog`), and settings are written without the lock, so a
   * check there could only fail a commit that nothing can retry.
   */
  settings: { keys: readonly string[]; stamp: string | null }
  /** Writes stored events that a redaction rewrites: only ever in a plan made under the lock. */
  rewriteStored: (() => Promise<void>) | null
}

const wantsEmail = (event: TicketEvent) =>
  event.type === 'customer_note_added' &&
  (event.payload.sendEmailTo.customer || event.payload.sendEmailTo.cc.length > 0)

/** What the fold gives for each ticket now that `added` (stored forms) joins its stored events. */
async function nextProjections(
  q: Queryable,
  added: readonly TicketEvent[],
  current: LogState['tickets'],
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
    let ticket: Ticket | null = current.get(ticketId)!.body
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
    // Read before this commit's insert: its own events join what is stored. Any event stored
    // since moves the ticket's row, which the write's check sees.
    const rows = await q.query<{ ticket_id: string; body: TicketEvent }>(
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
function claimNumbers(
  events: readonly TicketEvent[],
  state: LogState,
): { taken: EventOf<'opened'>[]; fresh: EventOf<'opened'>[] } {
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
  return { taken, fresh }
}

/** Per station of a taken number: the highest sequence held (what the station renumbers above). */
async function highestHeld(
  tx: Queryable,
  taken: readonly EventOf<'opened'>[],
  fresh: readonly EventOf<'opened'>[],
): Promise<Map<string, number>> {
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
  return highest
}

/**
 * The plan for `given` (validated, unique ids) against `state`, reading on `q` (a transaction
 * holding the event-log lock when `underLock`). Without the lock a batch that takes another
 * ticket's number, or whose redaction rewrites stored events, has no plan: the answer to the one
 * and the rewrite of the other are the lock's to give. What else it reads (a ticket's stored
 * events to re-fold, a note's redactions) is the batch's tickets' events, and any event stored
 * since moves the ticket's row, which the write checks.
 */
export async function planCommit(
  q: Queryable,
  underLock: boolean,
  given: readonly TicketEvent[],
  state: LogState,
  policy: PriorityPolicy,
): Promise<CommitPlan | null> {
  const results = new Map<string, PushResult>()
  const numbers = claimNumbers(given, state)
  if (numbers.taken.length) {
    if (!underLock) return null
    const highest = await highestHeld(q, numbers.taken, numbers.fresh)
    for (const event of numbers.taken) {
      results.set(event.id, {
        id: event.id,
        status: 'rejected',
        code: 'number_taken',
        reason: `Ticket number ${event.payload.number} is already another ticket's.`,
        highestSequence: highest.get(event.station) ?? 0,
      })
    }
  }
  const offered = given.filter((event) => !results.has(event.id))
  // Rule 11: new events are stored in their redacted form, and a redaction rewrites what it redacts.
  const redaction = await planRedactions(q, offered)
  if (!underLock && redaction.rewriteStored) return null
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
  const tickets = fresh.length
    ? [...(await nextProjections(q, fresh, state.tickets, policy)).entries()]
    : []
  return {
    results,
    freshIds: fresh.map((e) => e.id),
    events: JSON.stringify(fresh).slice(1, -1),
    projections: JSON.stringify(
      // The scheduler's index (scheduler.ts): when time alone next gives the server work here.
      tickets.map(([id, body]) => ({
        id,
        body,
        nextJobAt: body ? serverWorkDueAt(body, policy) : null,
      })),
    ).slice(1, -1),
    versions: tickets.map(([id]) => state.tickets.get(id)?.version ?? null),
    mails: fresh.flatMap((e) =>
      e.type === 'customer_note_added' && wantsEmail(e)
        ? [{ noteId: e.payload.noteId, eventId: e.id, ticketId: e.ticketId }]
        : [],
    ),
    claims: numbers.fresh
      .filter((e) => !state.stored.has(e.id))
      .map((e) => ({ number: e.payload.number, ticketId: e.ticketId, eventId: e.id })),
    settings: underLock
      ? { keys: [], stamp: null }
      : { keys: POLICY_SETTINGS, stamp: state.settings },
    rewriteStored: redaction.rewriteStored,
  }
}

/**
 * One plan for batches that share no event id, ticket or claimed number (group-commit.ts sees
 * to that), in order; null when they were folded against different policies.
 */
export function mergePlans(plans: readonly CommitPlan[]): CommitPlan | null {
  if (plans.length === 1) return plans[0]!
  if (plans.some((plan) => plan.settings.stamp !== plans[0]!.settings.stamp)) return null
  const members = (texts: string[]) => texts.filter(Boolean).join(',')
  return {
    results: new Map(plans.flatMap((plan) => [...plan.results])),
    freshIds: plans.flatMap((plan) => plan.freshIds),
    events: members(plans.map((plan) => plan.events)),
    projections: members(plans.map((plan) => plan.projections)),
    versions: plans.flatMap((plan) => plan.versions),
    mails: plans.flatMap((plan) => plan.mails),
    claims: plans.flatMap((plan) => plan.claims),
    settings: plans[0]!.settings,
    rewriteStored: null,
  }
}
