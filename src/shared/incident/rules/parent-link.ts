/** Commands for linking calls to a major incident (rule 10). */
import type { Ticket } from '../ticket'
import { refuse, single, type CommandContext, type CommandResult } from './command'

/** Rule 10: during a major outage each call keeps its own ticket, linked to one parent incident. */
export function linkToParent(
  ticket: Ticket,
  parent: Ticket | null,
  ctx: CommandContext,
  /** The outage radar's proposal this link accepts (major.ts). */
  proposalId?: string,
): CommandResult {
  if (ticket.state === 'closed')
    return refuse({ field: '', message: `Ticket ${ticket.number} is closed.` })
  if (parent) {
    if (parent.id === ticket.id)
      return refuse({
        field: 'parentTicketId',
        rule: 'rule 10',
        message: 'A ticket cannot be its own parent.',
      })
    if (parent.kind !== 'incident')
      return refuse({
        field: 'parentTicketId',
        rule: 'rule 10',
        message: 'The parent must be an incident.',
      })
    if (parent.parentTicketId) {
      return refuse({
        field: 'parentTicketId',
        rule: 'rule 10',
        message: `${parent.number} is itself linked to a parent; link to that major incident instead.`,
      })
    }
  }
  return single(ctx, ticket, 'parent_linked', {
    parentTicketId: parent?.id ?? null,
    ...(proposalId && parent ? { proposalId } : {}),
  })
}
