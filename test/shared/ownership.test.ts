/**
 * Rule 4's ticket owner for tickets the server opened: an email-opened incident (rule 1's source
 * email, rule 9's call-back) is owned by the server account until an agent takes it over.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import {
  awaitsOwner,
  foldTicket,
  mayTakeOwnership,
  notificationsFor,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { openFromEmail } from '../../src/shared/incident/email-in'
import { assign, close, openTicket, resolve, takeOwnership } from '../../src/shared/incident/rules'
import {
  accepted,
  completeResolution,
  emailMessage,
  phoneCall,
  testContext,
} from '../support/incident-fixtures'

// Fresh clocks per test, the agents' a minute after the server's opening.
let server = testContext('event-management', 'SRV')
let agent = testContext('agent1', 'S1')
let colleague = testContext('agent2', 'S2')
let supervisor = testContext('sup1', 'S3')
beforeEach(() => {
  server = testContext('event-management', 'SRV')
  agent = testContext('agent1', 'S1')
  colleague = testContext('agent2', 'S2')
  supervisor = testContext('sup1', 'S3')
  for (const person of [agent, colleague, supervisor]) person.advance(60_000)
})

function emailTicket(): { events: TicketEvent[]; ticket: Ticket } {
  const events = accepted(openFromEmail(emailMessage(), undefined, 'SRV-7', server))
  return { events, ticket: foldTicket(events)! }
}

const fold = (events: TicketEvent[]) => foldTicket(events)!

describe('rule 4: an email-opened ticket has no agent as owner until one takes it over', () => {
  it('is owned by the server account, unassigned, and tells no agent of its call-back (rule 9)', () => {
    const { ticket } = emailTicket()
    expect(awaitsOwner(ticket)).toBe(true)
    expect(ticket.firstAssignedAt).toBeNull()
    const now = ticket.receivedAt + 60_000
    expect(notificationsFor('agent1', [ticket], now)).toEqual([])
  })

  it('an agent takes it: owner, station and CSC assignee become theirs, and the call-back reaches them', () => {
    const { events, ticket } = emailTicket()
    const taken = accepted(takeOwnership(ticket, 'agent', agent))
    expect(taken).toMatchObject([
      { type: 'ownership_taken', actor: 'agent1', payload: { from: 'event-management' } },
    ])
    const owned = fold([...events, ...taken])
    expect(owned).toMatchObject({ owner: 'agent1', ownerStation: 'S1', assignee: 'agent1' })
    expect(awaitsOwner(owned)).toBe(false)
    // Taken by a person: the first-assignment target is met at that moment.
    expect(owned.firstAssignedAt).toBe(agent.now())
    const notices = notificationsFor('agent1', [owned], agent.now())
    expect(notices).toMatchObject([{ kind: 'contact_due', rule: 'rule 9', ticketId: owned.id }])
    expect(owned.history.at(-1)).toMatchObject({ type: 'ownership_taken', actor: 'agent1' })
  })

  it('a ticket with a second-level team keeps the team’s assignee; only the owner changes', () => {
    const { events, ticket } = emailTicket()
    const moved = [
      ...events,
      ...accepted(assign(ticket, { teamId: 'network', assignee: 'net1' }, server)),
    ]
    const taken = accepted(takeOwnership(fold(moved), 'agent', agent))
    expect(fold([...moved, ...taken])).toMatchObject({
      owner: 'agent1',
      teamId: 'network',
      assignee: 'net1',
    })
  })

  it('of two take-overs made at once, the later one is a conflict on the ticket, not a silent swap', () => {
    const { events, ticket } = emailTicket()
    const first = accepted(takeOwnership(ticket, 'agent', agent))
    colleague.advance(120_000)
    const second = accepted(takeOwnership(ticket, 'agent', colleague))
    const both = fold([...events, ...second, ...first])
    expect(both.owner).toBe('agent1')
    expect(both.conflicts).toMatchObject([
      { type: 'ownership_taken', actor: 'agent2', reason: expect.stringMatching(/agent1 owns/) },
    ])
  })

  it('refuses a colleague’s ticket to an agent (rule 4), and lets a supervisor take it over', () => {
    const phone = accepted(openTicket(phoneCall(), 'S2-1', colleague))
    const ticket = fold(phone)
    expect(takeOwnership(ticket, 'agent', agent)).toMatchObject({
      ok: false,
      errors: [{ rule: 'rule 4', message: expect.stringMatching(/supervisor/) }],
    })
    expect(mayTakeOwnership('agent', 'agent2')).toBe(false)
    expect(mayTakeOwnership('agent', 'event-management')).toBe(true)
    expect(mayTakeOwnership('supervisor', 'agent2')).toBe(true)
    supervisor.advance(60_000)
    const taken = accepted(takeOwnership(ticket, 'supervisor', supervisor))
    expect(fold([...phone, ...taken])).toMatchObject({ owner: 'sup1', assignee: 'sup1' })
  })

  it('refuses a ticket one owns already, and a closed one', () => {
    const { events, ticket } = emailTicket()
    const owned = fold([...events, ...accepted(takeOwnership(ticket, 'agent', agent))])
    expect(takeOwnership(owned, 'agent', agent)).toMatchObject({ ok: false })
    agent.advance(60_000)
    const resolved = accepted(
      resolve(owned, completeResolution({ firstContactResolution: false }), agent),
    )
    const afterResolve = fold([...events, ...resolved])
    const closed = fold([...events, ...resolved, ...accepted(close(afterResolve, true, agent))])
    expect(closed.state).toBe('closed')
    expect(takeOwnership(closed, 'agent', colleague)).toMatchObject({
      ok: false,
      errors: [{ message: expect.stringMatching(/closed/) }],
    })
  })
})
