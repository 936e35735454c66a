import { describe, expect, it } from 'vitest'
import {
  RETURN_TO_OWNER_NOTE,
  addCustomerNote,
  addTechNote,
  assign,
  changeFields,
  close,
  escalate,
  foldTicket,
  linkToParent,
  needsCallBack,
  openTicket,
  reclassify,
  recordContact,
  redactNote,
  reopen,
  resolve,
  returnToOwner,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { accepted, completeResolution, phoneCall, testContext } from '../support/incident-fixtures'

const DAY = 24 * 60 * 60 * 1000
const completedTransfer = {
  status: 'completed' as const,
  contactUsed: 'Network Operations +1 555 010 4000',
  acceptedBy: 'Sam Ortiz',
  acceptedAt: '2026-11-27T09:05:00.000Z',
}

function opened(ctx = testContext(), overrides = {}): { events: TicketEvent[]; ticket: Ticket } {
  const events = accepted(openTicket(phoneCall(overrides), 'A1-1', ctx))
  return { events, ticket: foldTicket(events)! }
}

function then(
  history: TicketEvent[],
  more: TicketEvent[],
): { events: TicketEvent[]; ticket: Ticket } {
  const events = [...history, ...more]
  return { events, ticket: foldTicket(events)! }
}

describe('rule 1: every phone call starts as an Incident', () => {
  it('opens a phone call as an incident', () => {
    expect(opened().ticket.kind).toBe('incident')
  })

  it('refuses to open a phone call as anything else', () => {
    const result = openTicket(phoneCall({ kind: 'inquiry' }), 'A1-1', testContext())
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]).toMatchObject({ field: 'kind', rule: 'rule 1' })
  })

  it('reclassifies once there is no technical issue, and the history keeps that it began as an incident', () => {
    const ctx = testContext()
    const start = opened(ctx)
    const { ticket } = then(
      start.events,
      accepted(reclassify(start.ticket, 'inquiry', 'Caller asked for office hours', ctx)),
    )
    expect(ticket.kind).toBe('inquiry')
    expect(ticket.kindHistory.map((k) => k.kind)).toEqual(['incident', 'inquiry'])
  })
})

describe('rule 2: logging captures the call, impact and urgency give priority', () => {
  it('refuses a call without caller name or title, naming the fields', () => {
    const result = openTicket(
      phoneCall({ title: '  ', caller: { name: '' } }),
      'A1-1',
      testContext(),
    )
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.errors.map((e) => e.field).sort()).toEqual(['caller.name', 'title'])
  })

  it('recomputes priority and targets when impact or urgency change later', () => {
    const ctx = testContext()
    const start = opened(ctx)
    expect(start.ticket.priority).toBe('P4')
    const { ticket } = then(
      start.events,
      accepted(changeFields(start.ticket, { impact: 1, urgency: 1 }, ctx)),
    )
    expect(ticket.priority).toBe('P1')
    expect(ticket.resolutionDueAt - ticket.receivedAt).toBe(2 * 60 * 60 * 1000)
  })

  it('writes no event when nothing actually changed', () => {
    const ctx = testContext()
    const start = opened(ctx)
    expect(accepted(changeFields(start.ticket, { title: start.ticket.title }, ctx))).toEqual([])
  })
})

describe('rule 3: identity verification for account matters; no passwords by email', () => {
  it('refuses an account matter with fewer than 3 of 5 identity items', () => {
    const result = openTicket(
      phoneCall({ accountMatter: true, identityCheck: { verified: ['fullName', 'username'] } }),
      'A1-1',
      testContext(),
    )
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.errors[0]).toMatchObject({ field: 'identityCheck', rule: 'rule 3' })
  })

  it('accepts an account matter with 3 distinct items verified', () => {
    const result = openTicket(
      phoneCall({
        accountMatter: true,
        identityCheck: { verified: ['fullName', 'username', 'universityId'] },
      }),
      'A1-1',
      testContext(),
    )
    expect(result.ok).toBe(true)
  })

  it('refuses an emailed customer note that carries a password', () => {
    const ctx = testContext()
    const { ticket } = opened(ctx)
    const result = addCustomerNote(
      ticket,
      'Your temporary password is Blue-Fish-42',
      { customer: true, cc: [] },
      ctx,
    )
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]).toMatchObject({ field: 'body', rule: 'rule 3' })
  })
})

describe('rule 4: escalation to a team with a warm transfer', () => {
  it('escalates a phone incident to a team and records the warm transfer', () => {
    const ctx = testContext()
    const start = opened(ctx)
    const { ticket } = then(
      start.events,
      accepted(
        escalate(
          start.ticket,
          {
            teamId: 'network-ops',
            tier: 2,
            suggestedTeamIds: ['network-ops'],
            routingGuidanceId: 'vpn',
            warmTransfer: completedTransfer,
          },
          ctx,
        ),
      ),
    )
    expect(ticket.teamId).toBe('network-ops')
    expect(ticket.assignee).toBeNull()
    expect(ticket.assignments[0]).toMatchObject({
      via: 'escalation',
      warmTransfer: completedTransfer,
      routingGuidanceId: 'vpn',
    })
  })

  it('refuses a phone escalation that records neither the transfer nor why it could not happen', () => {
    const ctx = testContext()
    const { ticket } = opened(ctx)
    const result = escalate(
      ticket,
      {
        teamId: 'network-ops',
        tier: 2,
        suggestedTeamIds: ['network-ops'],
        routingGuidanceId: 'vpn',
        warmTransfer: { status: 'not_applicable' },
      },
      ctx,
    )
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.errors[0]).toMatchObject({ field: 'warmTransfer', rule: 'rule 4' })
  })

  it('accepts a transfer that could not happen, with the reason', () => {
    const ctx = testContext()
    const { ticket } = opened(ctx)
    const result = escalate(
      ticket,
      {
        teamId: 'network-ops',
        tier: 2,
        suggestedTeamIds: ['network-ops'],
        routingGuidanceId: 'vpn',
        warmTransfer: {
          status: 'not_possible',
          reason: 'No answer on the team line after 2 minutes',
        },
      },
      ctx,
    )
    expect(result.ok).toBe(true)
  })

  it('refuses an escalation without a team', () => {
    const ctx = testContext()
    const { ticket } = opened(ctx)
    const result = escalate(
      ticket,
      {
        teamId: '',
        tier: 2,
        suggestedTeamIds: [],
        routingGuidanceId: null,
        warmTransfer: completedTransfer,
      },
      ctx,
    )
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.errors.some((e) => e.field === 'teamId' && e.rule === 'rule 4')).toBe(true)
  })
})

describe('rule 5: routing guidance, and reassignments counted', () => {
  it('asks for a reason when the team is not the one the guidance suggests', () => {
    const ctx = testContext()
    const { ticket } = opened(ctx)
    const input = {
      teamId: 'desktop-support',
      tier: 2 as const,
      suggestedTeamIds: ['network-ops'],
      routingGuidanceId: 'vpn',
      warmTransfer: completedTransfer,
    }
    const refused = escalate(ticket, input, ctx)
    expect(refused.ok).toBe(false)
    if (!refused.ok)
      expect(refused.errors[0]).toMatchObject({ field: 'offGuidanceReason', rule: 'rule 5' })
    const events = accepted(
      escalate(ticket, { ...input, offGuidanceReason: 'Laptop image is broken, not the VPN' }, ctx),
    )
    expect(events[0]!.payload).toMatchObject({
      routingGuidanceId: null,
      offGuidanceReason: 'Laptop image is broken, not the VPN',
    })
  })

  it('counts a move to a different team after the first assignment as a reassignment', () => {
    const ctx = testContext()
    let { events, ticket } = opened(ctx)
    ;({ events, ticket } = then(
      events,
      accepted(
        escalate(
          ticket,
          {
            teamId: 'network-ops',
            tier: 2,
            suggestedTeamIds: ['network-ops'],
            routingGuidanceId: 'vpn',
            warmTransfer: completedTransfer,
          },
          ctx,
        ),
      ),
    ))
    expect(ticket.reassignmentCount).toBe(0)
    ;({ events, ticket } = then(
      events,
      accepted(assign(ticket, { teamId: 'network-ops', assignee: 'sortiz' }, ctx)),
    ))
    expect(ticket.reassignmentCount).toBe(0)
    ;({ events, ticket } = then(
      events,
      accepted(assign(ticket, { teamId: 'identity-access' }, ctx)),
    ))
    expect(ticket.reassignmentCount).toBe(1)
    ;({ ticket } = then(
      events,
      accepted(assign(ticket, { teamId: 'desktop-support' }, ctx)),
    ))
    expect(ticket.reassignmentCount).toBe(2)
  })
})

describe('rule 6: customer notes by email only with Send Email To → customer; tech notes internal', () => {
  it('keeps the Send Email To choice on the customer note and the customer address it goes to', () => {
    const ctx = testContext()
    const start = opened(ctx)
    const events = accepted(
      addCustomerNote(start.ticket, 'We are looking into it.', { customer: true, cc: [] }, ctx),
    )
    expect(events[0]!.payload).toMatchObject({
      sendEmailTo: { customer: true, cc: [] },
      customerEmail: 'dana.whitfield@example.edu',
    })
    const { ticket } = then(start.events, events)
    expect(ticket.notes[0]).toMatchObject({ kind: 'customer', sendEmailTo: { customer: true } })
  })

  it('refuses to email a caller who has no email address', () => {
    const ctx = testContext()
    const { ticket } = opened(ctx, { caller: { name: 'Pat Lee', phone: '5550100' } })
    const result = addCustomerNote(ticket, 'Update', { customer: true, cc: [] }, ctx)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]).toMatchObject({ rule: 'rule 6' })
  })

  it('tech notes carry no email choice', () => {
    const ctx = testContext()
    const start = opened(ctx)
    const { ticket } = then(
      start.events,
      accepted(addTechNote(start.ticket, 'Checked RADIUS logs', ctx)),
    )
    expect(ticket.notes[0]).toMatchObject({ kind: 'tech' })
    expect(ticket.notes[0]!.sendEmailTo).toBeUndefined()
  })
})

describe('rule 7: returned to the CSC', () => {
  it('returns the ticket to its owner with the Director’s Tech Note word for word', () => {
    const ctx = testContext()
    let { events, ticket } = opened(ctx)
    ;({ events, ticket } = then(
      events,
      accepted(
        escalate(
          ticket,
          {
            teamId: 'network-ops',
            tier: 2,
            suggestedTeamIds: ['network-ops'],
            routingGuidanceId: 'vpn',
            warmTransfer: completedTransfer,
          },
          ctx,
        ),
      ),
    ))
    const supervisor = testContext('super1', 'B2', ctx.now() + 60_000)
    ;({ ticket } = then(events, accepted(returnToOwner(ticket, supervisor))))
    expect(ticket.teamId).toBe('csc')
    expect(ticket.assignee).toBe('agent1')
    expect(ticket.returnedToCsc).toBe(true)
    expect(ticket.returnedToCscCount).toBe(1)
    const note = ticket.notes.at(-1)!
    expect(note.kind).toBe('tech')
    expect(note.body).toBe(
      'Per the Director of IT Service Management, this ticket is being returned to the owner for follow up with the customer, further escalation, or resolution.',
    )
    expect(note.body).toBe(RETURN_TO_OWNER_NOTE)
  })

  it('refuses to return a ticket the CSC already holds', () => {
    const ctx = testContext()
    const { ticket } = opened(ctx)
    const result = returnToOwner(ticket, ctx)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]!.rule).toBe('rule 7')
  })
})

describe('rule 8: resolution needs root-cause classification, notes and the customer’s agreement', () => {
  it('refuses an incomplete classification with a message per missing field', () => {
    const ctx = testContext()
    const { ticket } = opened(ctx)
    const result = resolve(
      ticket,
      completeResolution({
        resolutionNotes: '',
        classification: { service: 'Network', category: 'VPN', subcategory: '', rootCause: ' ' },
      }),
      ctx,
    )
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.errors.map((e) => e.field).sort()).toEqual([
        'classification.rootCause',
        'classification.subcategory',
        'resolutionNotes',
      ])
      expect(result.errors.every((e) => e.rule === 'rule 8')).toBe(true)
    }
  })

  it('refuses a resolution the customer did not agree to, unless it is an inactive ticket', () => {
    const ctx = testContext()
    const { ticket } = opened(ctx)
    const result = resolve(
      ticket,
      completeResolution({ customerAgreement: { method: 'no_response', detail: '' } }),
      ctx,
    )
    expect(result.ok).toBe(false)
    if (!result.ok)
      expect(result.errors[0]).toMatchObject({ field: 'customerAgreement.method', rule: 'rule 8' })
  })

  it('resolves, then closes recording satisfaction, who and when', () => {
    const ctx = testContext()
    let { events, ticket } = opened(ctx)
    ;({ events, ticket } = then(events, accepted(resolve(ticket, completeResolution(), ctx))))
    expect(ticket.state).toBe('resolved')
    expect(ticket.resolution).toMatchObject({
      firstContactResolution: true,
      timeSpentMinutes: 12,
      by: 'agent1',
    })
    ;({ ticket } = then(events, accepted(close(ticket, true, ctx))))
    expect(ticket.state).toBe('closed')
    expect(ticket.closure).toMatchObject({ customerSatisfied: true, by: 'agent1', via: 'staff' })
  })

  it('does not call an escalation without a warm transfer a first-contact resolution', () => {
    const ctx = testContext()
    const start = opened(ctx)
    const events = start.events
    let ticket = start.ticket
    ;({ ticket } = then(
      events,
      accepted(
        escalate(
          ticket,
          {
            teamId: 'network-ops',
            tier: 2,
            suggestedTeamIds: ['network-ops'],
            routingGuidanceId: 'vpn',
            warmTransfer: { status: 'not_possible', reason: 'Line busy' },
          },
          ctx,
        ),
      ),
    ))
    const result = resolve(ticket, completeResolution({ firstContactResolution: true }), ctx)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]).toMatchObject({ field: 'firstContactResolution' })
  })
})

describe('rule 9: follow-up discipline', () => {
  it('an email incident needs a phone call back until one is recorded', () => {
    const ctx = testContext()
    const start = opened(ctx, { source: 'email' })
    const events = start.events
    let ticket = start.ticket
    expect(needsCallBack(ticket)).toBe(true)
    ;({ ticket } = then(
      events,
      accepted(recordContact(ticket, { channel: 'phone', outcome: 'no_answer' }, ctx)),
    ))
    expect(needsCallBack(ticket)).toBe(false)
  })

  it('allows an inactive-ticket resolution only after one business day without an answer', () => {
    // 2026-11-27 is a Friday: one business day after Friday 09:00 is Monday 09:00.
    const ctx = testContext()
    const start = opened(ctx, { source: 'email' })
    const events = start.events
    let ticket = start.ticket
    ;({ ticket } = then(
      events,
      accepted(recordContact(ticket, { channel: 'phone', outcome: 'no_answer' }, ctx)),
    ))
    const inactive = completeResolution({
      resolutionCode: 'inactive_ticket',
      customerAgreement: { method: 'no_response', detail: '' },
      firstContactResolution: false,
    })
    ctx.advance(2 * DAY)
    const early = resolve(ticket, inactive, ctx)
    expect(early.ok).toBe(false)
    if (!early.ok) expect(early.errors[0]!.rule).toBe('rule 9')
    ctx.advance(1 * DAY + 1)
    expect(resolve(ticket, inactive, ctx).ok).toBe(true)
  })

  it('a resolved ticket can be reopened for 7 days, then closes', () => {
    const ctx = testContext()
    let { events, ticket } = opened(ctx)
    ;({ events, ticket } = then(events, accepted(resolve(ticket, completeResolution(), ctx))))
    ctx.advance(6 * DAY)
    const reopened = then(events, accepted(reopen(ticket, 'Still failing', ctx)))
    expect(reopened.ticket.state).toBe('open')
    expect(reopened.ticket.reopenCount).toBe(1)
    ctx.advance(2 * DAY)
    const late = reopen(ticket, 'Still failing', ctx)
    expect(late.ok).toBe(false)
    if (!late.ok) expect(late.errors[0]!.rule).toBe('rule 9')
    ;({ ticket } = then(events, accepted(close(ticket, null, ctx))))
    expect(ticket.closure).toMatchObject({ via: 'reopen_window_elapsed' })
  })
})

describe('rule 10: major incidents link their calls to one parent', () => {
  it('links a call to a parent incident, and refuses a chain of parents', () => {
    const ctx = testContext()
    const parent = opened(ctx, { title: 'Campus Wi-Fi down', impact: 1, urgency: 1 }).ticket
    const start = opened(ctx)
    const events = start.events
    let ticket = start.ticket
    ;({ ticket } = then(events, accepted(linkToParent(ticket, parent, ctx))))
    expect(ticket.parentTicketId).toBe(parent.id)
    const result = linkToParent(parent, ticket, ctx)
    expect(result.ok).toBe(false)
    if (!result.ok) expect(result.errors[0]!.rule).toBe('rule 10')
  })
})

describe('rule 11: redaction of a customer-visible note is recorded', () => {
  it('replaces the note text and records who redacted it, why and when', () => {
    const agent = testContext()
    let { events, ticket } = opened(agent)
    ;({ events, ticket } = then(
      events,
      accepted(
        addCustomerNote(
          ticket,
          'Your ID 900123456 was verified',
          { customer: false, cc: [] },
          agent,
        ),
      ),
    ))
    const noteId = ticket.notes[0]!.id
    const supervisor = testContext('super1', 'B2', agent.now() + 60_000)
    ;({ ticket } = then(
      events,
      accepted(
        redactNote(
          ticket,
          noteId,
          'Your ID [redacted] was verified',
          'University ID in a customer note',
          supervisor,
        ),
      ),
    ))
    expect(ticket.notes[0]!.body).toBe('Your ID [redacted] was verified')
    expect(ticket.notes[0]!.redactions).toEqual([
      { by: 'super1', at: agent.now() + 60_000, reason: 'University ID in a customer note' },
    ])
  })

  it('refuses to redact a tech note (they never reach the customer)', () => {
    const ctx = testContext()
    const start = opened(ctx)
    const events = start.events
    let ticket = start.ticket
    ;({ ticket } = then(events, accepted(addTechNote(ticket, 'internal', ctx))))
    const result = redactNote(ticket, ticket.notes[0]!.id, '[redacted]', 'x', ctx)
    expect(result.ok).toBe(false)
  })
})
