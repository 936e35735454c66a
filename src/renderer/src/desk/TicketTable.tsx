/** A plain list of tickets: the number opens the ticket (a button, so the keyboard reaches it). */
import type { Ticket } from '../../../shared/incident/ticket'
import { useDesk } from '../app/desk'
import { useDirectory } from '../app/use-directory'
import { SlaTimer } from '../sla/SlaTimer'
import { STATE_LABELS } from '../ui/labels'
import { formatAgo, useNow } from '../ui/time'

interface TicketTableProps {
  label: string
  tickets: readonly Ticket[]
  empty: string
}

export function TicketTable({ label, tickets, empty }: TicketTableProps) {
  const desk = useDesk()
  const directory = useDirectory()
  const now = useNow(30_000)
  if (tickets.length === 0) return <p className="muted">{empty}</p>
  return (
    <table className="table tickets" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">Number</th>
          <th scope="col">Priority</th>
          <th scope="col">SLA</th>
          <th scope="col">Title</th>
          <th scope="col">Caller</th>
          <th scope="col">Team</th>
          <th scope="col">State</th>
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {tickets.map((ticket) => (
          <tr key={ticket.id}>
            <td>
              <button
                type="button"
                className="link ticket-number"
                onClick={() => desk.nav.getState().openTicket(ticket.id)}
              >
                {ticket.number}
              </button>
              {ticket.previousNumbers?.length ? (
                // A caller quoting the number they were given finds the ticket under it.
                <span className="muted"> aka {ticket.previousNumbers.join(', ')}</span>
              ) : null}
            </td>
            <td>
              <span className={`pill pill--${ticket.priority}`}>{ticket.priority}</span>
            </td>
            <td>
              <SlaTimer ticket={ticket} />
            </td>
            <td>
              {ticket.title}
              {ticket.returnedToCsc && <span className="pill pill--warn">returned</span>}
              {ticket.reassignmentCount >= 2 && <span className="pill pill--warn">bounced</span>}
            </td>
            <td>{ticket.caller.name}</td>
            <td>{directory.teamName(ticket.teamId)}</td>
            <td>{STATE_LABELS[ticket.state]}</td>
            <td>{formatAgo(ticket.updatedAt, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
