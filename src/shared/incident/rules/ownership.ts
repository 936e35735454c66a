/** Commands for taking over a ticket as its owner (rule 4; rule 9's call-back needs one). */
import type { Role } from '../../directory'
import { mayTakeOwnership } from '../ownership'
import type { Ticket } from '../ticket'
import { refuse, single, type CommandContext, type CommandResult } from './command'

/**
 * Rule 4: the acting agent becomes the ticket's owner — a ticket the server opened, or, for a
 * supervisor, a colleague's. The owner it replaces is named, so a take-over made at the same time
 * elsewhere is caught (fold-step.ts).
 */
export function takeOwnership(ticket: Ticket, role: Role, ctx: CommandContext): CommandResult {
  if (ticket.state === 'closed')
    return refuse({ field: '', message: `Ticket ${ticket.number} is closed.` })
  if (ticket.owner === ctx.actor)
    return refuse({ field: '', message: `You own ticket ${ticket.number} already.` })
  if (!mayTakeOwnership(role, ticket.owner))
    return refuse({
      field: '',
      rule: 'rule 4',
      message: `Ticket ${ticket.number} is owned by ${ticket.owner}: taking over a colleague's ticket is a supervisor's call.`,
    })
  return single(ctx, ticket, 'ownership_taken', { from: ticket.owner })
}
