/**
 * Rule 10, after logging: link a call to its parent (major) incident, change the link or undo it,
 * from the ticket view and from the supervisor's side panel. The picker searches the station's
 * tickets as the agent types (number, caller, words); with nothing typed it offers the open
 * incidents of the same service from the last hours, as the intake's duplicate check does.
 */
import { useEffect, useId, useState } from 'react'
import { linkToParent } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { useDesk, useRecord } from '../app/desk'
import { SAME_SERVICE_WINDOW_MS } from '../intake/CallerContext'
import { Dialog } from '../ui/Dialog'
import { FieldError, FormErrors, TextField } from '../ui/fields'
import { STATE_LABELS } from '../ui/labels'
import { NO_REFUSALS, sortRefusals } from '../ui/rule-errors'

const SHOWN = 8

/** Incidents a call may hang under: not itself, not a call already linked to another parent. */
function candidatesFor(ticket: Ticket, found: readonly Ticket[]): Ticket[] {
  return found
    .filter((t) => t.id !== ticket.id && t.kind === 'incident' && t.parentTicketId === null)
    .slice(0, SHOWN)
}

function useCandidates(ticket: Ticket, query: string): Ticket[] | null {
  const { store } = useDesk()
  const [found, setFound] = useState<{ query: string; tickets: Ticket[] } | null>(null)
  useEffect(() => {
    let current = true
    const q = query.trim()
    const search = q
      ? store.search(q, 40)
      : store.openTicketsForService(ticket.service, ticket.receivedAt - SAME_SERVICE_WINDOW_MS, 40)
    search.then(
      (tickets) => {
        if (current) setFound({ query, tickets: candidatesFor(ticket, tickets) })
      },
      () => {
        if (current) setFound({ query, tickets: [] })
      },
    )
    return () => {
      current = false
    }
  }, [store, ticket, query])
  return found?.query === query ? found.tickets : null
}

export function ParentLinkDialog({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const desk = useDesk()
  const record = useRecord()
  const radioName = useId()
  const [query, setQuery] = useState('')
  const [chosen, setChosen] = useState<Ticket | null>(null)
  const [refusals, setRefusals] = useState(NO_REFUSALS)
  const [current, setCurrent] = useState<Ticket | null>(null)
  const candidates = useCandidates(ticket, query)

  useEffect(() => {
    if (!ticket.parentTicketId) return
    desk.store.getTicket(ticket.parentTicketId).then(
      (t) => setCurrent(t ?? null),
      () => setCurrent(null),
    )
  }, [desk.store, ticket.parentTicketId])

  async function link(parent: Ticket | null) {
    const result = await record((ctx) => linkToParent(ticket, parent, ctx))
    if (result.ok) onClose()
    else setRefusals(sortRefusals(result.errors, ['parentTicketId']))
  }

  return (
    <Dialog title={`Link ${ticket.number} to a parent incident`} onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          if (chosen) void link(chosen)
          else
            setRefusals({
              byField: { parentTicketId: { text: 'Choose the parent incident from the list.' } },
              general: [],
            })
        }}
      >
        {ticket.parentTicketId && (
          <p>
            Linked now to{' '}
            <strong>
              {current ? `${current.number} ${current.title}` : 'its parent incident'}
            </strong>
            .{' '}
            <button type="button" onClick={() => void link(null)}>
              Unlink
            </button>
          </p>
        )}
        <TextField
          label="Find the parent incident"
          type="search"
          autoFocus
          value={query}
          hint="A number, the caller, or words of the title. Empty: open incidents of the same service."
          onChange={(value) => {
            setQuery(value)
            setRefusals(NO_REFUSALS)
          }}
        />
        <fieldset
          aria-describedby={refusals.byField.parentTicketId ? `${radioName}-error` : undefined}
        >
          <legend>Parent incident</legend>
          {candidates === null ? (
            <p className="muted">Looking…</p>
          ) : candidates.length === 0 ? (
            <p className="muted">
              No incident found{query.trim() ? ` for “${query.trim()}”` : ''}.
            </p>
          ) : (
            candidates.map((candidate) => (
              <div className="check" key={candidate.id}>
                <input
                  id={`${radioName}-${candidate.id}`}
                  type="radio"
                  name={radioName}
                  checked={chosen?.id === candidate.id}
                  onChange={() => {
                    setChosen(candidate)
                    setRefusals(NO_REFUSALS)
                  }}
                />
                <label htmlFor={`${radioName}-${candidate.id}`}>
                  {candidate.number} {candidate.title}{' '}
                  <span className="muted">
                    — {candidate.priority}, {STATE_LABELS[candidate.state].toLowerCase()}
                  </span>
                </label>
              </div>
            ))
          )}
          <FieldError id={`${radioName}-error`} error={refusals.byField.parentTicketId} />
        </fieldset>
        <FormErrors messages={refusals.general} />
        <div className="form-actions">
          <button type="submit" className="button--primary">
            {chosen ? `Link to ${chosen.number}` : 'Link to parent'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}
