/**
 * Priority from impact × urgency, and the targets that follow from it. This is data: the
 * administrator may replace the whole policy (see `priorityPolicySchema`), and every consumer takes
 * the policy as a parameter with the PRODUCT.md default.
 */
import { z } from 'zod'
import type { Level, Priority } from './vocabulary'

const priority = z.enum(['P1', 'P2', 'P3', 'P4'])
const row = z.tuple([priority, priority, priority, priority])
const duration = z.object({
  amount: z.number().positive(),
  unit: z.enum(['minutes', 'business_days']),
})

export const priorityPolicySchema = z.object({
  /** matrix[impact - 1][urgency - 1] */
  matrix: z.tuple([row, row, row, row]),
  targets: z.object({
    P1: z.object({ firstAssignment: duration, resolution: duration }),
    P2: z.object({ firstAssignment: duration, resolution: duration }),
    P3: z.object({ firstAssignment: duration, resolution: duration }),
    P4: z.object({ firstAssignment: duration, resolution: duration }),
  }),
  /** Business days skip these weekdays (0 = Sunday), counted in the desk's UTC offset. */
  weekendDays: z.array(z.number().int().min(0).max(6)).max(6),
  utcOffsetMinutes: z
    .number()
    .int()
    .min(-14 * 60)
    .max(14 * 60),
})
export type PriorityPolicy = z.infer<typeof priorityPolicySchema>
export type TargetDuration = z.infer<typeof duration>

const minutes = (amount: number): TargetDuration => ({ amount, unit: 'minutes' })
const businessDays = (amount: number): TargetDuration => ({ amount, unit: 'business_days' })

/** PRODUCT.md "Priority": P1 15 min / 2 h · P2 1 h / 4 h · P3 2 h / 1 business day · P4 4 h / 3 business days. */
export const DEFAULT_PRIORITY_POLICY: PriorityPolicy = {
  matrix: [
    ['P1', 'P1', 'P2', 'P3'],
    ['P1', 'P2', 'P2', 'P3'],
    ['P2', 'P2', 'P3', 'P4'],
    ['P2', 'P3', 'P4', 'P4'],
  ],
  targets: {
    P1: { firstAssignment: minutes(15), resolution: minutes(120) },
    P2: { firstAssignment: minutes(60), resolution: minutes(240) },
    P3: { firstAssignment: minutes(120), resolution: businessDays(1) },
    P4: { firstAssignment: minutes(240), resolution: businessDays(3) },
  },
  weekendDays: [0, 6],
  utcOffsetMinutes: 0,
}

export function priorityOf(
  impact: Level,
  urgency: Level,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): Priority {
  return policy.matrix[impact - 1]![urgency - 1]!
}

const DAY_MS = 24 * 60 * 60 * 1000

/** When a target falls due, counting business days in the desk's calendar. */
export function dueAt(
  startMs: number,
  target: TargetDuration,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): number {
  if (target.unit === 'minutes') return startMs + target.amount * 60_000
  const offsetMs = policy.utcOffsetMinutes * 60_000
  const isWeekend = (ms: number) => policy.weekendDays.includes(new Date(ms + offsetMs).getUTCDay())
  let due = startMs
  // A call logged on a weekend starts counting from the next business day.
  for (let guard = 0; isWeekend(due) && guard < 7; guard++) due += DAY_MS
  let remaining = target.amount
  for (let guard = 0; remaining > 0 && guard < 366; guard++) {
    due += DAY_MS
    if (!isWeekend(due)) remaining -= 1
  }
  return due
}

export interface Targets {
  priority: Priority
  firstAssignmentDueAt: number
  resolutionDueAt: number
}

export function targetsFor(
  receivedAtMs: number,
  impact: Level,
  urgency: Level,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): Targets {
  const priority = priorityOf(impact, urgency, policy)
  const target = policy.targets[priority]
  return {
    priority,
    firstAssignmentDueAt: dueAt(receivedAtMs, target.firstAssignment, policy),
    resolutionDueAt: dueAt(receivedAtMs, target.resolution, policy),
  }
}

export function describeDuration(target: TargetDuration): string {
  if (target.unit === 'business_days')
    return `${target.amount} business day${target.amount === 1 ? '' : 's'}`
  return target.amount % 60 === 0 ? `${target.amount / 60} h` : `${target.amount} min`
}
