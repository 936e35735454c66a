/** Valid events for server tests, made with the shared process rules (as a station would). */
import {
  addCustomerNote,
  addTechNote,
  openTicket,
  redactNote,
} from '../../src/shared/incident/rules'
import { applyEvent, type Ticket } from '../../src/shared/incident'
import type { EventOf, TicketEvent } from '../../src/shared/incident/events'
import { accepted, phoneCall, testContext, type TestContext } from '../support/incident-fixtures'

let sequence = 0

/** A station's author: its context plus a ticket opened with it. */
export function stationAuthor(actor: string, station: string, startMs = Date.now()): TestContext {
  return testContext(actor, station, startMs)
}

export function openedTicket(
  ctx: TestContext,
  overrides: Parameters<typeof phoneCall>[0] = {},
): { event: TicketEvent; ticket: Ticket } {
  const [event] = accepted(openTicket(phoneCall(overrides), `${ctx.station}-${++sequence}`, ctx))
  return { event: event!, ticket: applyEvent(null, event!)! }
}

export function customerNote(
  ctx: TestContext,
  ticket: Ticket,
  body: string,
  sendEmailTo = { customer: true, cc: [] as string[] },
): EventOf<'customer_note_added'> {
  return accepted(
    addCustomerNote(ticket, body, sendEmailTo, ctx),
  )[0] as EventOf<'customer_note_added'>
}

export function techNote(
  ctx: TestContext,
  ticket: Ticket,
  body: string,
): EventOf<'tech_note_added'> {
  return accepted(addTechNote(ticket, body, ctx))[0] as EventOf<'tech_note_added'>
}

export function redaction(ctx: TestContext, ticket: Ticket, noteId: string): TicketEvent {
  return accepted(redactNote(ticket, noteId, '[redacted]', 'contained a date of birth', ctx))[0]!
}

/** A ticket with `notes` tech notes: 1 + notes events, in order. */
export function ticketHistory(ctx: TestContext, notes: number): TicketEvent[] {
  const { event, ticket } = openedTicket(ctx)
  const events = [event]
  let current = ticket
  for (let i = 0; i < notes; i++) {
    ctx.advance(1)
    const note = techNote(ctx, current, `Step ${i + 1}: checked the client configuration.`)
    events.push(note)
    current = applyEvent(current, note)!
  }
  return events
}
