/**
 * The desk's side of the phone system (PRODUCT.md, "What a real floor also expects: the phone
 * system"): the PBX's transfer fills the warm-transfer record (rule 4), its talk time the
 * resolution's time spent (rule 8), and a ticket returned to its owner (rule 7) tells the owner.
 */
import { describe, expect, it } from 'vitest'
import type { Team } from '../../src/shared/directory'
import {
  escalate,
  foldTicket,
  notificationsFor,
  openTicket,
  returnToOwner,
} from '../../src/shared/incident'
import { talkMinutes } from '../../src/renderer/src/calls/call-store'
import { escalationInput, initialForm } from '../../src/renderer/src/escalation/escalation'
import { DesktopNotices, RECENT_NOTIFICATION_MS } from '../../src/renderer/src/notify/notifications'
import { initialResolveForm } from '../../src/renderer/src/resolution/resolve-form'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'

const team = (id: string, warmTransferPhone: string): Team => ({
  id,
  name: id,
  tier: 2,
  warmTransferPhone,
  email: '',
  hours: '',
  description: '',
})
const TEAMS = [team('network-ops', '+1 555 010 2120'), team('desktop-support', '+1 555 010 2110')]

function phoneTicket(ctx = testContext()) {
  const events = accepted(openTicket({ ...phoneCall(), callId: 'pbx-1' }, 'A1-1', ctx))
  return { events, ticket: foldTicket(events)! }
}

describe('rule 4: the PBX transfer fills the warm-transfer record', () => {
  it('with the number dialled, its team, and the time the PBX transferred the call', () => {
    const { ticket } = phoneTicket()
    expect(ticket.callId).toBe('pbx-1')
    const at = Date.parse('2026-11-27T09:04:00Z')
    const form = initialForm(ticket, [], { transfer: { to: '+15550102110', at }, teams: TEAMS })
    expect(form).toMatchObject({
      teamId: 'desktop-support',
      transfer: 'completed',
      contactUsed: '+15550102110',
    })
    const input = escalationInput({ ...form, acceptedBy: 'Kim' }, [], TEAMS, at + 600_000)
    expect(input.warmTransfer).toMatchObject({ acceptedAt: new Date(at).toISOString() })
  })

  it('without a PBX transfer, the form is as before', () => {
    const { ticket } = phoneTicket()
    expect(initialForm(ticket, [])).toMatchObject({ contactUsed: '', transferredAt: null })
  })
})

describe('rule 8: the talk time is the time spent', () => {
  it('prefills whole minutes, a started minute counting as one', () => {
    const { ticket } = phoneTicket()
    expect(talkMinutes(240)).toBe(4)
    expect(talkMinutes(241)).toBe(5)
    expect(talkMinutes(3)).toBe(1)
    expect(talkMinutes(null)).toBeNull()
    expect(initialResolveForm(ticket, 4).timeSpent).toBe('4')
    expect(initialResolveForm(ticket).timeSpent).toBeNull()
  })
})

describe('rule 7: a ticket returned to its owner is a desktop notification for the owner', () => {
  const returned = () => {
    const ctx = testContext('agent1')
    const { events, ticket } = phoneTicket(ctx)
    const escalated = accepted(
      escalate(
        ticket,
        {
          teamId: 'network-ops',
          tier: 2,
          suggestedTeamIds: ['network-ops'],
          routingGuidanceId: null,
          offGuidanceReason: 'test',
          warmTransfer: { status: 'not_possible', reason: 'Nobody answered at the team' },
        },
        ctx,
      ),
    )
    const before = foldTicket([...events, ...escalated])!
    const supervisor = testContext('super1', 'B2', ctx.now() + 60_000)
    const after = foldTicket([
      ...events,
      ...escalated,
      ...accepted(returnToOwner(before, supervisor)),
    ])!
    return { before, after, at: supervisor.now() }
  }

  it('once, to the owner only, and not for a return long past', () => {
    const { before, after, at } = returned()
    const mine = new DesktopNotices()
    const agent1 = (ticket: typeof after, now: number) => notificationsFor('agent1', [ticket], now)
    expect(mine.fresh(agent1(before, at), at)).toEqual([])
    expect(mine.fresh(agent1(after, at), at)).toEqual([
      expect.objectContaining({ ticketId: after.id, title: 'A1-1 returned to you' }),
    ])
    expect(mine.fresh(agent1(after, at), at)).toEqual([])
    expect(new DesktopNotices().fresh(notificationsFor('agent2', [after], at), at)).toEqual([])
    const late = at + RECENT_NOTIFICATION_MS + 1
    expect(new DesktopNotices().fresh(agent1(after, late), late)).toEqual([])
  })
})
