/**
 * The supervisor's charts as data (issue 12, item 2): each bar carries its value, the words a
 * tooltip and a screen reader say, and the ids of the tickets behind it, so a click on the bar
 * opens the queue filtered to exactly those. Pure: tickets, the desk's day and now go in.
 */
import type { Ticket } from '../../../shared/incident/ticket'
import { isOpen } from '../queue/sla'
import { breachesBetween } from './model'

const HOUR_MS = 60 * 60 * 1000
/** A day's chart shows at least this many hours, ending with the current one. */
export const MIN_HOURS_SHOWN = 8

export interface ChartBar {
  key: string
  /** On the axis: "13", a team's name. */
  label: string
  value: number
  /** The tooltip and the bar's accessible name: "13:00–14:00: 4 calls". */
  description: string
  ticketIds: readonly string[]
}

export interface ChartSeries {
  title: string
  bars: ChartBar[]
  /** What the chart says when there is nothing to draw. */
  emptyText: string
  empty: boolean
}

export type HourMeasure = 'calls' | 'resolved' | 'escalated' | 'breaches'

const MEASURES: Record<
  HourMeasure,
  {
    title: string
    unit: [string, string]
    emptyText: string
    /** When in the day this ticket counts for the measure (at most once per ticket). */
    at(ticket: Ticket, dayStart: number, now: number): number | null
  }
> = {
  calls: {
    title: 'Calls per hour',
    unit: ['call', 'calls'],
    emptyText: 'No calls logged today yet.',
    at: (t) => (t.source === 'phone' ? t.receivedAt : null),
  },
  resolved: {
    title: 'Resolved per hour',
    unit: ['ticket resolved', 'tickets resolved'],
    emptyText: 'Nothing resolved today yet.',
    at: (t) => t.resolution?.at ?? null,
  },
  escalated: {
    title: 'Escalations per hour',
    unit: ['escalation', 'escalations'],
    emptyText: 'No escalations today yet.',
    at: (t) => t.assignments.find((a) => a.via === 'escalation')?.at ?? null,
  },
  breaches: {
    title: 'SLA breaches per hour',
    unit: ['ticket breached', 'tickets breached'],
    emptyText: 'No SLA breaches today.',
    // A ticket that missed both targets counts once, at the first miss.
    at: (t, dayStart, now) => breachesBetween(t, dayStart, now)[0]?.dueAt ?? null,
  },
}

const counted = (n: number, [one, many]: [string, string]) => `${n} ${n === 1 ? one : many}`
const hh = (hour: number) => String(hour).padStart(2, '0')

/** One bar per hour of the desk's day, from the first busy hour (or 8 hours back) to now's. */
export function hourSeries(
  tickets: Iterable<Ticket>,
  measure: HourMeasure,
  dayStart: number,
  now: number,
): ChartSeries {
  const spec = MEASURES[measure]
  const current = Math.max(0, Math.min(23, Math.floor((now - dayStart) / HOUR_MS)))
  const ids: string[][] = Array.from({ length: current + 1 }, () => [])
  for (const ticket of tickets) {
    const at = spec.at(ticket, dayStart, now)
    if (at === null || at < dayStart || at > now) continue
    const hour = Math.floor((at - dayStart) / HOUR_MS)
    if (hour <= current) ids[hour]!.push(ticket.id)
  }
  const firstBusy = ids.findIndex((list) => list.length > 0)
  const from = Math.max(
    0,
    Math.min(firstBusy < 0 ? current : firstBusy, current - MIN_HOURS_SHOWN + 1),
  )
  const bars = ids.slice(from).map((list, i) => {
    const hour = from + i
    return {
      key: `h${hour}`,
      label: hh(hour),
      value: list.length,
      description: `${hh(hour)}:00–${hh(hour + 1)}:00: ${counted(list.length, spec.unit)}`,
      ticketIds: list,
    }
  })
  return {
    title: spec.title,
    bars,
    emptyText: spec.emptyText,
    empty: bars.every((b) => b.value === 0),
  }
}

export type TeamMeasure = 'open' | 'breaches'

/** One bar per team that has any, the largest first. */
export function teamSeries(
  tickets: Iterable<Ticket>,
  measure: TeamMeasure,
  teamName: (teamId: string) => string,
  dayStart: number,
  now: number,
): ChartSeries {
  const byTeam = new Map<string, string[]>()
  for (const ticket of tickets) {
    const counts =
      measure === 'open' ? isOpen(ticket) : breachesBetween(ticket, dayStart, now).length > 0
    if (!counts) continue
    byTeam.set(ticket.teamId, [...(byTeam.get(ticket.teamId) ?? []), ticket.id])
  }
  const unit: [string, string] =
    measure === 'open' ? ['open ticket', 'open tickets'] : ['ticket breached', 'tickets breached']
  const bars = [...byTeam.entries()]
    .map(([teamId, list]) => ({
      key: teamId,
      label: teamName(teamId),
      value: list.length,
      description: `${teamName(teamId)}: ${counted(list.length, unit)}`,
      ticketIds: list,
    }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label))
  return {
    title: measure === 'open' ? 'Open tickets by team' : 'SLA breaches today by team',
    bars,
    emptyText: measure === 'open' ? 'No open tickets.' : 'No SLA breaches today.',
    empty: bars.length === 0,
  }
}
