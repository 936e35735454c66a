import { describe, expect, it } from 'vitest'
import {
  assign,
  escalate,
  openTicket,
  resolve,
  returnToOwner,
  type TicketEvent,
} from '../../src/shared/incident'
import { floorMetrics } from '../../src/renderer/src/metrics/model'
import { classificationIncomplete, qaReview } from '../../src/renderer/src/metrics/qa'
import {
  accepted,
  completeResolution,
  phoneCall,
  testContext,
  type TestContext,
  warmEscalation,
} from '../support/incident-fixtures'
import { HOUR, history } from './tickets'

const DAY = Date.parse('2026-11-27T00:00:00.000Z')
const at = (hhmm: string) => Date.parse(`2026-11-27T${hhmm}:00.000Z`)

/** A ticket's life, one step at a time on its own clock. */
function life(receivedAt: number, overrides: Parameters<typeof phoneCall>[0] = {}) {
  const ctx = testContext('agent1', 'A1', receivedAt)
  let events: TicketEvent[] = accepted(
    openTicket(
      phoneCall({ receivedAt: new Date(receivedAt).toISOString(), ...overrides }),
      'A1-1',
      ctx,
    ),
  )
  const api = {
    ctx,
    then(
      at: number,
      step: (t: ReturnType<typeof history>, c: TestContext) => Parameters<typeof accepted>[0],
    ) {
      ctx.advance(at - ctx.now())
      events = [...events, ...accepted(step(history(events), ctx))]
      return api
    },
    ticket: () => history(events),
  }
  return api
}

describe("today's floor metrics", () => {
  it('counts phone calls per hour of the call, not other sources or other days', () => {
    const tickets = [
      life(at('09:10')).ticket(),
      life(at('09:40')).ticket(),
      life(at('11:05')).ticket(),
      life(at('09:20'), { source: 'email' }).ticket(),
      life(at('09:20') - 24 * HOUR).ticket(),
    ]
    const m = floorMetrics(tickets, DAY, at('12:00'))
    expect(m.hours[9]!.calls).toBe(2)
    expect(m.hours[11]!.calls).toBe(1)
    expect(m.calls).toBe(3)
  })

  it('rule 8: first-contact resolution rate over the tickets resolved today', () => {
    const onTheCall = life(at('09:00')).then(at('09:08'), (t, c) =>
      resolve(t, completeResolution(), c),
    )
    const later = life(at('09:00')).then(at('10:00'), (t, c) =>
      resolve(t, completeResolution({ firstContactResolution: false }), c),
    )
    const open = life(at('09:30'))
    const m = floorMetrics([onTheCall.ticket(), later.ticket(), open.ticket()], DAY, at('12:00'))
    expect(m).toMatchObject({ resolved: 2, firstContact: 1, firstContactRate: 0.5 })
    expect(floorMetrics([open.ticket()], DAY, at('12:00')).firstContactRate).toBeNull()
  })

  it('rule 5: reassignment rate over the tickets that reached a second-level team', () => {
    const moved = life(at('09:00'))
      .then(at('09:10'), (t, c) => escalate(t, warmEscalation('network', c), c))
      .then(at('09:30'), (t, c) => assign(t, { teamId: 'identity' }, c))
    const stayed = life(at('09:00')).then(at('09:10'), (t, c) =>
      escalate(t, warmEscalation('network', c), c),
    )
    const returned = life(at('09:00'))
      .then(at('09:10'), (t, c) => escalate(t, warmEscalation('network', c), c))
      .then(at('09:20'), (t, c) => returnToOwner(t, c))
    const atDesk = life(at('09:00'))
    const m = floorMetrics(
      [moved.ticket(), stayed.ticket(), returned.ticket(), atDesk.ticket()],
      DAY,
      at('12:00'),
    )
    expect(m).toMatchObject({ atSecondLevel: 3, reassigned: 1 })
    expect(m.reassignmentRate).toBeCloseTo(1 / 3)
  })

  it('rule 4: average time from the call to the first escalation, by the hour escalated', () => {
    const quick = life(at('09:00')).then(at('09:12'), (t, c) =>
      escalate(t, warmEscalation('network', c), c),
    )
    const slow = life(at('10:00'))
      .then(at('10:30'), (t, c) => escalate(t, warmEscalation('network', c), c))
      .then(at('11:00'), (t, c) => assign(t, { teamId: 'identity' }, c))
    const m = floorMetrics([quick.ticket(), slow.ticket()], DAY, at('12:00'))
    expect(m.escalated).toBe(2)
    expect(m.averageMinutesToEscalate).toBeCloseTo(21)
    expect([m.hours[9]!.escalated, m.hours[10]!.escalated]).toEqual([1, 1])
  })

  it('counts targets that fell due today unmet, by the hour they fell due', () => {
    // An emailed P1 nobody took: first assignment due 09:15.
    const untaken = life(at('09:00'), { source: 'email', impact: 1, urgency: 1 })
    // A phone P1 (taken on the call) still open at noon: resolution due 11:00.
    const unresolved = life(at('09:00'), { impact: 1, urgency: 1 })
    // A phone P1 resolved in time.
    const inTime = life(at('09:00'), { impact: 1, urgency: 1 }).then(at('10:30'), (t, c) =>
      resolve(t, completeResolution(), c),
    )
    const m = floorMetrics(
      [untaken.ticket(), unresolved.ticket(), inTime.ticket()],
      DAY,
      at('12:00'),
    )
    expect(m.hours[9]!.breaches).toBe(1)
    expect(m.hours[11]!.breaches).toBe(2)
    expect(m.breaches).toBe(3)
    expect(floorMetrics([unresolved.ticket()], DAY, at('10:59')).breaches).toBe(0)
  })
})

describe('QA review list', () => {
  it('lists bounced (rule 5), returned (rule 7) and incompletely classified (rule 8) tickets', () => {
    const bounced = life(at('09:00'))
      .then(at('09:10'), (t, c) => escalate(t, warmEscalation('network', c), c))
      .then(at('09:20'), (t, c) => assign(t, { teamId: 'identity' }, c))
      .then(at('09:30'), (t, c) => assign(t, { teamId: 'desktop' }, c))
    const returnedThenResolved = life(at('09:00'))
      .then(at('09:10'), (t, c) => escalate(t, warmEscalation('network', c), c))
      .then(at('09:20'), (t, c) => returnToOwner(t, c))
      .then(at('09:40'), (t, c) => resolve(t, completeResolution(), c))
    const unclassified = life(at('09:00'), { subcategory: '' }).then(at('09:05'), (t, c) =>
      resolve(t, completeResolution(), c),
    )
    const fine = life(at('09:00')).then(at('09:05'), (t, c) => resolve(t, completeResolution(), c))
    expect(classificationIncomplete(unclassified.ticket())).toBe(true)
    expect(classificationIncomplete(fine.ticket())).toBe(false)
    const review = qaReview(
      [bounced, returnedThenResolved, unclassified, fine].map((l) => l.ticket()),
    )
    expect(review.map((item) => item.reasons)).toEqual([
      ['returned'],
      ['bounced'],
      ['classification'],
    ])
  })
})
