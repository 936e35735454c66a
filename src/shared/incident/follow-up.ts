/**
 * Rule 9, follow-up discipline: an incident that came in by email gets a phone call back from its
 * owner; a customer who does not answer within one business day after a recorded attempt gets an
 * "inactive ticket" resolution — offered to the owner, or made by the server where the
 * administrator set `followUp.autoResolveInactive`. Either way it is an ordinary `resolved` event,
 * and the 7-day reopen window then closes it (reopen-window job).
 */
import { addBusinessMs, businessDayMs } from './calendar'
import type { PriorityPolicy } from './priority'
import type { ResolveInput } from './rules'
import { nextBreachCheckAt } from './sla-clock'
import type { Ticket } from './ticket'

type FollowUpFields = Pick<Ticket, 'state' | 'source' | 'kind' | 'contacts'>

const WORKING = new Set<Ticket['state']>(['open', 'on_hold'])

/** Rule 9: an email incident is owed a phone call until one is recorded. */
export function needsCallBack(ticket: FollowUpFields): boolean {
  return (
    ticket.source === 'email' &&
    ticket.kind === 'incident' &&
    WORKING.has(ticket.state) &&
    !ticket.contacts.some((c) => c.channel === 'phone')
  )
}

/**
 * When the customer counts as inactive: one business day after the first attempt they did not
 * answer since they were last reached. null while there is no such attempt.
 */
export function inactiveAt(ticket: FollowUpFields, policy: PriorityPolicy): number | null {
  if (!WORKING.has(ticket.state)) return null
  const lastReached = Math.max(
    0,
    ...ticket.contacts.filter((c) => c.outcome === 'reached').map((c) => c.at),
  )
  const attempt = ticket.contacts.find((c) => c.outcome !== 'reached' && c.at > lastReached)
  if (!attempt) return null
  return addBusinessMs(attempt.at, businessDayMs(policy.calendar), policy.calendar)
}

/** Whether a customer who did not answer for a business day may get an "inactive ticket" resolution. */
export function inactiveResolutionAllowed(
  ticket: FollowUpFields,
  nowMs: number,
  policy: PriorityPolicy,
): boolean {
  const at = inactiveAt(ticket, policy)
  return at !== null && at <= nowMs
}

/** The resolution an inactive ticket gets: what the owner is offered, what the server records. */
export function inactiveResolution(
  ticket: Pick<Ticket, 'service' | 'category' | 'subcategory'>,
): ResolveInput {
  return {
    resolutionNotes:
      'The customer did not answer our contact attempt within one business day: resolved as an inactive ticket (rule 9). The customer can reopen it within 7 days.',
    classification: {
      service: ticket.service || 'Not established',
      category: ticket.category || 'Not established',
      subcategory: ticket.subcategory || 'Not established',
      rootCause: 'Not established: the customer did not respond.',
    },
    resolutionCode: 'inactive_ticket',
    customerAgreement: { method: 'no_response', detail: '' },
    firstContactResolution: false,
    timeSpentMinutes: 0,
  }
}

/**
 * When the server next has something to do for this ticket by time alone: record a breach, or
 * (where the administrator chose so) resolve an inactive ticket. null: nothing, until it changes.
 */
export function serverWorkDueAt(ticket: Ticket, policy: PriorityPolicy): number | null {
  const times = [
    nextBreachCheckAt(ticket),
    policy.followUp.autoResolveInactive ? inactiveAt(ticket, policy) : null,
  ].filter((t): t is number => t !== null)
  return times.length ? Math.min(...times) : null
}
