/**
 * What the station knows around this call: the caller's recent tickets, and possible duplicates
 * (open tickets of the same caller, or of the same service in the last hours) that the call can
 * be linked to as its parent incident (rule 10).
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { useEffect, useId, useState } from 'react'
import type { Ticket } from '../../../shared/incident/ticket'
import { useDesk } from '../app/desk'
import { STATE_LABELS } from '../ui/labels'
import { formatAgo } from '../ui/time'
import { callerTicketQuery, isCallersTicket } from './caller-lookup'
import type { CallerFields, IntakeDraft } from './draft'

/** How far back "the same service in the last hours" looks. */
export const SAME_SERVICE_WINDOW_MS = 4 * 60 * 60 * 1000
const RECENT_SHOWN = 5

const WORKING = new Set(['open', 'on_hold'])

interface CallerContextProps {
  draft: IntakeDraft
  nowMs: number
  onLink: (parentTicketId: string | null) => void
}

/**
 * Read once per service the agent picks, not as a live query: that would re-run on every change
 * of any ticket, and every write of the station would queue behind it.
 */
function useSameService(service: string, startedAt: number): Ticket[] {
  const { store } = useDesk()
  const [found, setFound] = useState<{ service: string; tickets: Ticket[] }>({
    service: '',
    tickets: [],
  })
  useEffect(() => {
    if (!service.trim()) return
    let current = true
    void store
      .openTicketsForService(service, startedAt - SAME_SERVICE_WINDOW_MS, RECENT_SHOWN)
      .then(
        (tickets) => {
          if (current) setFound({ service, tickets })
        },
        // Nothing to show beside the call: the list stays as it was.
        () => undefined,
      )
    return () => {
      current = false
    }
  }, [store, service, startedAt])
  return found.service === service ? found.tickets : []
}

/** The caller's tickets this station holds, newest first (live: a save elsewhere shows). */
export function useCallerTickets(caller: CallerFields): Ticket[] {
  const { store } = useDesk()
  const query = callerTicketQuery(caller)
  return useLiveQuery(
    async () => {
      if (!query) return []
      const found = await store.search(query, 50)
      return found
        .filter((t) => isCallersTicket(t, caller))
        .sort((a, b) => b.receivedAt - a.receivedAt)
    },
    [store, query, caller.callerId, caller.username, caller.phone],
    [] as Ticket[],
  )
}

/** A short list of tickets, each number a button that opens it. */
export function CallerTicketList({
  label,
  heading,
  tickets,
  nowMs,
}: {
  label: string
  heading: string
  tickets: readonly Ticket[]
  nowMs: number
}) {
  const desk = useDesk()
  return (
    <section aria-label={label} className="panel panel--inset">
      <h2>{heading}</h2>
      <ul className="ticket-mini-list">
        {tickets.map((ticket) => (
          <li key={ticket.id}>
            <button
              type="button"
              className="link"
              onClick={() => desk.nav.getState().openTicket(ticket.id)}
            >
              {ticket.number}
            </button>{' '}
            {ticket.title}{' '}
            <span className="muted">
              · {STATE_LABELS[ticket.state]} · {formatAgo(ticket.receivedAt, nowMs)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}

export function CallerContext({ draft, nowMs, onLink }: CallerContextProps) {
  const linkName = useId()
  const { caller, service, startedAt } = draft

  const callerTickets = useCallerTickets(caller)

  const sameService = useSameService(service, startedAt)

  const candidates = new Map<string, { ticket: Ticket; why: string }>()
  for (const ticket of callerTickets) {
    if (WORKING.has(ticket.state))
      candidates.set(ticket.id, { ticket, why: 'same caller, still open' })
  }
  for (const ticket of sameService) {
    if (!candidates.has(ticket.id))
      candidates.set(ticket.id, {
        ticket,
        why: `same service, ${formatAgo(ticket.receivedAt, nowMs)}`,
      })
  }
  const duplicates = [...candidates.values()].slice(0, RECENT_SHOWN)
  const recent = callerTickets.slice(0, RECENT_SHOWN)

  return (
    <>
      {recent.length > 0 && (
        <CallerTicketList
          label="Caller's recent tickets"
          heading={`Recent tickets of ${caller.name || 'this caller'}`}
          tickets={recent}
          nowMs={nowMs}
        />
      )}
      {duplicates.length > 0 && (
        <fieldset className="panel panel--warn duplicates">
          <legend>Possible duplicates — link this call to a parent incident?</legend>
          <div className="check">
            <input
              id={`${linkName}-none`}
              type="radio"
              name={linkName}
              checked={draft.parentTicketId === null}
              onChange={() => onLink(null)}
            />
            <label htmlFor={`${linkName}-none`}>Not linked</label>
          </div>
          {duplicates.map(({ ticket, why }) => {
            // Rule 10: calls link to the major incident itself, never to another linked call.
            const parentId = ticket.parentTicketId ?? ticket.id
            return (
              <div className="check" key={ticket.id}>
                <input
                  id={`${linkName}-${ticket.id}`}
                  type="radio"
                  name={linkName}
                  checked={draft.parentTicketId === parentId}
                  onChange={() => onLink(parentId)}
                />
                <label htmlFor={`${linkName}-${ticket.id}`}>
                  {ticket.number} {ticket.title}
                  {ticket.parentTicketId ? ' (its parent incident)' : ''}{' '}
                  <span className="muted">— {why}</span>
                </label>
              </div>
            )
          })}
        </fieldset>
      )}
    </>
  )
}
