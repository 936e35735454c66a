/**
 * The supervisors' call log (today, from the phone system): who is waiting now, who was answered,
 * and who gave up — with the number, so the CSC calls them back — and the figures per hour.
 * Fetched from the central server every few seconds while open; offline it says so and keeps the
 * last list.
 */
import { useEffect, useState } from 'react'
import type { CallRecord } from '../../../shared/calls/cti'
import { callMetricsByHour, callbacksOwed } from '../../../shared/calls/metrics'
import type { StationApi } from '../../../shared/station-api'
import { formatWhen, useNow } from '../ui/time'

const REFRESH_MS = 5000

const seconds = (value: number | null) => (value === null ? '—' : `${Math.round(value)} s`)
const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`)
const localHour = (at: number) => {
  const d = new Date(at)
  d.setMinutes(0, 0, 0)
  return d.getTime()
}

function startOfToday(now: number): number {
  const d = new Date(now)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}

export function CallLogView({ station }: { station: StationApi }) {
  const [calls, setCalls] = useState<CallRecord[] | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    let current = true
    const load = () =>
      station.calls.log({ since: startOfToday(Date.now()) }).then(
        (reply) => {
          if (!current) return
          setCalls(reply.calls)
          setProblem(null)
        },
        (error: Error) => current && setProblem(error.message),
      )
    void load()
    const timer = setInterval(() => void load(), REFRESH_MS)
    return () => {
      current = false
      clearInterval(timer)
    }
  }, [station])

  const now = useNow(60_000)
  const list = calls ?? []
  const waiting = list.filter((c) => c.status === 'waiting')
  const callbacks = callbacksOwed(list)
  const hours = callMetricsByHour(list, localHour)
  return (
    <section className="view" aria-labelledby="calls-title">
      <h1 id="calls-title">Calls today</h1>
      {problem && (
        <p role="alert" className="field__error">
          The call log could not be loaded: {problem}
        </p>
      )}
      {calls === null && !problem && <p className="muted">Loading the call log…</p>}
      <section aria-labelledby="calls-waiting">
        <h2 id="calls-waiting">Waiting now ({waiting.length})</h2>
        <CallTable calls={waiting} label="Calls waiting" />
      </section>
      <section aria-labelledby="calls-callback">
        <h2 id="calls-callback">Abandoned — call back ({callbacks.length})</h2>
        <CallTable calls={callbacks} label="Abandoned calls to call back" />
      </section>
      <section aria-labelledby="calls-hours">
        <h2 id="calls-hours">Per hour</h2>
        <table aria-label="Call figures per hour">
          <thead>
            <tr>
              <th scope="col">Hour</th>
              <th scope="col">Offered</th>
              <th scope="col">Answered</th>
              <th scope="col">Abandoned</th>
              <th scope="col">Abandoned rate</th>
              <th scope="col">Average speed of answer</th>
              <th scope="col">Average handle time</th>
            </tr>
          </thead>
          <tbody>
            {hours.map((h) => (
              <tr key={h.hour}>
                <th scope="row">{formatWhen(h.hour, now)}</th>
                <td>{h.offered}</td>
                <td>{h.answered}</td>
                <td>{h.abandoned}</td>
                <td>{percent(h.abandonedRate)}</td>
                <td>{seconds(h.averageSpeedOfAnswerS)}</td>
                <td>{seconds(h.averageHandleTimeS)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="calls-all">
        <h2 id="calls-all">All calls ({list.length})</h2>
        <CallTable calls={list} label="All calls" />
      </section>
    </section>
  )
}

const STATUS_LABELS: Record<CallRecord['status'], string> = {
  waiting: 'Waiting',
  talking: 'Talking',
  answered: 'Answered',
  abandoned: 'Abandoned',
  not_reached: 'Not reached',
}

function CallTable({ calls, label }: { calls: readonly CallRecord[]; label: string }) {
  const now = useNow(60_000)
  if (!calls.length) return <p className="muted">None.</p>
  return (
    <table aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Caller</th>
          <th scope="col">Called</th>
          <th scope="col">Status</th>
          <th scope="col">Agent</th>
        </tr>
      </thead>
      <tbody>
        {calls.map((c) => (
          <tr key={c.callId}>
            <td>{formatWhen(c.startedAt, now)}</td>
            <td>
              {c.status === 'abandoned' ? (
                <a href={`tel:${c.from.replace(/[^\d+]/g, '')}`}>{c.from}</a>
              ) : (
                c.from
              )}
            </td>
            <td>{c.queue ?? c.to}</td>
            <td>{STATUS_LABELS[c.status]}</td>
            <td>{c.answeredBy?.username ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
