import { describe, expect, it } from 'vitest'
import {
  DEFAULT_PRIORITY_POLICY,
  dueAt,
  priorityOf,
  priorityPolicySchema,
  targetsFor,
} from '../../src/shared/incident'

const MIN = 60_000
const FRIDAY_9 = Date.parse('2026-11-27T09:00:00.000Z')

describe('priority from impact × urgency (PRODUCT.md "Priority")', () => {
  it('gives P1 for campus-wide critical and P4 for one person, low urgency', () => {
    expect(priorityOf(1, 1)).toBe('P1')
    expect(priorityOf(4, 4)).toBe('P4')
    expect(priorityOf(3, 3)).toBe('P3')
  })

  it('has the targets of PRODUCT.md: P1 15 min / 2 h … P4 4 h / 3 business days', () => {
    const p1 = targetsFor(FRIDAY_9, 1, 1)
    expect(p1.firstAssignmentDueAt - FRIDAY_9).toBe(15 * MIN)
    expect(p1.resolutionDueAt - FRIDAY_9).toBe(120 * MIN)
    const p2 = targetsFor(FRIDAY_9, 2, 2)
    expect([p2.firstAssignmentDueAt - FRIDAY_9, p2.resolutionDueAt - FRIDAY_9]).toEqual([
      60 * MIN,
      240 * MIN,
    ])
  })

  it('counts business days over the weekend', () => {
    // Friday 09:00 + 1 business day = Monday 09:00; + 3 = Wednesday 09:00.
    expect(new Date(dueAt(FRIDAY_9, { amount: 1, unit: 'business_days' })).toISOString()).toBe(
      '2026-11-30T09:00:00.000Z',
    )
    expect(new Date(dueAt(FRIDAY_9, { amount: 3, unit: 'business_days' })).toISOString()).toBe(
      '2026-12-02T09:00:00.000Z',
    )
    const saturday = Date.parse('2026-11-28T12:00:00.000Z')
    // Logged while the desk is closed, the clock starts when it opens: the whole of Monday.
    expect(new Date(dueAt(saturday, { amount: 1, unit: 'business_days' })).toISOString()).toBe(
      '2026-11-30T17:00:00.000Z',
    )
  })

  it('is data an administrator can replace', () => {
    const custom = priorityPolicySchema.parse({
      ...DEFAULT_PRIORITY_POLICY,
      matrix: DEFAULT_PRIORITY_POLICY.matrix.map(() => ['P1', 'P1', 'P1', 'P1']),
    })
    expect(priorityOf(4, 4, custom)).toBe('P1')
    expect(priorityPolicySchema.safeParse({ ...DEFAULT_PRIORITY_POLICY, matrix: [] }).success).toBe(
      false,
    )
  })
})
