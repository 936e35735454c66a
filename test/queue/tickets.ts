/**
 * Tickets for the queue tests. Rule-specific cases are made with the real commands and the real
 * fold; bulk rows start from one folded ticket and vary the fields the queue reads, each variation
 * with its own `lastEventKey`, as a newly folded event would give it.
 */
import { foldTicket, openTicket, type Ticket, type TicketEvent } from '../../src/shared/incident'
import { uuidv7 } from '../../src/shared/ids'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'

export const T0 = Date.parse('2026-11-27T09:00:00.000Z')
export const MINUTE = 60_000
export const HOUR = 60 * MINUTE

const base = foldTicket(accepted(openTicket(phoneCall(), 'A1-1', testContext())))!

let counter = 0

export function ticket(overrides: Partial<Ticket> = {}): Ticket {
  counter += 1
  return {
    ...base,
    id: uuidv7(T0 + counter),
    number: `A1-${counter}`,
    lastEventKey: `fixture|${counter}`,
    ...overrides,
  }
}

/** The same ticket after one more event. */
export function touched(t: Ticket, changes: Partial<Ticket> = {}): Ticket {
  counter += 1
  return { ...t, ...changes, lastEventKey: `${t.lastEventKey}+${counter}` }
}

/** Folds a growing history, the way a station's projection follows its events. */
export function history(...events: TicketEvent[][]): Ticket {
  return foldTicket(events.flat())!
}
