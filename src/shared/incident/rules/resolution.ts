/** Commands for resolution and closure (rules 8, 9). */
import type { PayloadOf } from '../events'
import { inactiveResolutionAllowed } from '../follow-up'
import { takenFromTeamRefusal } from '../holding'
import { DEFAULT_PRIORITY_POLICY, type PriorityPolicy } from '../priority'
import type { Ticket } from '../ticket'
import {
  refuse,
  requireWorking,
  single,
  type CommandContext,
  type CommandResult,
  type RuleError,
} from './command'

export const REOPEN_WINDOW_DAYS = 7
const DAY_MS = 24 * 60 * 60 * 1000

export type ResolveInput = PayloadOf<'resolved'>

/**
 * Rule 8: the actions are written down, the classification is complete according to root cause,
 * and the resolution is agreed with the customer. Rule 9: a customer who does not answer within a
 * business day gets an "inactive ticket" resolution instead.
 */
export function resolve(
  ticket: Ticket,
  input: ResolveInput,
  ctx: CommandContext,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): CommandResult {
  const blocked = requireWorking(ticket, 'resolve')
  if (blocked) return refuse(blocked)
  const errors: RuleError[] = []
  const required: [string, string, string][] = [
    [
      'resolutionNotes',
      input.resolutionNotes,
      'Write down the actions taken, concisely and readably.',
    ],
    [
      'classification.service',
      input.classification.service,
      'Classify the service according to root cause.',
    ],
    [
      'classification.category',
      input.classification.category,
      'Classify the category according to root cause.',
    ],
    [
      'classification.subcategory',
      input.classification.subcategory,
      'Classify the subcategory according to root cause.',
    ],
    ['classification.rootCause', input.classification.rootCause, 'State the root cause.'],
  ]
  for (const [field, value, message] of required) {
    if (!value?.trim()) errors.push({ field, rule: 'rule 8', message })
  }
  if (input.customerAgreement.method === 'no_response') {
    if (input.resolutionCode !== 'inactive_ticket') {
      errors.push({
        field: 'customerAgreement.method',
        rule: 'rule 8',
        message:
          'The resolution must be agreed with the customer (verbally, or better in writing).',
      })
    } else if (!inactiveResolutionAllowed(ticket, ctx.now(), policy)) {
      errors.push({
        field: 'resolutionCode',
        rule: 'rule 9',
        message:
          'An inactive-ticket resolution needs a contact attempt the customer has not answered for one business day.',
      })
    }
  } else if (input.resolutionCode === 'inactive_ticket') {
    errors.push({
      field: 'resolutionCode',
      rule: 'rule 9',
      message: 'The customer agreed: choose the resolution code that describes the fix.',
    })
  }
  if (
    input.firstContactResolution &&
    ticket.assignments.some((a) => a.via === 'escalation' && a.warmTransfer?.status !== 'completed')
  ) {
    errors.push({
      field: 'firstContactResolution',
      rule: 'rule 8',
      message:
        'First-contact resolution means resolved on the call; this ticket was escalated without a warm transfer.',
    })
  }
  const taken = takenFromTeamRefusal(ticket, input.takenFromTeam)
  if (taken) errors.push(taken)
  if (errors.length) return refuse(...errors)
  return single(ctx, ticket, 'resolved', input)
}

/** Rule 9: a resolved ticket can be reopened by the customer for 7 days. */
export function reopen(ticket: Ticket, reason: string, ctx: CommandContext): CommandResult {
  if (ticket.state !== 'resolved' || !ticket.resolution)
    return refuse({ field: '', message: 'Only a resolved ticket can be reopened.' })
  if (ctx.now() - ticket.resolution.at > REOPEN_WINDOW_DAYS * DAY_MS) {
    return refuse({
      field: '',
      rule: 'rule 9',
      message: `The ${REOPEN_WINDOW_DAYS}-day reopen window has passed; open a new incident and link it.`,
    })
  }
  return single(ctx, ticket, 'reopened', { reason })
}

export function reopenWindowElapsed(ticket: Ticket, nowMs: number): boolean {
  return (
    ticket.state === 'resolved' &&
    !!ticket.resolution &&
    nowMs - ticket.resolution.at > REOPEN_WINDOW_DAYS * DAY_MS
  )
}

/** Rule 8: closure records whether the customer is satisfied, who closed it and when. */
export function close(
  ticket: Ticket,
  customerSatisfied: boolean | null,
  ctx: CommandContext,
): CommandResult {
  if (ticket.state !== 'resolved')
    return refuse({ field: '', message: 'Resolve the ticket before closing it.' })
  return single(ctx, ticket, 'closed', {
    customerSatisfied,
    via: reopenWindowElapsed(ticket, ctx.now()) ? 'reopen_window_elapsed' : 'staff',
  })
}

export function recordContact(
  ticket: Ticket,
  contact: PayloadOf<'customer_contacted'>,
  ctx: CommandContext,
): CommandResult {
  if (ticket.state === 'closed')
    return refuse({ field: '', message: `Ticket ${ticket.number} is closed.` })
  return single(ctx, ticket, 'customer_contacted', contact)
}
