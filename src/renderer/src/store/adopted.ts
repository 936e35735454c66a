/**
 * Tickets adopted from the server's snapshot (issue 13): a new station takes the server's
 * projection of a ticket without the events folded into it. Such a row carries `adoptedSeq`, the
 * last seq the server had folded in; the store does not hold those events, so it can apply later
 * events in order but cannot fold the ticket again by itself. When it would have to (an event
 * older than the ticket's last, a refused event leaving it), the ticket is marked stale and the
 * station asks the server for its projection again (bootstrap-writes.ts).
 */
import type { TicketEvent } from '../../../shared/incident/events'
import type { Ticket } from '../../../shared/incident/ticket'
import { ticketRow, type StationDb, type TicketRow } from './db'

/** `meta` key: ids of tickets whose projection this store cannot bring up to date by itself. */
export const STALE_KEY = 'staleTickets'

/** The row for `ticket`, keeping the adoption mark of the row it replaces. */
export function projectedRow(previous: TicketRow | undefined, ticket: Ticket): TicketRow {
  const row = ticketRow(ticket)
  return previous?.adoptedSeq === undefined ? row : { ...row, adoptedSeq: previous.adoptedSeq }
}

/** Of `events` new to an adopted ticket, those its adopted projection does not hold already. */
export function notAdoptedYet(
  row: TicketRow | undefined,
  events: readonly TicketEvent[],
  seqOf: (event: TicketEvent) => number,
): TicketEvent[] {
  const adopted = row?.adoptedSeq
  return adopted === undefined ? [...events] : events.filter((event) => seqOf(event) > adopted)
}

export async function staleTickets(db: StationDb): Promise<string[]> {
  return ((await db.meta.get(STALE_KEY))?.value as string[] | undefined) ?? []
}

/** Adds `ids` to the stale list, inside the caller's transaction. */
export async function markStale(db: StationDb, ids: readonly string[]): Promise<void> {
  const known = await staleTickets(db)
  const next = [...new Set([...known, ...ids])]
  if (next.length !== known.length) await db.meta.put({ key: STALE_KEY, value: next })
}
