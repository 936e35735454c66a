/**
 * The floor's big screen (issue 12, item 3): what the whole room needs at a glance, in type large
 * enough to read from 3 m on a 1920×1080 screen (wallboard.css), kept live from the supervisor
 * queue and the server's station presence — no reload, no controls beyond signing out.
 */
import type { StationApi } from '../../../shared/station-api'
import { offlineStations, ticketBoard, type TicketBoard } from './model'
import { useFloorStations } from '../floor/use-floor-stations'
import { QueueEnvProvider, useTicking, type QueueDirectory } from '../queue/context'
import { formatDuration, type SlaStatus } from '../queue/sla'
import type { SupervisorQueue } from '../queue/supervisor-queue'
import { useQueueDerived } from '../queue/use-derived'
import './wallboard.css'

/** How many P1s fit on the screen; the rest are counted. */
const P1_SHOWN = 6
const TEAMS_SHOWN = 8

const computeBoard = (queue: SupervisorQueue, now: number): TicketBoard =>
  ticketBoard(queue.model.tickets(), queue.model.retainedSince, now)

function Age({ since }: { since: number }) {
  const minutes = useTicking((now) => Math.floor((now - since) / 60_000))
  return <>{formatDuration(minutes * 60_000, 'minutes')}</>
}

const SLA_WORDS: Record<SlaStatus, string> = {
  ok: 'on track',
  at_risk: 'at risk',
  breached: 'breached',
}

export function Wallboard({
  queue,
  station,
  directory,
  onSignOut,
}: {
  queue: SupervisorQueue
  station: Pick<StationApi, 'floor' | 'on'>
  directory: QueueDirectory
  onSignOut: () => void
}) {
  const board = useQueueDerived(queue, computeBoard, 10_000)
  const { stations, problem } = useFloorStations(station)
  const offline = stations ? offlineStations(stations) : null
  const moreP1 = board.p1.length - P1_SHOWN
  return (
    <QueueEnvProvider value={{ ticker: queue.ticker, directory }}>
      <main className="wallboard" aria-labelledby="wallboard-title">
        <header className="wallboard__header">
          <h1 id="wallboard-title">Service desk now</h1>
          <button type="button" className="wallboard__signout" onClick={onSignOut}>
            Sign out
          </button>
        </header>
        <section className="wallboard__figures" aria-label="The floor in figures">
          <div className="wb-figure">
            <div className="wb-figure__value">{board.waiting}</div>
            <div className="wb-figure__label">Open tickets</div>
          </div>
          <div className="wb-figure">
            <div className="wb-figure__value">
              {board.oldest ? <Age since={board.oldest.receivedAt} /> : '—'}
            </div>
            <div className="wb-figure__label">
              Oldest waiting{board.oldest ? ` · ${board.oldest.number}` : ''}
            </div>
          </div>
          <div className={`wb-figure${board.breachesToday ? ' wb-figure--bad' : ''}`}>
            <div className="wb-figure__value">{board.breachesToday}</div>
            <div className="wb-figure__label">SLA breaches today</div>
          </div>
          <div className={`wb-figure${offline?.length ? ' wb-figure--bad' : ''}`}>
            <div className="wb-figure__value">{offline ? offline.length : '…'}</div>
            <div className="wb-figure__label">
              Stations offline{offline?.length ? `: ${offline.join(', ')}` : ''}
            </div>
          </div>
        </section>
        {problem && (
          <p className="wallboard__problem" role="alert">
            {problem}
          </p>
        )}
        <div className="wallboard__columns">
          <section aria-labelledby="wb-teams-title">
            <h2 id="wb-teams-title">Queue by team</h2>
            {board.teams.length === 0 ? (
              <p className="wallboard__empty">No open tickets.</p>
            ) : (
              <table className="wb-table">
                <thead>
                  <tr>
                    <th scope="col">Team</th>
                    <th scope="col">Open</th>
                    <th scope="col">Oldest</th>
                  </tr>
                </thead>
                <tbody>
                  {board.teams.slice(0, TEAMS_SHOWN).map((team) => (
                    <tr key={team.teamId}>
                      <th scope="row">{directory.teamName(team.teamId)}</th>
                      <td>{team.waiting}</td>
                      <td>
                        <Age since={team.oldestReceivedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section aria-labelledby="wb-p1-title">
            <h2 id="wb-p1-title">P1 tickets ({board.p1.length})</h2>
            {board.p1.length === 0 ? (
              <p className="wallboard__empty">No P1 open.</p>
            ) : (
              <ul className="wb-p1" aria-label="P1 tickets">
                {board.p1.slice(0, P1_SHOWN).map((p) => (
                  <li key={p.id} className={`wb-p1__item wb-p1__item--${p.sla}`}>
                    <span className="wb-p1__number">{p.number}</span>
                    <span className="wb-p1__title">{p.title}</span>
                    <span className="wb-p1__meta">
                      {directory.teamName(p.teamId)} · <Age since={p.receivedAt} /> ·{' '}
                      {SLA_WORDS[p.sla]}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {moreP1 > 0 && <p className="wb-p1__more">and {moreP1} more</p>}
          </section>
        </div>
      </main>
    </QueueEnvProvider>
  )
}
