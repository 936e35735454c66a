/**
 * Today's figures for the supervisor, from the same in-memory queue as the Live Queue: no query
 * of its own, recomputed at most once a second while the floor changes.
 */
import type { ReactNode } from 'react'
import { csvFileName, downloadCsv, recordsToCsv, type CsvColumn } from '../queue/csv'
import type { SupervisorQueue } from '../queue/supervisor-queue'
import { useQueueDerived } from '../queue/use-derived'
import '../queue/queue.css'
import { HourBars, ShareBar } from './charts'
import { floorMetrics, HOURS, type FloorMetrics, type HourRow } from './model'

const computeMetrics = (queue: SupervisorQueue, now: number) =>
  floorMetrics(queue.model.tickets(), queue.model.retainedSince, now)

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

export function MetricsView({ queue }: { queue: SupervisorQueue }) {
  const m = useQueueDerived(queue, computeMetrics)
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
      <div className="metrics__tiles">
        <HourBars
          title="Calls per hour"
          values={m.hours.map((h) => h.calls)}
          hourLabels={HOUR_LABELS}
        />
        <HourBars
          title="First-contact resolution per hour"
          values={m.hours.map((h) => (h.resolved ? h.firstContact / h.resolved : 0))}
          hourLabels={HOUR_LABELS}
          format={(share) => percent(share)}
        />
        <HourBars
          title="Average minutes to escalate"
          values={m.hours.map(perHourAverage)}
          hourLabels={HOUR_LABELS}
          format={(value) => minutes(value)}
        />
        <HourBars
          title="SLA breaches per hour"
          values={m.hours.map((h) => h.breaches)}
          hourLabels={HOUR_LABELS}
          tone="bad"
        />
      </div>
    </section>
  )
}
