/**
 * The fold: a ticket's events → the ticket. Deterministic: events are deduplicated by id and
 * applied in `(hlc, id)` order, so every replica holding the same set of events computes the same
 * ticket. Plain fields are last-writer-wins; notes are append-only; a transition that is invalid at
 * its place in history is recorded as a conflict, never silently dropped.
 */
import { hlcWallMs } from '../sync/hlc'
import { compareEvents, type TicketEvent } from './events'
import { openedTicket } from './fold-opening'
import { step } from './fold-step'
import { DEFAULT_PRIORITY_POLICY, type PriorityPolicy } from './priority'
import type { HistoryEntry, Ticket } from './ticket'

export function eventKey(event: Pick<TicketEvent, 'hlc' | 'id'>): string {
  return `${event.hlc}|${event.id}`
}

/**
 * Applies one event that sorts after every event already folded into `ticket` (or opens it).
 * Callers holding an event that sorts earlier must re-fold (see `canApplyInOrder`).
 */
export function applyEvent(
  ticket: Ticket | null,
  event: TicketEvent,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): Ticket | null {
  const at = hlcWallMs(event.hlc)
  if (!ticket) {
    // Events ordered before the opening (a skewed clock) cannot be placed; the re-fold after the
    // opening arrives keeps them as conflicts.
    return event.type === 'opened'
      ? {
          ...openedTicket(event, at, policy),
          history: [historyEntry(event, at)],
          lastEventKey: eventKey(event),
        }
      : null
  }
  const result = step(ticket, event, at, policy)
  if ('conflict' in result) {
    return { ...withConflict(ticket, event, at, result.conflict), lastEventKey: eventKey(event) }
  }
  return {
    ...result,
    updatedAt: Math.max(ticket.updatedAt, at),
    history: [...ticket.history, historyEntry(event, at)],
    lastEventKey: eventKey(event),
  }
}

function historyEntry(event: TicketEvent, at: number): HistoryEntry {
  return {
    eventId: event.id,
    type: event.type,
    actor: event.actor,
    station: event.station,
    hlc: event.hlc,
    at,
  }
}

/** The event is not applied, and the ticket says so: in its conflicts and in its history. */
function withConflict(ticket: Ticket, event: TicketEvent, at: number, reason: string): Ticket {
  return {
    ...ticket,
    conflicts: [
      ...ticket.conflicts,
      { eventId: event.id, type: event.type, actor: event.actor, at, reason },
    ],
    history: [...ticket.history, { ...historyEntry(event, at), conflict: reason }],
  }
}

const DATED_BEFORE_OPENING =
  'This change is dated before the ticket was opened (a station clock is off); it was not applied.'

/**
 * Whether `event` can be applied to `ticket` incrementally. Without a ticket the answer is no: events
 * that arrived before the opening may be waiting, so the caller folds everything it holds.
 */
export function canApplyInOrder(ticket: Ticket | null, event: TicketEvent): ticket is Ticket {
  if (ticket === null) return false
  // Compared as the (hlc, id) pair the fold sorts by: as one string, "…-S1|x" > "…-S16|y".
  const [hlc = '', id = ''] = ticket.lastEventKey.split('|')
  return compareEvents(event, { hlc, id }) > 0
}

/**
 * Folds a set of events of one ticket. Duplicates (same id) count once. Returns null when the set
 * has no opening event yet (the rest arrives later and is kept by the caller meanwhile).
 */
export function foldTicket(
  events: readonly TicketEvent[],
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): Ticket | null {
  const unique = new Map<string, TicketEvent>()
  for (const event of events) if (!unique.has(event.id)) unique.set(event.id, event)
  const sorted = [...unique.values()].sort(compareEvents)
  const openingIndex = sorted.findIndex((e) => e.type === 'opened')
  if (openingIndex < 0) return null
  const opening = sorted[openingIndex]!
  let ticket = applyEvent(null, opening, policy)!
  for (const [i, event] of sorted.entries()) {
    if (i === openingIndex) continue
    if (i < openingIndex) {
      ticket = withConflict(ticket, event, hlcWallMs(event.hlc), DATED_BEFORE_OPENING)
      continue
    }
    ticket = applyEvent(ticket, event, policy)!
  }
  return ticket
}
