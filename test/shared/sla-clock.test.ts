/**
 * PRODUCT.md "Priority" targets as clocks (rule 8's follow-through): first assignment and
 * resolution, business hours for P3/P4, around the clock for P1/P2, paused while on hold awaiting
 * the customer; rule 9's call-back and inactive-ticket discipline.
 */
import { describe, expect, it } from 'vitest'
import {
  breachesDue,
  DEFAULT_PRIORITY_POLICY,
  foldTicket,
  hold,
  inactiveAt,
  inactiveResolution,
  needsCallBack,
  nextBreachCheckAt,
  openTicket,
  recordContact,
  resolve,
  resume,
  SLA_PAUSED,
  applyEvent,
  assign,
  targetsFor,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'

const MIN = 60_000
const HOUR = 60 * MIN
// Friday 27 November 2026, 15:00 UTC (the default calendar: Mon–Fri 08:00–17:00 UTC).
const FRIDAY_3PM = Date.parse('2026-11-27T15:00:00.000Z')

function opened(overrides: Parameters<typeof phoneCall>[0] = {}, at = FRIDAY_3PM) {
  const ctx = testContext('agent1', 'A1', at)
  const events = accepted(
    openTicket(phoneCall({ receivedAt: new Date(at).toISOString(), ...overrides }), 'A1-1', ctx),
  )
  return { ctx, events, ticket: foldTicket(events)! }
}

function then(ticket: Ticket, events: TicketEvent[]): Ticket {
  return events.reduce((t, e) => applyEvent(t, e)!, ticket)
}

describe('SLA clocks (PRODUCT.md "Priority")', () => {
  it('runs P1 and P2 around the clock and P3/P4 in business hours', () => {
    const p1 = targetsFor(FRIDAY_3PM, 1, 1)
    expect(p1.resolutionDueAt - FRIDAY_3PM).toBe(2 * HOUR)
    // P3 first assignment 2 h: Friday 15:00–17:00 is exactly two business hours.
    const p3 = targetsFor(FRIDAY_3PM, 3, 3)
    expect(new Date(p3.firstAssignmentDueAt).toISOString()).toBe('2026-11-27T17:00:00.000Z')
    // P4 first assignment 4 h: 2 h on Friday, 2 h on Monday.
    const p4 = targetsFor(FRIDAY_3PM, 4, 4)
    expect(new Date(p4.firstAssignmentDueAt).toISOString()).toBe('2026-11-30T10:00:00.000Z')
  })

  it('lets the administrator run a priority on the other clock', () => {
    const policy = structuredClone(DEFAULT_PRIORITY_POLICY)
    policy.targets.P4.clock = 'around_the_clock'
    expect(targetsFor(FRIDAY_3PM, 4, 4, policy).firstAssignmentDueAt - FRIDAY_3PM).toBe(4 * HOUR)
  })

  it('rule 8: a hold awaiting the customer pauses the clocks, and resuming starts them again', () => {
    const { ctx, ticket } = opened({ impact: 1, urgency: 1 })
    const due = ticket.resolutionDueAt
    ctx.advance(30 * MIN)
    const held = then(ticket, accepted(hold(ticket, 'Waiting for the caller', ctx, true)))
    expect(held.resolutionDueAt).toBe(SLA_PAUSED)
    expect(held.slaPausedLeftMs?.resolution).toBe(90 * MIN)
    expect(breachesDue(held, due + 10 * HOUR)).toEqual([])
    ctx.advance(3 * HOUR)
    const resumed = then(held, accepted(resume(held, ctx)))
    expect(resumed.resolutionDueAt).toBe(due + 3 * HOUR)
    expect(resumed.slaPausedLeftMs).toBeNull()
  })

  it('rule 8: any other hold, and every hold recorded before the flag existed, keeps the clock running', () => {
    const { ctx, ticket } = opened({ impact: 1, urgency: 1 })
    ctx.advance(30 * MIN)
    const [event] = accepted(hold(ticket, 'Waiting for the vendor', ctx))
    expect(event!.payload).not.toHaveProperty('pausesSla')
    const held = then(ticket, [event!])
    expect(held.resolutionDueAt).toBe(ticket.resolutionDueAt)
    expect(breachesDue(held, ticket.resolutionDueAt)).toEqual([
      { target: 'resolution', dueAt: ticket.resolutionDueAt },
    ])
  })

  it('a business-hours clock paused over the weekend loses no business time', () => {
    const { ctx, ticket } = opened({ impact: 4, urgency: 4 }) // P4
    ctx.advance(HOUR) // Friday 16:00: one business hour used
    const held = then(ticket, accepted(hold(ticket, 'Awaiting the customer', ctx, true)))
    ctx.advance(65 * HOUR) // Monday 09:00
    const resumed = then(held, accepted(resume(held, ctx)))
    // 3 business days = 27 h, 1 h used: 26 h from Monday 09:00 = Wednesday 17:00.
    expect(new Date(resumed.resolutionDueAt).toISOString()).toBe('2026-12-02T17:00:00.000Z')
  })

  it('records each breach once per target, a target met late too, and none for a met target', () => {
    const { ctx, ticket } = opened({ source: 'email', impact: 1, urgency: 1 })
    expect(nextBreachCheckAt(ticket)).toBe(ticket.firstAssignmentDueAt)
    ctx.advance(20 * MIN) // 5 min past the 15 min first-assignment target
    const assigned = then(ticket, accepted(assign(ticket, { teamId: 'network' }, ctx)))
    expect(breachesDue(assigned, ctx.now())).toEqual([
      { target: 'first_assignment', dueAt: ticket.firstAssignmentDueAt },
    ])
    const recorded = {
      ...assigned,
      slaBreaches: [
        { target: 'first_assignment' as const, dueAt: ticket.firstAssignmentDueAt, at: ctx.now() },
      ],
    }
    expect(breachesDue(recorded, ctx.now())).toEqual([])
    expect(nextBreachCheckAt(recorded)).toBe(ticket.resolutionDueAt)
  })
})

describe('rule 9: follow-up discipline', () => {
  it('rule 9: an incident that came in by email is owed a call back until a phone contact is recorded', () => {
    const { ctx, ticket } = opened({ source: 'email' })
    expect(needsCallBack(ticket)).toBe(true)
    const called = then(
      ticket,
      accepted(recordContact(ticket, { channel: 'phone', outcome: 'no_answer' }, ctx)),
    )
    expect(needsCallBack(called)).toBe(false)
    expect(needsCallBack(opened({ source: 'phone' }).ticket)).toBe(false)
  })

  it('rule 9: a customer who does not answer within one business day gets an inactive-ticket resolution', () => {
    const { ctx, ticket } = opened({ source: 'email' })
    ctx.advance(HOUR) // Friday 16:00
    const attempted = then(
      ticket,
      accepted(recordContact(ticket, { channel: 'phone', outcome: 'no_answer' }, ctx)),
    )
    // One business day (9 h) after Friday 16:00 is Monday 16:00.
    const due = inactiveAt(attempted, DEFAULT_PRIORITY_POLICY)!
    expect(new Date(due).toISOString()).toBe('2026-11-30T16:00:00.000Z')
    const early = testContext('agent1', 'A1', due - MIN)
    const refused = resolve(attempted, inactiveResolution(attempted), early)
    expect(refused.ok).toBe(false)
    const onTime = testContext('agent1', 'A1', due)
    const [resolution] = accepted(resolve(attempted, inactiveResolution(attempted), onTime))
    expect(resolution!.payload).toMatchObject({
      resolutionCode: 'inactive_ticket',
      customerAgreement: { method: 'no_response' },
    })
  })

  it('rule 9: reaching the customer again starts over', () => {
    const { ctx, ticket } = opened({ source: 'email' })
    const missed = then(
      ticket,
      accepted(recordContact(ticket, { channel: 'phone', outcome: 'no_answer' }, ctx)),
    )
    ctx.advance(HOUR)
    const reached = then(
      missed,
      accepted(recordContact(missed, { channel: 'phone', outcome: 'reached' }, ctx)),
    )
    expect(inactiveAt(reached, DEFAULT_PRIORITY_POLICY)).toBeNull()
  })
})
