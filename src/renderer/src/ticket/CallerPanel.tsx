/**
 * Beside the ticket, whatever tab is open, while the agent is still on the call: the caller's other
 * open and recent tickets (the intake's lists, reused), and the routing guidance for the ticket's
 * service and category with its KB entry (rule 5), so the agent reads it before escalating.
 */
import { useMemo } from 'react'
import type { Ticket } from '../../../shared/incident/ticket'
import { useDirectory } from '../app/use-directory'
import { suggestionsFor } from '../escalation/escalation'
import { CallerTicketList, useCallerTickets } from '../intake/CallerContext'
import { fieldsOfTicketCaller } from '../intake/caller-lookup'
import { useNow } from '../ui/time'

const SHOWN = 5
const working = (t: Ticket) => t.state === 'open' || t.state === 'on_hold'

export function CallerPanel({ ticket }: { ticket: Ticket }) {
  const now = useNow(60_000)
  const caller = useMemo(() => fieldsOfTicketCaller(ticket.caller), [ticket.caller])
  const others = useCallerTickets(caller).filter((t) => t.id !== ticket.id)
  const open = others.filter(working).slice(0, SHOWN)
  const recent = others.filter((t) => !working(t)).slice(0, SHOWN)
  const name = ticket.caller.name
  return (
    <aside className="ticket__context" aria-label="Caller context">
      {open.length > 0 ? (
        <CallerTicketList
          label="Caller's open tickets"
          heading={`Other open tickets of ${name}`}
          tickets={open}
          nowMs={now}
        />
      ) : (
        <p className="muted">{name} has no other open ticket.</p>
      )}
      {recent.length > 0 && (
        <CallerTicketList
          label="Caller's recent tickets"
          heading={`Recent tickets of ${name}`}
          tickets={recent}
          nowMs={now}
        />
      )}
      <RoutingGuidancePanel ticket={ticket} />
    </aside>
  )
}

function RoutingGuidancePanel({ ticket }: { ticket: Ticket }) {
  const directory = useDirectory()
  const suggestions = suggestionsFor(ticket, directory.routingGuidance, directory.teams)
  const what = [ticket.service, ticket.category].filter(Boolean).join(' / ')
  return (
    <section aria-labelledby="guidance-heading" className="panel panel--inset">
      <h2 id="guidance-heading">Routing guidance{what ? ` for ${what}` : ''}</h2>
      {suggestions.length === 0 ? (
        <p className="muted">
          No routing guidance covers this service and category: an escalation says why its team is
          the right one (rule 5).
        </p>
      ) : (
        suggestions.map(({ guidance, team }) => (
          <dl key={guidance.id} className="facts">
            <dt>Team</dt>
            <dd>{team?.name ?? guidance.teamId}</dd>
            <dt>KB entry</dt>
            <dd>{guidance.kbReference || '—'}</dd>
            {guidance.notes && (
              <>
                <dt>Guidance</dt>
                <dd>{guidance.notes}</dd>
              </>
            )}
            {team?.warmTransferPhone && (
              <>
                <dt>Warm transfer</dt>
                <dd>{team.warmTransferPhone}</dd>
              </>
            )}
          </dl>
        ))
      )}
    </section>
  )
}
