/** Commands for escalation and assignment (rules 4, 5, 7), and holds. */
import type { WarmTransfer } from '../events'
import { RETURN_TO_OWNER_NOTE } from '../standard-notes'
import type { Ticket } from '../ticket'
import { CSC_TEAM_ID } from '../vocabulary'
import {
  refuse,
  requireWorking,
  single,
  type CommandContext,
  type CommandResult,
  type RuleError,
} from './command'

export interface EscalationInput {
  teamId: string
  tier: 2 | 3
  /** The routing guidance entries that suggest teams for this ticket's service / category. */
  suggestedTeamIds: readonly string[]
  routingGuidanceId: string | null
  offGuidanceReason?: string
  warmTransfer: WarmTransfer
}

/**
 * Rule 4: escalate to a team (never a person) and, for a phone incident, record the warm transfer
 * or why it could not happen. Rule 5: follow the routing guidance, or say why not.
 */
export function escalate(
  ticket: Ticket,
  input: EscalationInput,
  ctx: CommandContext,
): CommandResult {
  const blocked = requireWorking(ticket, 'escalate')
  if (blocked) return refuse(blocked)
  const errors: RuleError[] = []
  if (!input.teamId)
    errors.push({ field: 'teamId', rule: 'rule 4', message: 'Choose the team to escalate to.' })
  if (input.teamId === CSC_TEAM_ID)
    errors.push({
      field: 'teamId',
      rule: 'rule 4',
      message: 'Escalation goes to a second-level team, not the CSC.',
    })
  if (input.teamId && input.teamId === ticket.teamId) {
    errors.push({ field: 'teamId', message: 'The ticket is already assigned to this team.' })
  }
  const offGuidance = input.teamId !== '' && !input.suggestedTeamIds.includes(input.teamId)
  if (offGuidance && !input.offGuidanceReason?.trim()) {
    errors.push({
      field: 'offGuidanceReason',
      rule: 'rule 5',
      message:
        input.suggestedTeamIds.length === 0
          ? 'No routing guidance covers this service and category: say why this team is the right one.'
          : 'This team is not the one the routing guidance suggests: say why it is the right one.',
    })
  }
  if (ticket.source === 'phone' && input.warmTransfer.status === 'not_applicable') {
    errors.push({
      field: 'warmTransfer',
      rule: 'rule 4',
      message:
        'A phone incident is warm-transferred: record who accepted the call, or why the transfer could not happen.',
    })
  }
  errors.push(...transferRecordGaps(input.warmTransfer, ctx.now()))
  if (errors.length) return refuse(...errors)
  return single(ctx, ticket, 'escalated', {
    teamId: input.teamId,
    tier: input.tier,
    routingGuidanceId: offGuidance ? null : input.routingGuidanceId,
    ...(offGuidance ? { offGuidanceReason: input.offGuidanceReason!.trim() } : {}),
    warmTransfer: input.warmTransfer,
  })
}

/** How far a transfer's time may lie ahead of this station's clock (the phone system's clock). */
const TRANSFER_CLOCK_SLACK_MS = 5 * 60_000

/**
 * Rule 4: a transfer is claimed only with its record — the number dialled, who accepted, when —
 * and never for a time still to come.
 */
function transferRecordGaps(transfer: WarmTransfer, nowMs: number): RuleError[] {
  if (transfer.status !== 'completed') return []
  const gaps: RuleError[] = []
  if (!transfer.contactUsed.trim())
    gaps.push({
      field: 'warmTransfer.contactUsed',
      rule: 'rule 4',
      message: 'Write the number you dialled to transfer the call.',
    })
  if (!transfer.acceptedBy.trim())
    gaps.push({
      field: 'warmTransfer.acceptedBy',
      rule: 'rule 4',
      message: 'Write who at the team accepted the call.',
    })
  const acceptedAt = Date.parse(transfer.acceptedAt)
  if (Number.isFinite(acceptedAt) && acceptedAt > nowMs + TRANSFER_CLOCK_SLACK_MS)
    gaps.push({
      field: 'warmTransfer.acceptedAt',
      rule: 'rule 4',
      message: 'A transfer is recorded once it has happened, not ahead of time.',
    })
  return gaps
}

/** Rule 4: tickets go to teams; a person within the team is optional. */
export function assign(
  ticket: Ticket,
  input: { teamId: string; assignee?: string | null; reason?: string },
  ctx: CommandContext,
): CommandResult {
  const blocked = requireWorking(ticket, 'assign')
  if (blocked) return refuse(blocked)
  if (!input.teamId)
    return refuse({
      field: 'teamId',
      rule: 'rule 4',
      message: 'Tickets are assigned to a team: choose one.',
    })
  const assignee = input.assignee ?? null
  if (input.teamId === ticket.teamId && assignee === ticket.assignee) {
    return refuse({ field: 'teamId', message: 'The ticket is already assigned there.' })
  }
  return single(ctx, ticket, 'assigned', {
    teamId: input.teamId,
    assignee,
    ...(input.reason?.trim() ? { reason: input.reason.trim() } : {}),
  })
}

/**
 * Rule 7: a ticket a second-level team sends back merely for resolution goes back to its owner,
 * with the Director's Tech Note word for word.
 */
export function returnToOwner(ticket: Ticket, ctx: CommandContext): CommandResult {
  const blocked = requireWorking(ticket, 'return to owner')
  if (blocked) return refuse(blocked)
  if (ticket.teamId === CSC_TEAM_ID) {
    return refuse({
      field: '',
      rule: 'rule 7',
      message:
        'The ticket is with the CSC already; only a ticket held by a second-level team is returned to its owner.',
    })
  }
  return single(ctx, ticket, 'returned_to_owner', {
    noteId: ctx.newId(),
    note: RETURN_TO_OWNER_NOTE,
    fromTeamId: ticket.teamId,
  })
}

/**
 * Rule 8's clocks stand still while the ticket waits for the customer (`pausesSla`), and run on
 * through any other hold: a supervisor should see a P1 held for a vendor run out.
 */
export function hold(
  ticket: Ticket,
  reason: string,
  ctx: CommandContext,
  pausesSla = false,
): CommandResult {
  if (ticket.state !== 'open')
    return refuse({
      field: '',
      message: `Only an open ticket can go on hold; this one is ${ticket.state.replace('_', ' ')}.`,
    })
  return single(ctx, ticket, 'held', { reason, ...(pausesSla ? { pausesSla: true } : {}) })
}

export function resume(ticket: Ticket, ctx: CommandContext): CommandResult {
  if (ticket.state !== 'on_hold')
    return refuse({ field: '', message: 'The ticket is not on hold.' })
  return single(ctx, ticket, 'resumed', {})
}
