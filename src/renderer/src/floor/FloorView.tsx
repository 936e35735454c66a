/**
 * The floor view: the agents (issue 12: who is where, what they hold, on a call or idle or
 * offline), then every enrolled station, online or offline as the central server sees its live
 * connection, the work it holds that the server has not got yet, when it last synced, and who is
 * signed in, live (`useFloorStations`).
 */
import { useMemo, useState } from 'react'
import type { Ticket } from '../../../shared/incident/ticket'
import type { StationApi } from '../../../shared/station-api'
import type { StationPresence } from '../../../shared/sync/wire'
import { createTicker, type Ticker } from '../queue/clock'
import { QueueEnvProvider, useTicking, type QueueDirectory } from '../queue/context'
import { isOpen } from '../queue/sla'
import type { SupervisorQueue } from '../queue/supervisor-queue'
import { useQueueDerived } from '../queue/use-derived'
import { csvFileName, downloadCsv, recordsToCsv, type CsvColumn } from '../queue/csv'
import { formatAgo } from '../ui/time'
import '../queue/queue.css'
import { agentsOnFloor } from './agents'
import { AgentTable } from './AgentTable'
import { useFloorStations } from './use-floor-stations'
import { floorOrder, floorSummary, stationStatus, type StationStatus } from './model'

const STATUS_LABELS: Record<StationStatus, string> = {
  online: 'Online',
  offline: 'Offline',
  never: 'Never connected',
}

function Ago({ at }: { at: number | null }) {
  // Minute by minute is what "4 min ago" needs.
  const text = useTicking((now) =>
    at === null ? 'never' : formatAgo(at, Math.floor(now / 60_000) * 60_000),
  )
  return <>{text}</>
}

function floorColumns(
  userName: (u: string | null) => string,
  now: number,
): CsvColumn<StationPresence>[] {
  const iso = (ms: number | null) => (ms ? new Date(ms).toISOString() : '')
  return [
    { header: 'Station', value: (s) => s.stationCode },
    { header: 'Status', value: (s) => STATUS_LABELS[stationStatus(s)] },
    { header: 'Signed in', value: (s) => (s.online && s.user ? userName(s.user) : '') },
    { header: 'Last user', value: (s) => (s.user ? userName(s.user) : '') },
    { header: 'Unsynced events', value: (s) => s.pending },
    { header: 'Set-aside events', value: (s) => s.setAside },
    { header: 'Last sync (UTC)', value: (s) => iso(s.lastSyncAt) },
    {
      header: 'Minutes since last sync',
      value: (s) => (s.lastSyncAt ? Math.floor((now - s.lastSyncAt) / 60_000) : null),
    },
    { header: 'Connected since (UTC)', value: (s) => (s.online ? iso(s.connectedAt) : '') },
  ]
}

export interface FloorViewProps {
  station: Pick<StationApi, 'floor' | 'on'>
  directory: QueueDirectory
  /** The desk's clock (the supervisor queue's `ticker`); one of its own otherwise. */
  ticker?: Ticker
  /** The tickets the agents hold come from here; without it, the floor shows stations only. */
  queue?: SupervisorQueue
  onOpenTicket?: (ticketId: string) => void
}

const openTickets = (queue: SupervisorQueue): Ticket[] => [...queue.model.tickets()].filter(isOpen)

/** The agents, with the tickets re-read at most once per tick while the floor changes. */
function Agents({
  queue,
  stations,
  directory,
  onOpenTicket,
}: {
  queue: SupervisorQueue
  stations: readonly StationPresence[]
  directory: QueueDirectory
  onOpenTicket: ((ticketId: string) => void) | undefined
}) {
  const tickets = useQueueDerived(queue, openTickets, 10_000)
  const agents = useMemo(
    () => agentsOnFloor(stations, tickets, directory.users),
    [stations, tickets, directory.users],
  )
  return (
    <>
      <h2>Agents</h2>
      <AgentTable
        agents={agents}
        userName={directory.userName}
        {...(onOpenTicket ? { onOpenTicket } : {})}
      />
    </>
  )
}

export function FloorView({ station, directory, ticker, queue, onOpenTicket }: FloorViewProps) {
  const [clock] = useState(() => ticker ?? createTicker())
  const { stations, problem } = useFloorStations(station)

  const ordered = floorOrder(stations ?? [])
  const summary = floorSummary(ordered)
  const exportFloor = () => {
    const now = clock.now()
    downloadCsv(
      csvFileName('floor', now),
      recordsToCsv(floorColumns(directory.userName, now), ordered),
    )
  }

  return (
    <QueueEnvProvider value={{ ticker: clock, directory }}>
      <section className="view floor" aria-labelledby="floor-title">
        <header className="live-queue__header">
          <h1 id="floor-title">Floor view</h1>
          <button type="button" onClick={exportFloor} disabled={stations === null}>
            Export CSV
          </button>
        </header>
        {problem && (
          <p className="panel panel--warn" role="alert">
            {problem}
          </p>
        )}
        {stations === null ? (
          <p className="muted">Asking the central server who is on the floor…</p>
        ) : (
          <>
            <div className="floor__summary" aria-label="Floor summary">
              <div className="tile">
                <div className="tile__value">{summary.online}</div>
                <div className="tile__label">Stations online</div>
              </div>
              <div className="tile">
                <div className="tile__value">{summary.offline}</div>
                <div className="tile__label">Offline</div>
              </div>
              <div className="tile">
                <div className="tile__value">{summary.unsynced}</div>
                <div className="tile__label">
                  Unsynced events on {summary.holdingWork} station
                  {summary.holdingWork === 1 ? '' : 's'}
                </div>
              </div>
              <div className="tile">
                <div className="tile__value">{summary.setAside}</div>
                <div className="tile__label">
                  Events set aside (the server kept failing on them)
                </div>
              </div>
              <div className="tile">
                <div className="tile__value">{summary.signedIn}</div>
                <div className="tile__label">Signed in</div>
              </div>
            </div>
            {queue && (
              <Agents
                queue={queue}
                stations={stations}
                directory={directory}
                onOpenTicket={onOpenTicket}
              />
            )}
            <h2>Stations</h2>
            <table className="table">
              <caption className="visually-hidden">Stations of the floor</caption>
              <thead>
                <tr>
                  <th scope="col">Station</th>
                  <th scope="col">Status</th>
                  <th scope="col">Signed in</th>
                  <th scope="col">Unsynced</th>
                  <th scope="col">Set aside</th>
                  <th scope="col">Last sync</th>
                </tr>
              </thead>
              <tbody>
                {ordered.map((s) => {
                  const status = stationStatus(s)
                  return (
                    <tr key={s.stationCode} className={`station--${status}`}>
                      <th scope="row">{s.stationCode}</th>
                      <td>{STATUS_LABELS[status]}</td>
                      <td>
                        {s.user ? directory.userName(s.user) : '—'}
                        {s.user && !s.online ? <span className="muted"> (last)</span> : null}
                      </td>
                      <td>{s.pending}</td>
                      <td>{s.setAside}</td>
                      <td>
                        <Ago at={s.lastSyncAt} />
                      </td>
                    </tr>
                  )
                })}
              </tbody>
            </table>
          </>
        )}
      </section>
    </QueueEnvProvider>
  )
}
