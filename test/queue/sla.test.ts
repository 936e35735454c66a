import { describe, expect, it } from 'vitest'
import { assign, openTicket } from '../../src/shared/incident'
import {
  agingBucketOf,
  formatDuration,
  nextAgingChangeAt,
  nextDueAt,
  nextSlaChangeAt,
  runningTargets,
  slaOf,
} from '../../src/renderer/src/queue/sla'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'
import { HOUR, MINUTE, T0, history, ticket } from './tickets'

// An emailed P1 (impact 1, urgency 1): 15 min to first assignment, 2 h to resolution.
function emailedP1() {
  const ctx = testContext('agent1', 'A1', T0)
  const opening = accepted(
    openTicket(
      phoneCall({ source: 'email', impact: 1, urgency: 1, receivedAt: new Date(T0).toISOString() }),
      'A1-7',
      ctx,
    ),
  )
  return { ctx, opening, ticket: history(opening) }
}

describe('SLA status from the priority targets (PRODUCT.md "Priority")', () => {
  it('runs the first-assignment target until someone takes the ticket, then only resolution', () => {
    const { ctx, opening, ticket: p1 } = emailedP1()
    expect(p1.priority).toBe('P1')
    expect(runningTargets(p1).map((t) => t.kind)).toEqual(['first_assignment', 'resolution'])
    ctx.advance(5 * MINUTE)
    const taken = history(opening, accepted(assign(p1, { teamId: 'csc', assignee: 'agent2' }, ctx)))
    expect(runningTargets(taken).map((t) => t.kind)).toEqual(['resolution'])
    expect(nextDueAt(taken)).toBe(T0 + 2 * HOUR)
  })

  it('is ok, then at risk with under 25% of the span left, then breached at the due time', () => {
    const { ticket: p1 } = emailedP1()
    // First assignment is due at 15 min: at risk from 11:15, breached from 15:00.
    expect(slaOf(p1, T0 + 11 * MINUTE).status).toBe('ok')
    expect(slaOf(p1, T0 + 11.25 * MINUTE)).toMatchObject({
      status: 'at_risk',
      remainingMs: 3.75 * MINUTE,
    })
    expect(slaOf(p1, T0 + 15 * MINUTE)).toMatchObject({ status: 'breached', remainingMs: 0 })
    expect(slaOf(p1, T0 + 20 * MINUTE).target?.kind).toBe('first_assignment')
  })

  it('reports the worst running target, the earlier due on a tie', () => {
    const t = ticket({
      receivedAt: T0,
      firstAssignedAt: null,
      firstAssignmentDueAt: T0 + 100 * MINUTE,
      resolutionDueAt: T0 + 40 * MINUTE,
    })
    expect(slaOf(t, T0 + 35 * MINUTE)).toMatchObject({
      status: 'at_risk',
      target: { kind: 'resolution' },
    })
    expect(slaOf(t, T0).target?.kind).toBe('resolution')
  })

  it('stops for resolved and closed tickets, and keeps running while on hold', () => {
    expect(slaOf(ticket({ state: 'resolved' }), T0 + 99 * HOUR)).toMatchObject({
      status: 'ok',
      target: null,
    })
    expect(nextDueAt(ticket({ state: 'closed' }))).toBe(Infinity)
    const held = ticket({ state: 'on_hold', receivedAt: T0, resolutionDueAt: T0 + HOUR })
    expect(slaOf(held, T0 + 2 * HOUR).status).toBe('breached')
  })

  it('says when the reading can next change', () => {
    const { ticket: p1 } = emailedP1()
    expect(nextSlaChangeAt(p1, T0)).toBe(T0 + 11.25 * MINUTE)
    expect(nextSlaChangeAt(p1, T0 + 12 * MINUTE)).toBe(T0 + 15 * MINUTE)
    expect(nextSlaChangeAt(p1, T0 + 15 * MINUTE)).toBe(T0 + 90 * MINUTE)
    expect(nextSlaChangeAt(p1, T0 + 3 * HOUR)).toBe(Infinity)
  })
})

describe('aging buckets (age from the time of call, rule 2)', () => {
  it('puts a ticket in the bucket of its age and says when it moves on', () => {
    expect(agingBucketOf(T0, T0 + 59 * MINUTE)).toBe('under_1h')
    expect(agingBucketOf(T0, T0 + HOUR)).toBe('1h_4h')
    expect(agingBucketOf(T0, T0 + 5 * HOUR)).toBe('4h_24h')
    expect(agingBucketOf(T0, T0 + 30 * HOUR)).toBe('1d_3d')
    expect(agingBucketOf(T0, T0 + 80 * HOUR)).toBe('over_3d')
    expect(nextAgingChangeAt(T0, T0 + 2 * HOUR)).toBe(T0 + 4 * HOUR)
    expect(nextAgingChangeAt(T0, T0 + 80 * HOUR)).toBe(Infinity)
  })
})

describe('timer text', () => {
  it('shows seconds under an hour so a running-out target ticks, and a sign when overdue', () => {
    expect(formatDuration(12 * MINUTE + 7_400)).toBe('12:07')
    expect(formatDuration(-(3 * MINUTE + 5_000))).toBe('-3:05')
    expect(formatDuration(HOUR + 5 * MINUTE)).toBe('1 h 05 min')
    expect(formatDuration(52 * HOUR)).toBe('2 d 4 h')
    expect(formatDuration(12 * MINUTE + 7_400, 'minutes')).toBe('12 min')
  })
})
