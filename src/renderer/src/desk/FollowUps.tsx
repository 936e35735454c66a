/**
 * Rule 9 on the owner's desk: the call-backs owed to customers who wrote in by email, and the
 * tickets whose customer has not answered for a business day, with the "inactive ticket"
 * resolution offered in one keystroke. Where the administrator lets the server resolve inactive
 * tickets itself (`followUp.autoResolveInactive`), the second list empties on its own.
 */
import {
  inactiveResolution,
  inactiveResolutionAllowed,
  needsCallBack,
} from '../../../shared/incident/follow-up'
import { resolve } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { useState } from 'react'
import { useDesk, useRecord } from '../app/desk'
import { FormErrors } from '../ui/fields'
import { sortRefusals, type Refusal } from '../ui/rule-errors'
import { useDeskTicking } from '../sla/SlaTimer'

const MINUTE = 60_000

export function FollowUps({ tickets }: { tickets: readonly Ticket[] }) {
  const desk = useDesk()
  const record = useRecord()
  const [refusals, setRefusals] = useState<readonly Refusal[]>([])
  // Minutes are enough: a customer turns inactive at a business-day boundary, not a second.
  const now = useDeskTicking((at) => Math.floor(at / MINUTE)) * MINUTE
  const policy = desk.store.priorityPolicy()
  const callBacks = tickets.filter(needsCallBack)
  const inactive = tickets.filter((t) => inactiveResolutionAllowed(t, now, policy))
  if (callBacks.length === 0 && inactive.length === 0) return null
  const openTicket = (ticket: Ticket) => desk.nav.getState().openTicket(ticket.id)
  return (
    <>
      <h2 id="follow-up-title">Follow-up</h2>
      <ul className="follow-ups" aria-labelledby="follow-up-title">
        {callBacks.map((ticket) => (
          <li key={`call-${ticket.id}`}>
            <strong>Call back</strong> {ticket.caller.name}
            {ticket.caller.phone ? ` at ${ticket.caller.phone}` : ''}: {ticket.number} came in by
            email (rule 9).{' '}
            <button type="button" className="link" onClick={() => openTicket(ticket)}>
              Open {ticket.number}
            </button>
          </li>
        ))}
        {inactive.map((ticket) => (
          <li key={`inactive-${ticket.id}`}>
            <strong>No answer</strong> from {ticket.caller.name} on {ticket.number} for a business
            day after a contact attempt (rule 9).{' '}
            <button
              type="button"
              onClick={async () => {
                const result = await record((ctx) =>
                  resolve(ticket, inactiveResolution(ticket), ctx, policy),
                )
                setRefusals(result.ok ? [] : sortRefusals(result.errors, []).general)
              }}
            >
              Resolve {ticket.number} as inactive
            </button>
          </li>
        ))}
      </ul>
      <FormErrors messages={refusals} />
    </>
  )
}
