/**
 * Today's figures for the supervisor, from the same in-memory queue as the Live Queue: no query
 * of its own, recomputed at most once a second while the floor changes. Every bar opens the queue
 * filtered to the tickets behind it (`onShowTickets`).
 */
import { useMemo, type ReactNode } from 'react'
import type { Ticket } from '../../../shared/incident/ticket'
import type { QueueDirectory } from '../queue/context'
import { csvFileName, downloadCsv, recordsToCsv, type CsvColumn } from '../queue/csv'
import type { SupervisorQueue } from '../queue/supervisor-queue'
import { useQueueDerived } from '../queue/use-derived'
import '../queue/queue.css'
import { hourSeries, teamSeries, type HourMeasure } from './chart-data'
import { BarChart, ShareBar, type ShowTickets } from './charts'
import { floorMetrics, HOURS, type FloorMetrics, type HourRow } from './model'

interface Snapshot {
  tickets: Ticket[]
  dayStart: number
  now: number
  metrics: FloorMetrics
}

const snapshot = (queue: SupervisorQueue, now: number): Snapshot => {
  const tickets = [...queue.model.tickets()]
  const dayStart = queue.model.retainedSince
  return { tickets, dayStart, now, metrics: floorMetrics(tickets, dayStart, now) }
}

const HOUR_CHARTS: { measure: HourMeasure; tone?: 'bad' }[] = [
  { measure: 'calls' },
  { measure: 'resolved' },
  { measure: 'escalated' },
  { measure: 'breaches', tone: 'bad' },
]

/** Hours of the desk's day, counted from its midnight. */
const HOUR_LABELS = Array.from({ length: HOURS }, (_, h) => `${String(h).padStart(2, '0')}:00`)
const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`)
const minutes = (value: number | null) => (value === null ? '—' : `${Math.round(value)} min`)
const perHourAverage = (h: HourRow) => (h.escalated ? h.minutesToEscalate / h.escalated : 0)

const HOUR_CSV: CsvColumn<HourRow & { label: string }>[] = [
  { header: 'Hour', value: (h) => h.label },
  { header: 'Calls', value: (h) => h.calls },
  { header: 'Resolved', value: (h) => h.resolved },
  { header: 'First-contact resolved', value: (h) => h.firstContact },
  { header: 'Escalated', value: (h) => h.escalated },
  {
    header: 'Average minutes to escalate',
    value: (h) => (h.escalated ? Math.round(perHourAverage(h)) : null),
  },
  { header: 'SLA breaches', value: (h) => h.breaches },
]

export function metricsCsv(metrics: FloorMetrics): string {
  const total: HourRow & { label: string } = {
    label: 'Today',
    at: metrics.hours[0]?.at ?? 0,
    calls: metrics.calls,
    resolved: metrics.resolved,
    firstContact: metrics.firstContact,
    escalated: metrics.escalated,
    minutesToEscalate: (metrics.averageMinutesToEscalate ?? 0) * metrics.escalated,
    breaches: metrics.breaches,
  }
  return recordsToCsv(HOUR_CSV, [
    ...metrics.hours.map((h, i) => ({ ...h, label: HOUR_LABELS[i]! })),
    total,
  ])
}

function Tile({ value, label, children }: { value: string; label: string; children?: ReactNode }) {
  return (
    <div className="tile">
      <div className="tile__value">{value}</div>
      <div className="tile__label">{label}</div>
      {children}
    </div>
  )
}

export function MetricsView({
  queue,
  directory,
  onShowTickets,
}: {
  queue: SupervisorQueue
  directory: Pick<QueueDirectory, 'teamName'>
  onShowTickets?: ShowTickets
}) {
  const { tickets, dayStart, now, metrics: m } = useQueueDerived(queue, snapshot)
  const { teamName } = directory
  const charts = useMemo(
    () => ({
      hours: HOUR_CHARTS.map(({ measure, tone }) => ({
        series: hourSeries(tickets, measure, dayStart, now),
        tone,
      })),
      open: teamSeries(tickets, 'open', teamName, dayStart, now),
      breaches: teamSeries(tickets, 'breaches', teamName, dayStart, now),
    }),
    [tickets, dayStart, now, teamName],
  )
  const linked = onShowTickets ? { onShowTickets } : {}
  return (
    <section className="view metrics" aria-labelledby="metrics-title">
      <header className="live-queue__header">
        <h1 id="metrics-title">Today on the floor</h1>
        <button
          type="button"
          onClick={() => downloadCsv(csvFileName('metrics', queue.ticker.now()), metricsCsv(m))}
        >
          Export CSV
        </button>
      </header>
      <div className="metrics__tiles">
        <Tile value={String(m.calls)} label="Calls today" />
        <Tile
          value={percent(m.firstContactRate)}
          label={`First-contact resolution (${m.firstContact} of ${m.resolved} resolved)`}
        >
          <ShareBar
            share={m.firstContactRate}
            label={`First-contact resolution ${percent(m.firstContactRate)}`}
          />
        </Tile>
        <Tile
          value={percent(m.reassignmentRate)}
          label={`Reassigned (${m.reassigned} of ${m.atSecondLevel} at second level)`}
        >
          <ShareBar
            share={m.reassignmentRate}
            label={`Reassignment rate ${percent(m.reassignmentRate)}`}
          />
        </Tile>
        <Tile
          value={minutes(m.averageMinutesToEscalate)}
          label={`Average time to escalate (${m.escalated} escalations)`}
        />
        <Tile value={String(m.breaches)} label="SLA breaches today" />
      </div>
      <h2>Per hour</h2>
      <div className="metrics__charts">
        {charts.hours.map(({ series, tone }) => (
          <BarChart key={series.title} series={series} tone={tone ?? 'normal'} {...linked} />
        ))}
      </div>
      <h2>By team</h2>
      <div className="metrics__charts">
        <BarChart series={charts.open} layout="rows" {...linked} />
        <BarChart series={charts.breaches} layout="rows" tone="bad" {...linked} />
      </div>
    </section>
  )
}
