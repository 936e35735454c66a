/**
 * Where a ticket stands against its priority targets (PRODUCT.md "Priority"), and how old it is.
 * Pure: the wall clock is always a parameter, so the queue, the metrics and the notifier agree on
 * one `now` per tick and tests can pin it.
 *
 * A target "runs" from the time of call (rule 2, `receivedAt`) until it is met: the first-
 * assignment target until someone takes the ticket (`firstAssignedAt`; a live call is taken the
 * moment it is logged), the resolution target until the ticket is resolved. Due times come from
 * the fold (shared/incident/sla-clock.ts), business hours and pauses included: a hold awaiting
 * the customer stops the clock (the target then reads `SLA_PAUSED` and is not running); any other
 * hold does not, and a supervisor sees a held P1 run out.
 */
import { SLA_PAUSED } from '../../../shared/incident/sla-clock'
import type { Ticket } from '../../../shared/incident/ticket'

export type SlaStatus = 'ok' | 'at_risk' | 'breached'
export const SLA_STATUSES: readonly SlaStatus[] = ['ok', 'at_risk', 'breached']

export type TargetKind = 'first_assignment' | 'resolution'

export const TARGET_LABELS: Record<TargetKind, string> = {
  first_assignment: 'First assignment',
  resolution: 'Resolution',
}

export interface RunningTarget {
  kind: TargetKind
  startAt: number
  dueAt: number
}

/** A target is at risk once less than this share of its whole span is left. */
export const AT_RISK_FRACTION = 0.25

export type SlaFields = Pick<
  Ticket,
  'state' | 'receivedAt' | 'firstAssignedAt' | 'firstAssignmentDueAt' | 'resolutionDueAt'
>

export function isOpen(ticket: Pick<Ticket, 'state'>): boolean {
  return ticket.state === 'open' || ticket.state === 'on_hold'
}

export function runningTargets(ticket: SlaFields): RunningTarget[] {
  if (!isOpen(ticket)) return []
  const targets: RunningTarget[] = []
  if (ticket.firstAssignedAt === null) {
    targets.push({
      kind: 'first_assignment',
      startAt: ticket.receivedAt,
      dueAt: ticket.firstAssignmentDueAt,
    })
  }
  targets.push({ kind: 'resolution', startAt: ticket.receivedAt, dueAt: ticket.resolutionDueAt })
  return targets.filter((t) => t.dueAt !== SLA_PAUSED)
}

/** Clock time left on the ticket's paused clock (the nearer one), or null when none is paused. */
export function pausedLeftMs(ticket: SlaFields & Pick<Ticket, 'slaPausedLeftMs'>): number | null {
  if (!isOpen(ticket) || !ticket.slaPausedLeftMs) return null
  const { firstAssignment, resolution } = ticket.slaPausedLeftMs
  const left = [ticket.firstAssignedAt === null ? firstAssignment : null, resolution].filter(
    (ms): ms is number => ms !== null,
  )
  return left.length ? Math.min(...left) : null
}

/** The SLA filter's "Breached": a target running over now, or one the server recorded as breached. */
export function hasBreached(ticket: SlaFields & Pick<Ticket, 'slaBreaches'>, now: number): boolean {
  return (ticket.slaBreaches?.length ?? 0) > 0 || slaOf(ticket, now).status === 'breached'
}

/** When the target turns "at risk"; never before it starts. */
function atRiskAt(target: RunningTarget): number {
  return target.dueAt - (target.dueAt - target.startAt) * AT_RISK_FRACTION
}

export function targetStatus(target: RunningTarget, now: number): SlaStatus {
  if (now >= target.dueAt) return 'breached'
  return now >= atRiskAt(target) ? 'at_risk' : 'ok'
}

const SEVERITY: Record<SlaStatus, number> = { ok: 0, at_risk: 1, breached: 2 }

export interface SlaReading {
  status: SlaStatus
  /** The target the status comes from: the worst one, the earlier due on a tie. */
  target: RunningTarget | null
  /** Time left on that target; negative once breached. */
  remainingMs: number
}

export function slaOf(ticket: SlaFields, now: number): SlaReading {
  let worst: SlaReading = { status: 'ok', target: null, remainingMs: Infinity }
  for (const target of runningTargets(ticket)) {
    const status = targetStatus(target, now)
    const worse =
      worst.target === null ||
      SEVERITY[status] > SEVERITY[worst.status] ||
      (status === worst.status && target.dueAt < worst.target.dueAt)
    if (worse) worst = { status, target, remainingMs: target.dueAt - now }
  }
  return worst
}

/** The earliest deadline still running: the queue's "most urgent first" order. */
export function nextDueAt(ticket: SlaFields): number {
  return Math.min(Infinity, ...runningTargets(ticket).map((t) => t.dueAt))
}

/** The first moment after `now` at which `slaOf(ticket)` can read differently. */
export function nextSlaChangeAt(ticket: SlaFields, now: number): number {
  let next = Infinity
  for (const target of runningTargets(ticket)) {
    for (const at of [atRiskAt(target), target.dueAt]) if (at > now && at < next) next = at
  }
  return next
}

// ---------------------------------------------------------------------------------------------
// Aging: how long since the call (rule 2, time of call)

const HOUR_MS = 60 * 60 * 1000

export const AGING_BUCKETS = [
  { id: 'under_1h', label: 'Under 1 h', fromMs: 0 },
  { id: '1h_4h', label: '1–4 h', fromMs: HOUR_MS },
  { id: '4h_24h', label: '4–24 h', fromMs: 4 * HOUR_MS },
  { id: '1d_3d', label: '1–3 days', fromMs: 24 * HOUR_MS },
  { id: 'over_3d', label: 'Over 3 days', fromMs: 72 * HOUR_MS },
] as const
export type AgingBucketId = (typeof AGING_BUCKETS)[number]['id']

export function agingBucketOf(receivedAt: number, now: number): AgingBucketId {
  const age = now - receivedAt
  let bucket: AgingBucketId = AGING_BUCKETS[0].id
  for (const b of AGING_BUCKETS) if (age >= b.fromMs) bucket = b.id
  return bucket
}

/** When the ticket moves into its next aging bucket (Infinity in the last one). */
export function nextAgingChangeAt(receivedAt: number, now: number): number {
  for (const b of AGING_BUCKETS) if (receivedAt + b.fromMs > now) return receivedAt + b.fromMs
  return Infinity
}

/**
 * A timer a supervisor reads at a glance: "12:07" (minutes and seconds) under an hour, so a
 * running-out target visibly ticks, or "12 min" where minutes are enough (an age); "1 h 05 min"
 * and "2 d 4 h" beyond; a minus sign when overdue.
 */
export function formatDuration(ms: number, finest: 'seconds' | 'minutes' = 'seconds'): string {
  const sign = ms < 0 ? '-' : ''
  const totalSeconds = Math.floor(Math.abs(ms) / 1000)
  const totalMinutes = Math.floor(totalSeconds / 60)
  const days = Math.floor(totalMinutes / (24 * 60))
  const hours = Math.floor((totalMinutes % (24 * 60)) / 60)
  const minutes = totalMinutes % 60
  if (days > 0) return `${sign}${days} d ${hours} h`
  if (hours > 0) return `${sign}${hours} h ${String(minutes).padStart(2, '0')} min`
  if (finest === 'minutes') return `${sign}${minutes} min`
  return `${sign}${minutes}:${String(totalSeconds % 60).padStart(2, '0')}`
}
