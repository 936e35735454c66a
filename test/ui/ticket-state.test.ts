/**
 * Issue 10, item 4: the words a ticket's state is shown in, the same in the ticket header, the
 * agent's lists and the side panel; and the one time format they all use (the day is shown when
 * it is not today).
 */
import { describe, expect, it } from 'vitest'
import { describeState } from '../../src/renderer/src/ticket/describe'
import { formatWhen } from '../../src/renderer/src/ui/time'
import { escalate, foldTicket, openTicket, resolve } from '../../src/shared/incident'
import { accepted, completeResolution, phoneCall, testContext } from '../support/incident-fixtures'

const teamName = (id: string) => ({ 'network-ops': 'Network Operations' })[id] ?? id

function escalatedAt(ctx = testContext()) {
  const events = accepted(openTicket(phoneCall(), 'A1-1', ctx))
  ctx.advance(4 * 60_000)
  const withTeam = accepted(
    escalate(
      foldTicket(events)!,
      {
        teamId: 'network-ops',
        tier: 2,
        suggestedTeamIds: ['network-ops'],
        routingGuidanceId: 'net-vpn',
        warmTransfer: { status: 'not_possible', reason: 'Line busy' },
      },
      ctx,
    ),
  )
  return { ctx, events: [...events, ...withTeam], since: ctx.now() }
}

describe('rule 4: the state says which team holds the ticket, and since when', () => {
  it('an escalated ticket reads "With <team> since <time>", not "Open"', () => {
    const { events, since } = escalatedAt()
    const ticket = foldTicket(events)!
    expect(describeState(ticket, teamName, since + 60_000)).toBe(
      `With Network Operations since ${formatWhen(since, since)}`,
    )
  })

  it('on another day the time carries the day', () => {
    const { events, since } = escalatedAt()
    const state = describeState(foldTicket(events)!, teamName, since + 2 * 24 * 3600_000)
    expect(state).toBe(`With Network Operations since ${formatWhen(since, 0)}`)
    expect(formatWhen(since, 0)).not.toBe(formatWhen(since, since))
  })

  it('on hold keeps both facts; resolved and a ticket with the CSC read as their state', () => {
    const { ctx, events, since } = escalatedAt()
    const ticket = foldTicket(events)!
    expect(describeState({ ...ticket, state: 'on_hold' }, teamName, since)).toMatch(
      /^On hold, with Network Operations since /,
    )
    const opened = foldTicket(events.slice(0, 1))!
    expect(describeState(opened, teamName, since)).toBe('Open')
    const resolved = foldTicket([
      ...events,
      ...accepted(
        resolve(
          ticket,
          completeResolution({
            firstContactResolution: false,
            takenFromTeam: { teamId: 'network-ops', reason: 'Fixed on the call' },
          }),
          ctx,
        ),
      ),
    ])!
    expect(describeState(resolved, teamName, since)).toBe('Resolved')
  })
})
