/**
 * Rule 8's clocks on a ticket: first assignment and resolution, each running from the time of call
 * (rule 2) until it is met, standing still while the ticket is on hold awaiting the customer. When
 * a clock passes its due time unmet, that is a breach: the server records it once as an
 * `sla_breached` event (scheduler.ts), so every station shows the same breach in the history.
 */
import { clockOf, deadline, priorityOf, type PriorityPolicy, type SlaPause } from './priority'
import type { Ticket } from './ticket'
import { SLA_TARGETS, type Priority, type SlaTargetKind } from './vocabulary'

/**
 * What a due field reads while its clock is paused: later than any real time (the last instant a
 * Date can hold, so it stays a valid one), so a paused ticket sorts after every running one and no
 * "fell due before now" question counts it.
 */
export const SLA_PAUSED = 8.64e15

export type SlaInput = Pick<
  Ticket,
  'receivedAt' | 'impact' | 'urgency' | 'firstAssignedAt' | 'resolution' | 'slaPauses'
>

export interface SlaDeadlines {
  priority: Priority
  firstAssignmentDueAt: number
  resolutionDueAt: number
  /** Set while a clock stands still: the clock time each paused target has left. */
  slaPausedLeftMs: { firstAssignment: number | null; resolution: number | null } | null
}

/** A met target's clock stopped when it was met: later pauses do not move its due time. */
function pausesUntil(pauses: readonly SlaPause[], metAt: number | null): SlaPause[] {
  if (metAt === null) return [...pauses]
  return pauses
    .filter((p) => p.from < metAt)
    .map((p) => ({ from: p.from, to: p.to === null || p.to > metAt ? metAt : p.to }))
}

/** The ticket's priority and due times under `policy`: what the fold keeps on the ticket. */
export function slaDeadlines(ticket: SlaInput, policy: PriorityPolicy): SlaDeadlines {
  const priority = priorityOf(ticket.impact, ticket.urgency, policy)
  const target = policy.targets[priority]
  const clock = clockOf(priority, policy)
  const pauses = ticket.slaPauses ?? []
  const first = deadline(
    ticket.receivedAt,
    target.firstAssignment,
    clock,
    pausesUntil(pauses, ticket.firstAssignedAt),
    policy.calendar,
  )
  const resolution = deadline(
    ticket.receivedAt,
    target.resolution,
    clock,
    pausesUntil(pauses, ticket.resolution?.at ?? null),
    policy.calendar,
  )
  const paused = first.dueAt === null || resolution.dueAt === null
  return {
    priority,
    firstAssignmentDueAt: first.dueAt ?? SLA_PAUSED,
    resolutionDueAt: resolution.dueAt ?? SLA_PAUSED,
    slaPausedLeftMs: paused
      ? { firstAssignment: first.pausedLeftMs, resolution: resolution.pausedLeftMs }
      : null,
  }
}

type BreachFields = Pick<
  Ticket,
  | 'state'
  | 'firstAssignedAt'
  | 'resolution'
  | 'firstAssignmentDueAt'
  | 'resolutionDueAt'
  | 'slaBreaches'
>

const WORKING = new Set<Ticket['state']>(['open', 'on_hold'])

function targetState(ticket: BreachFields, kind: SlaTargetKind) {
  return kind === 'first_assignment'
    ? { dueAt: ticket.firstAssignmentDueAt, metAt: ticket.firstAssignedAt }
    : { dueAt: ticket.resolutionDueAt, metAt: ticket.resolution?.at ?? null }
}

/**
 * When the breach question must next be asked of this ticket: a due time of an unmet target not
 * yet recorded as breached, or at once for a target met late. null: no breach can come from time
 * alone (every target met in time or recorded, or the clocks paused).
 */
export function nextBreachCheckAt(ticket: BreachFields): number | null {
  let next: number | null = null
  for (const kind of SLA_TARGETS) {
    if (ticket.slaBreaches?.some((b) => b.target === kind)) continue
    const { dueAt, metAt } = targetState(ticket, kind)
    const at =
      metAt !== null ? (metAt > dueAt ? metAt : null) : WORKING.has(ticket.state) ? dueAt : null
    if (at !== null && at !== SLA_PAUSED && (next === null || at < next)) next = at
  }
  return next
}

/** The breaches to record now: targets that passed their due time unmet, once per target. */
export function breachesDue(
  ticket: BreachFields,
  now: number,
): { target: SlaTargetKind; dueAt: number }[] {
  return SLA_TARGETS.flatMap((kind) => {
    if (ticket.slaBreaches?.some((b) => b.target === kind)) return []
    const { dueAt, metAt } = targetState(ticket, kind)
    if (dueAt === SLA_PAUSED) return []
    const breached = metAt !== null ? metAt > dueAt : WORKING.has(ticket.state) && now >= dueAt
    return breached ? [{ target: kind, dueAt }] : []
  })
}
