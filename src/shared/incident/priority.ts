/**
 * Priority from impact × urgency, and the targets that follow from it. This is data: the
 * administrator may replace the whole policy (see `priorityPolicySchema`), and every consumer takes
 * the policy as a parameter with the PRODUCT.md default.
 *
 * `deadline` is the one place a due time is computed: the intake's preview, the fold (and through
 * it the ticket view, the queue, the metrics) and the server's breach job all come here.
 */
import { z } from 'zod'
import {
  addBusinessMs,
  businessCalendarSchema,
  businessDayMs,
  businessMsBetween,
  DEFAULT_CALENDAR,
  type BusinessCalendar,
} from './calendar'
import type { Level, Priority } from './vocabulary'

const priority = z.enum(['P1', 'P2', 'P3', 'P4'])
const row = z.tuple([priority, priority, priority, priority])
const duration = z.object({
  amount: z.number().positive(),
  unit: z.enum(['minutes', 'business_days']),
})

/**
 * How a priority's clock runs: around the clock (P1/P2 by default), or only while the desk is open
 * (P3/P4), per the business calendar. Left out, the priority's default applies.
 */
export const SLA_CLOCKS = ['around_the_clock', 'business_hours'] as const
export type SlaClock = (typeof SLA_CLOCKS)[number]
const priorityTargets = z.object({
  firstAssignment: duration,
  resolution: duration,
  clock: z.enum(SLA_CLOCKS).optional(),
})

/** Rule 9 as the administrator sets it: whether the server resolves inactive tickets itself. */
export const followUpSchema = z.object({ autoResolveInactive: z.boolean().default(false) })
export type FollowUpSettings = z.output<typeof followUpSchema>

/** The section an administrator imports as `policy`: the matrix and the targets. */
export const priorityTargetsSchema = z.object({
  /** matrix[impact - 1][urgency - 1] */
  matrix: z.tuple([row, row, row, row]),
  targets: z.object({
    P1: priorityTargets,
    P2: priorityTargets,
    P3: priorityTargets,
    P4: priorityTargets,
  }),
})

/**
 * The policy every replica folds with: the targets, plus the business calendar and the follow-up
 * settings (their own directory sections, merged in by the server). Older stored policies, without
 * them, read with the defaults; their `weekendDays` / `utcOffsetMinutes` gave way to the calendar.
 */
export const priorityPolicySchema = priorityTargetsSchema.extend({
  calendar: businessCalendarSchema.default(DEFAULT_CALENDAR),
  followUp: followUpSchema.default({ autoResolveInactive: false }),
})
export type PriorityPolicy = z.output<typeof priorityPolicySchema>
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
  calendar: DEFAULT_CALENDAR,
  followUp: { autoResolveInactive: false },
}

export function priorityOf(
  impact: Level,
  urgency: Level,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): Priority {
  return policy.matrix[impact - 1]![urgency - 1]!
}

const DAY_MS = 24 * 60 * 60 * 1000

export function clockOf(priority: Priority, policy: PriorityPolicy): SlaClock {
  return (
    policy.targets[priority].clock ??
    (priority === 'P1' || priority === 'P2' ? 'around_the_clock' : 'business_hours')
  )
}

/** A target's length in its clock's time: a business day is the calendar's longest opening day. */
export function targetMs(
  target: TargetDuration,
  clock: SlaClock,
  calendar: BusinessCalendar,
): number {
  if (target.unit === 'minutes') return target.amount * 60_000
  return target.amount * (clock === 'business_hours' ? businessDayMs(calendar) : DAY_MS)
}

/** A span of time the clock stood still (rule 8's hold awaiting the customer); `to` null: still. */
export interface SlaPause {
  from: number
  to: number | null
}

export type Deadline =
  | { dueAt: number; pausedLeftMs: null }
  /** The clock is paused now: it will fall due `pausedLeftMs` of clock time after it resumes. */
  | { dueAt: null; pausedLeftMs: number }

/**
 * When a target falls due: `target` of clock time after `startMs`, not counting the pauses, and
 * (on the business clock) counting only the calendar's open hours.
 */
export function deadline(
  startMs: number,
  target: TargetDuration,
  clock: SlaClock,
  pauses: readonly SlaPause[],
  calendar: BusinessCalendar,
): Deadline {
  const elapsed = (from: number, to: number) =>
    clock === 'around_the_clock' ? to - from : businessMsBetween(from, to, calendar)
  const add = (from: number, ms: number) =>
    clock === 'around_the_clock' ? from + ms : addBusinessMs(from, ms, calendar)
  let left = targetMs(target, clock, calendar)
  let cursor = startMs
  for (const pause of [...pauses].sort((a, b) => a.from - b.from)) {
    if (pause.to !== null && pause.to <= cursor) continue
    if (pause.from > cursor) {
      const used = elapsed(cursor, pause.from)
      if (used >= left) return { dueAt: add(cursor, left), pausedLeftMs: null }
      left -= used
    }
    if (pause.to === null) return { dueAt: null, pausedLeftMs: left }
    cursor = Math.max(cursor, pause.to)
  }
  return { dueAt: add(cursor, left), pausedLeftMs: null }
}

/** When a target falls due on an unpaused clock (the intake's preview, a fresh ticket). */
export function dueAt(
  startMs: number,
  target: TargetDuration,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
  clock: SlaClock = 'business_hours',
): number {
  return deadline(startMs, target, clock, [], policy.calendar).dueAt!
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
  const clock = clockOf(priority, policy)
  return {
    priority,
    firstAssignmentDueAt: dueAt(receivedAtMs, target.firstAssignment, policy, clock),
    resolutionDueAt: dueAt(receivedAtMs, target.resolution, policy, clock),
  }
}

/** "2 h", "15 min", "1 business day"; on the business clock, "2 business hours". */
export function describeDuration(
  target: TargetDuration,
  clock: SlaClock = 'around_the_clock',
): string {
  if (target.unit === 'business_days')
    return `${target.amount} business day${target.amount === 1 ? '' : 's'}`
  if (clock === 'business_hours' && target.amount % 60 === 0) {
    const hours = target.amount / 60
    return `${hours} business hour${hours === 1 ? '' : 's'}`
  }
  const suffix = clock === 'business_hours' ? ' of business time' : ''
  return (target.amount % 60 === 0 ? `${target.amount / 60} h` : `${target.amount} min`) + suffix
}
