/**
 * The fold's part for rule 10: major incidents, the outage radar's proposals and hierarchical
 * escalation. Kept beside fold.ts so the core fold stays readable; the same determinism holds:
 * the result depends only on the ticket so far and the event.
 */
import type { EventOf } from './events'
import type { Ticket } from './ticket'

type Step = Ticket | { conflict: string }
type MajorEvent = EventOf<
  'major_declared' | 'outage_suspected' | 'outage_dismissed' | 'management_escalated'
>

const working = (ticket: Ticket) => ticket.state === 'open' || ticket.state === 'on_hold'
const notWorking = (ticket: Ticket, action: string) => ({
  conflict: `Cannot ${action}: the ticket is ${ticket.state.replace('_', ' ')} at this point in its history.`,
})

export function stepMajor(ticket: Ticket, event: MajorEvent, at: number): Step {
  switch (event.type) {
    case 'major_declared':
      if (!working(ticket)) return notWorking(ticket, 'promote to a major incident')
      if (ticket.major) return { conflict: 'The ticket is a major incident already.' }
      if (ticket.parentTicketId)
        return { conflict: 'A call linked to a major incident cannot be a major incident itself.' }
      return { ...ticket, major: { reason: event.payload.reason, by: event.actor, at } }
    case 'outage_suspected': {
      if (!working(ticket)) return notWorking(ticket, 'propose a major incident')
      const { proposalId, service, candidateTicketIds, calls, minutes } = event.payload
      if (ticket.outage && ticket.outage.proposalId !== proposalId)
        return { conflict: 'The call is a candidate of another outage proposal already.' }
      // A repeat for the same proposal (more calls joined it) updates the candidate list only.
      return {
        ...ticket,
        outage: {
          ...(ticket.outage ?? { at, status: 'proposed' as const }),
          proposalId,
          service,
          candidateTicketIds,
          calls,
          minutes,
        },
      }
    }
    case 'outage_dismissed':
      if (ticket.outage?.proposalId !== event.payload.proposalId)
        return { conflict: 'The call is not a candidate of this outage proposal.' }
      if (ticket.outage.status !== 'proposed')
        return { conflict: `The outage proposal was ${ticket.outage.status} already.` }
      return {
        ...ticket,
        outage: { ...ticket.outage, status: 'dismissed', decidedBy: event.actor, decidedAt: at },
      }
    case 'management_escalated': {
      if (!working(ticket)) return notWorking(ticket, 'escalate to management')
      const earlier = ticket.managementEscalations ?? []
      if (
        event.payload.level === 'director_itsm' &&
        !earlier.some((e) => e.level === 'service_desk_manager')
      ) {
        return {
          conflict:
            'Escalation goes to the service desk manager before the director of IT service management.',
        }
      }
      return {
        ...ticket,
        managementEscalations: [...earlier, { ...event.payload, by: event.actor, at }],
      }
    }
  }
}

/** A link that accepts the radar's proposal marks the call's proposal accepted. */
export function acceptedProposal(
  ticket: Ticket,
  event: EventOf<'parent_linked'>,
  at: number,
): Ticket {
  const { proposalId, parentTicketId } = event.payload
  if (!proposalId || !parentTicketId || ticket.outage?.proposalId !== proposalId) return ticket
  if (ticket.outage.status !== 'proposed') return ticket
  return {
    ...ticket,
    outage: { ...ticket.outage, status: 'accepted', decidedBy: event.actor, decidedAt: at },
  }
}
