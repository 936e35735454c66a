/** Ticket and event facts in the words the ticket view, the lists and the side panel show. */
import type { WarmTransfer } from '../../../shared/incident/events'
import { heldBy } from '../../../shared/incident/holding'
import type { Ticket } from '../../../shared/incident/ticket'
import { STATE_LABELS } from '../ui/labels'
import { formatWhen } from '../ui/time'

export function describeTransfer(transfer: WarmTransfer): string {
  switch (transfer.status) {
    case 'completed':
      return `warm transfer to ${transfer.contactUsed}, accepted by ${transfer.acceptedBy}`
    case 'not_possible':
      return `no warm transfer${transfer.contactUsed ? ` (${transfer.contactUsed})` : ''}: ${transfer.reason}`
    case 'not_applicable':
      return 'no call to transfer'
  }
}

type StateFacts = Pick<Ticket, 'state' | 'teamId' | 'assignments' | 'receivedAt'>

/**
 * The state as it really is (rule 4): an escalated ticket is not plain "Open", it is with its
 * team, since it got there: "With Network Operations since 14:05".
 */
export function describeState(
  ticket: StateFacts,
  teamName: (id: string) => string,
  nowMs: number,
): string {
  const holder = heldBy(ticket)
  const working = ticket.state === 'open' || ticket.state === 'on_hold'
  if (!working || !holder.secondLevel) return STATE_LABELS[ticket.state]
  const withTeam = `with ${teamName(holder.teamId)} since ${formatWhen(holder.since, nowMs)}`
  return ticket.state === 'on_hold'
    ? `${STATE_LABELS.on_hold}, ${withTeam}`
    : withTeam.charAt(0).toUpperCase() + withTeam.slice(1)
}
