/** The floor by agent: one row per agent, live from station presence and the supervisor queue. */
import type { AgentOnFloor, AgentState } from './agents'
import { useTicking } from '../queue/context'
import { formatDuration } from '../queue/sla'
import './floor.css'

export const AGENT_STATE_LABELS: Record<AgentState, string> = {
  on_call: 'On a call',
  idle: 'Idle',
  offline: 'Offline',
}

function HeldFor({ since }: { since: number }) {
  const minutes = useTicking((now) => Math.floor((now - since) / 60_000))
  return <>{formatDuration(minutes * 60_000, 'minutes')}</>
}

export function AgentTable({
  agents,
  userName,
  onOpenTicket,
}: {
  agents: readonly AgentOnFloor[]
  userName: (username: string) => string
  onOpenTicket?: (ticketId: string) => void
}) {
  if (agents.length === 0) return <p className="muted">No agent is known to the floor yet.</p>
  return (
    <table className="table floor__agents">
      <caption className="visually-hidden">Agents of the floor</caption>
      <thead>
        <tr>
          <th scope="col">Agent</th>
          <th scope="col">State</th>
          <th scope="col">Station</th>
          <th scope="col">Open tickets held</th>
          <th scope="col">Oldest held</th>
        </tr>
      </thead>
      <tbody>
        {agents.map((a) => (
          <tr key={a.username} className={`agent--${a.state}`}>
            <th scope="row">{userName(a.username)}</th>
            <td>
              <span className={`agent-state agent-state--${a.state}`}>
                {AGENT_STATE_LABELS[a.state]}
              </span>
            </td>
            <td>
              {a.stations.length
                ? a.stations.join(', ')
                : a.lastStation
                  ? `${a.lastStation} (last)`
                  : '—'}
            </td>
            <td>{a.held}</td>
            <td>
              {a.oldest ? (
                <>
                  {onOpenTicket ? (
                    <button
                      type="button"
                      className="link"
                      onClick={() => onOpenTicket(a.oldest!.id)}
                    >
                      {a.oldest.number}
                    </button>
                  ) : (
                    a.oldest.number
                  )}{' '}
                  <span className="muted">
                    <HeldFor since={a.oldest.receivedAt} /> old
                  </span>
                </>
              ) : (
                '—'
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
