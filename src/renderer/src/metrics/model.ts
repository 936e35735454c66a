/**
 * Today's floor in figures, from the tickets the supervisor queue holds (every open ticket and
 * every ticket touched today). Pure: `now` and the start of the desk's day are parameters.
 *
 *  - Calls per hour: phone incidents by the hour of the call (rule 2, time of call).
 *  - First-contact resolution rate (rule 8): of the tickets resolved today, the share resolved
 *    before the call ended (a warm transfer resolved on the same call included).
 *  - Reassignment rate (rule 5): of the tickets that went to a second-level team, the share that
 *    moved on to another team at least once — guessing shows up here.
 *  - Average time to escalate (rule 4): from the call to the first escalation, for the tickets
 *    first escalated today.
 *  - SLA breaches today: targets (first assignment, resolution) that fell due today, up to now,
 *    and were not met by then.
 */
import type { Ticket } from '../../../shared/incident/ticket'
import { CSC_TEAM_ID } from '../../../shared/incident/vocabulary'

const HOUR_MS = 60 * 60 * 1000
export const HOURS = 24

export interface HourRow {
  /** Start of the hour. */
  at: number
  calls: number
  resolved: number
  firstContact: number
  escalated: number
  /** Sum of the minutes from call to first escalation of the tickets escalated in this hour. */
  minutesToEscalate: number
  breaches: number
}

export interface FloorMetrics {
  hours: HourRow[]
  calls: number
  resolved: number
  firstContact: number
  /** null when nothing was resolved today. */
  firstContactRate: number | null
  atSecondLevel: number
  reassigned: number
  reassignmentRate: number | null
  escalated: number
  averageMinutesToEscalate: number | null
  breaches: number
}

export type BreachKind = 'first_assignment' | 'resolution'

/** Targets of a ticket that fell due in [from, now) and were not met by their due time. */
export function breachesBetween(
  ticket: Ticket,
  from: number,
  now: number,
): { kind: BreachKind; dueAt: number }[] {
  const targets: { kind: BreachKind; dueAt: number; metAt: number | null }[] = [
    { kind: 'first_assignment', dueAt: ticket.firstAssignmentDueAt, metAt: ticket.firstAssignedAt },
    { kind: 'resolution', dueAt: ticket.resolutionDueAt, metAt: ticket.resolution?.at ?? null },
  ]
  const found = targets
    .filter((t) => t.dueAt >= from && t.dueAt < now && (t.metAt === null || t.metAt > t.dueAt))
    .map(({ kind, dueAt }) => ({ kind, dueAt }))
  // What the server recorded counts too: a breach stays one after the clock it ran out on moved
  // (a priority lowered, a reopening), once per target.
  const recorded = (ticket.slaBreaches ?? [])
    .filter((b) => b.dueAt >= from && b.dueAt < now && !found.some((f) => f.kind === b.target))
    .map((b) => ({ kind: b.target, dueAt: b.dueAt }))
  return [...found, ...recorded]
}

function firstEscalationAt(ticket: Ticket): number | null {
  return ticket.assignments.find((a) => a.via === 'escalation')?.at ?? null
}

/** Went to a second-level team by escalation or assignment (a return to the CSC does not count). */
function reachedSecondLevel(ticket: Ticket): boolean {
  return ticket.assignments.some((a) => a.via !== 'return_to_owner' && a.teamId !== CSC_TEAM_ID)
}

const ratio = (part: number, whole: number) => (whole === 0 ? null : part / whole)

export function floorMetrics(
  tickets: Iterable<Ticket>,
  dayStart: number,
  now: number,
): FloorMetrics {
  const hours: HourRow[] = Array.from({ length: HOURS }, (_, h) => ({
    at: dayStart + h * HOUR_MS,
    calls: 0,
    resolved: 0,
    firstContact: 0,
    escalated: 0,
    minutesToEscalate: 0,
    breaches: 0,
  }))
  const hourOf = (ms: number) =>
    ms >= dayStart && ms < dayStart + HOURS * HOUR_MS
      ? hours[Math.floor((ms - dayStart) / HOUR_MS)]
      : undefined
  let atSecondLevel = 0
  let reassigned = 0

  for (const ticket of tickets) {
    if (ticket.source === 'phone') {
      const hour = hourOf(ticket.receivedAt)
      if (hour) hour.calls += 1
    }
    if (ticket.resolution) {
      const hour = hourOf(ticket.resolution.at)
      if (hour) {
        hour.resolved += 1
        if (ticket.resolution.firstContactResolution) hour.firstContact += 1
      }
    }
    const escalatedAt = firstEscalationAt(ticket)
    const escalationHour = escalatedAt === null ? undefined : hourOf(escalatedAt)
    if (escalationHour && escalatedAt !== null) {
      escalationHour.escalated += 1
      escalationHour.minutesToEscalate += (escalatedAt - ticket.receivedAt) / 60_000
    }
    if (reachedSecondLevel(ticket)) {
      atSecondLevel += 1
      if (ticket.reassignmentCount > 0) reassigned += 1
    }
    for (const breach of breachesBetween(ticket, dayStart, now)) {
      const hour = hourOf(breach.dueAt)
      if (hour) hour.breaches += 1
    }
  }

  const sum = (key: keyof Omit<HourRow, 'at'>) => hours.reduce((total, h) => total + h[key], 0)
  const resolved = sum('resolved')
  const firstContact = sum('firstContact')
  const escalated = sum('escalated')
  const minutes = sum('minutesToEscalate')
  return {
    hours,
    calls: sum('calls'),
    resolved,
    firstContact,
    firstContactRate: ratio(firstContact, resolved),
    atSecondLevel,
    reassigned,
    reassignmentRate: ratio(reassigned, atSecondLevel),
    escalated,
    averageMinutesToEscalate: ratio(minutes, escalated),
    breaches: sum('breaches'),
  }
}
