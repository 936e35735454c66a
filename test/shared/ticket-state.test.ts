/**
 * Issue 10, items 4 and 8 in the domain: where a ticket is (rule 4), who may change a resolved one
 * (rules 8 and 9), and what the agent is notified of (rules 7 and 9).
 */
import { describe, expect, it } from 'vitest'
import {
  changeFields,
  customerContactDue,
  escalate,
  foldTicket,
  heldBy,
  notificationsFor,
  openTicket,
  recordContact,
  reopen,
  resolve,
  resolvingTakesFromTeam,
  returnToOwner,
  assign,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import {
  openFromEmail,
  receiveCustomerMessage,
  type InboundMessage,
} from '../../src/shared/incident/email-in'
import { addCustomerNote } from '../../src/shared/incident/rules'
import { accepted, completeResolution, phoneCall, testContext } from '../support/incident-fixtures'

const DAY = 24 * 60 * 60 * 1000
const MIN = 60 * 1000

type Step = { events: TicketEvent[]; ticket: Ticket }
const opened = (ctx = testContext(), overrides = {}): Step => {
  const events = accepted(openTicket(phoneCall(overrides), 'A1-1', ctx))
  return { events, ticket: foldTicket(events)! }
}
const then = (history: Step, more: TicketEvent[]): Step => {
  const events = [...history.events, ...more]
  return { events, ticket: foldTicket(events)! }
}
const escalated = (start: Step, ctx: ReturnType<typeof testContext>): Step =>
  then(
    start,
    accepted(
      escalate(
        start.ticket,
        {
          teamId: 'network-ops',
          tier: 2,
          suggestedTeamIds: ['network-ops'],
          routingGuidanceId: 'vpn',
          warmTransfer: {
            status: 'completed',
            contactUsed: '+1 555 010 4000',
            acceptedBy: 'Sam Ortiz',
            acceptedAt: '2026-11-27T09:05:00.000Z',
          },
        },
        ctx,
      ),
    ),
  )

describe('rule 4: an escalated ticket is with its team, since it got there', () => {
  it('is held by the CSC from the call, then by the team from the escalation on', () => {
    const ctx = testContext()
    const start = opened(ctx)
    expect(heldBy(start.ticket)).toMatchObject({ teamId: 'csc', secondLevel: false })
    ctx.advance(5 * MIN)
    const withTeam = escalated(start, ctx)
    expect(heldBy(withTeam.ticket)).toEqual({
      teamId: 'network-ops',
      since: start.ticket.receivedAt + 5 * MIN,
      secondLevel: true,
    })
    // A person in the same team taking it does not restart the team's time.
    ctx.advance(10 * MIN)
    const toPerson = then(
      withTeam,
      accepted(assign(withTeam.ticket, { teamId: 'network-ops', assignee: 'sam' }, ctx)),
    )
    expect(heldBy(toPerson.ticket).since).toBe(start.ticket.receivedAt + 5 * MIN)
  })

  it('rule 4: resolving a ticket a second-level team holds needs a confirmed reason, kept on the resolution', () => {
    const ctx = testContext()
    const withTeam = escalated(opened(ctx), ctx)
    expect(resolvingTakesFromTeam(withTeam.ticket)).toBe(true)
    const input = completeResolution({ firstContactResolution: false })
    const bare = resolve(withTeam.ticket, input, ctx)
    expect(bare.ok).toBe(false)
    if (!bare.ok)
      expect(bare.errors).toContainEqual(
        expect.objectContaining({ field: 'takenFromTeam.reason', rule: 'rule 4' }),
      )
    const wrongTeam = resolve(
      withTeam.ticket,
      { ...input, takenFromTeam: { teamId: 'desktop-support', reason: 'Fixed on the call' } },
      ctx,
    )
    expect(wrongTeam.ok).toBe(false)
    const taken = { teamId: 'network-ops', reason: 'Caller fixed it while Sam was looking' }
    const done = then(
      withTeam,
      accepted(resolve(withTeam.ticket, { ...input, takenFromTeam: taken }, ctx)),
    )
    expect(done.ticket.resolution?.takenFromTeam).toEqual(taken)
  })

  it('rule 4: a ticket with the CSC (never escalated, or returned) resolves without that confirmation', () => {
    const ctx = testContext()
    const start = opened(ctx)
    expect(resolvingTakesFromTeam(start.ticket)).toBe(false)
    expect(resolve(start.ticket, completeResolution(), ctx).ok).toBe(true)
    const returned = then(escalated(start, ctx), [])
    const back = then(returned, accepted(returnToOwner(returned.ticket, ctx)))
    expect(resolvingTakesFromTeam(back.ticket)).toBe(false)
    const stray = resolve(
      back.ticket,
      completeResolution({
        firstContactResolution: false,
        takenFromTeam: { teamId: 'network-ops', reason: 'x' },
      }),
      ctx,
    )
    expect(stray.ok).toBe(false)
  })
})

describe('rule 8: a resolved or closed ticket keeps its fields until it is reopened (rule 9)', () => {
  it('refuses a field change on a resolved ticket, and allows it again once reopened', () => {
    const ctx = testContext()
    const start = opened(ctx)
    const resolved = then(start, accepted(resolve(start.ticket, completeResolution(), ctx)))
    const refused = changeFields(resolved.ticket, { title: 'Something else' }, ctx)
    expect(refused.ok).toBe(false)
    if (!refused.ok) expect(refused.errors[0]).toMatchObject({ rule: 'rule 8' })
    const reopened = then(resolved, accepted(reopen(resolved.ticket, 'Still failing', ctx)))
    const edited = then(
      reopened,
      accepted(changeFields(reopened.ticket, { title: 'Something else' }, ctx)),
    )
    expect(edited.ticket.title).toBe('Something else')
  })

  it('the fold keeps a field change made concurrently with the resolution as a conflict', () => {
    const agent = testContext('agent1', 'A1')
    const other = testContext('agent2', 'B2', Date.parse('2026-11-27T09:30:00.000Z'))
    const start = opened(agent)
    // B2 edits the ticket as it knew it (open), but its event sorts after A1's resolution.
    const edit = accepted(changeFields(start.ticket, { title: 'Late edit' }, other))
    const resolution = accepted(resolve(start.ticket, completeResolution(), agent))
    const ticket = foldTicket([...start.events, ...resolution, ...edit])!
    expect(ticket.title).toBe(start.ticket.title)
    expect(ticket.conflicts).toEqual([expect.objectContaining({ type: 'fields_changed' })])
  })
})

describe('notifications for the agent', () => {
  it('rule 7: a ticket returned to me, once per return, to its owner only', () => {
    const ctx = testContext()
    const withTeam = escalated(opened(ctx), ctx)
    expect(notificationsFor('agent1', [withTeam.ticket], ctx.now())).toEqual([])
    const supervisor = testContext('super1', 'SUP', ctx.now() + MIN)
    const back = then(withTeam, accepted(returnToOwner(withTeam.ticket, supervisor)))
    const [note, ...rest] = notificationsFor('agent1', [back.ticket], ctx.now())
    expect(rest).toEqual([])
    expect(note).toMatchObject({ kind: 'returned_to_me', rule: 'rule 7', number: 'A1-1' })
    expect(note!.key).toBe(`returned:${back.events.at(-1)!.id}`)
    expect(notificationsFor('agent2', [back.ticket], ctx.now())).toEqual([])
    // The same return computed again is the same notification (told once).
    expect(notificationsFor('agent1', [back.ticket], ctx.now() + DAY)[0]!.key).toBe(note!.key)
  })

  it('rule 9: an email incident owes a call back until a phone contact is recorded', () => {
    const ctx = testContext()
    const start = opened(ctx, { source: 'email' })
    expect(customerContactDue(start.ticket)).toEqual({
      reason: 'call_back',
      owedSince: start.ticket.receivedAt,
      dueAt: start.ticket.firstAssignmentDueAt,
    })
    expect(notificationsFor('agent1', [start.ticket], ctx.now())).toEqual([
      expect.objectContaining({
        kind: 'contact_due',
        rule: 'rule 9',
        title: 'Call Dana Whitfield back about A1-1',
      }),
    ])
    const called = then(
      start,
      accepted(recordContact(start.ticket, { channel: 'phone', outcome: 'reached' }, ctx)),
    )
    expect(customerContactDue(called.ticket)).toBeNull()
    expect(notificationsFor('agent1', [called.ticket], ctx.now())).toEqual([])
  })

  it('rule 9: a customer silent for a business day after an attempt is due a follow-up, not before', () => {
    // 2026-11-27 is a Friday: a business day after Friday 09:00 is Monday 09:00.
    const ctx = testContext()
    const start = opened(ctx)
    const tried = then(
      start,
      accepted(recordContact(start.ticket, { channel: 'phone', outcome: 'no_answer' }, ctx)),
    )
    const due = customerContactDue(tried.ticket)
    expect(due).toEqual({
      reason: 'no_answer',
      owedSince: Date.parse('2026-11-30T09:00:00.000Z'),
      dueAt: Date.parse('2026-11-30T09:00:00.000Z'),
    })
    expect(notificationsFor('agent1', [tried.ticket], due!.owedSince - 1)).toEqual([])
    expect(notificationsFor('agent1', [tried.ticket], due!.owedSince)).toEqual([
      expect.objectContaining({
        kind: 'contact_due',
        key: `contact:${start.ticket.id}:no_answer:${due!.owedSince}`,
      }),
    ])
    const reached = then(
      tried,
      accepted(recordContact(tried.ticket, { channel: 'phone', outcome: 'reached' }, ctx)),
    )
    expect(customerContactDue(reached.ticket)).toBeNull()
  })

  it('rule 9: a resolved ticket owes no contact', () => {
    const ctx = testContext()
    const start = opened(ctx, { source: 'email' })
    const resolved = then(
      start,
      accepted(resolve(start.ticket, completeResolution({ firstContactResolution: false }), ctx)),
    )
    expect(customerContactDue(resolved.ticket)).toBeNull()
  })

  const mail = (at: number, overrides: Partial<InboundMessage> = {}): InboundMessage => ({
    messageId: `<m${at}@mail.example.edu>`,
    from: 'dana.whitfield@example.edu',
    fromName: 'Dana Whitfield',
    subject: 'Re: VPN',
    text: 'Still failing from home.',
    replyTo: [],
    attachments: [],
    receivedAt: at,
    ...overrides,
  })

  it("rule 6: a customer's reply by email is news for the owner until the desk answers it", () => {
    const ctx = testContext()
    const start = opened(ctx)
    const wrote = then(
      start,
      accepted(
        addCustomerNote(start.ticket, 'Try the new profile.', { customer: true, cc: [] }, ctx),
      ),
    )
    const server = testContext('event-management', 'SRV', ctx.now() + 30 * MIN)
    const replied = then(
      wrote,
      accepted(receiveCustomerMessage(wrote.ticket, mail(server.now()), server)),
    )
    const reply = replied.events.at(-1)!
    expect(notificationsFor('agent1', [replied.ticket], server.now())).toEqual([
      expect.objectContaining({
        kind: 'customer_reply',
        key: `reply:${reply.id}`,
        title: 'Dana Whitfield replied on A1-1',
        rule: 'rule 6',
      }),
    ])
    expect(notificationsFor('agent2', [replied.ticket], server.now())).toEqual([])
    ctx.advance(60 * MIN)
    const answered = then(
      replied,
      accepted(
        addCustomerNote(replied.ticket, 'Calling you now.', { customer: true, cc: [] }, ctx),
      ),
    )
    expect(notificationsFor('agent1', [answered.ticket], ctx.now())).toEqual([])
  })

  it('rule 6: the email that opened an incident is not a reply; the next one is', () => {
    const server = testContext('event-management', 'SRV')
    const events = accepted(openFromEmail(mail(server.now()), undefined, 'SRV-7', server))
    const start = { events, ticket: foldTicket(events)! }
    const agent = testContext('agent1', 'A1', server.now() + MIN)
    const mine = then(
      start,
      accepted(assign(start.ticket, { teamId: 'csc', assignee: 'agent1' }, agent)),
    )
    // Assigned to the agent, the call back it owes is theirs (rule 9), and nothing else yet.
    expect(notificationsFor('agent1', [mine.ticket], agent.now()).map((n) => n.kind)).toEqual([
      'contact_due',
    ])
    server.advance(10 * MIN)
    const again = then(
      mine,
      accepted(receiveCustomerMessage(mine.ticket, mail(server.now()), server)),
    )
    expect(notificationsFor('agent1', [again.ticket], server.now()).map((n) => n.kind)).toEqual([
      'customer_reply',
      'contact_due',
    ])
  })
})
