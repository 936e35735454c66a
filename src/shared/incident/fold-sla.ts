/**
 * The fold's SLA clocks (rule 8): due times set from the policy at opening, moved only where a
 * clock ever paused while the ticket awaited the customer.
 */
import type { PriorityPolicy } from './priority'
import { slaDeadlines } from './sla-clock'
import type { Ticket } from './ticket'

export function withTargets(ticket: Ticket, policy: PriorityPolicy): Ticket {
  const { slaPausedLeftMs, ...targets } = slaDeadlines(ticket, policy)
  return {
    ...ticket,
    ...targets,
    // Kept off tickets that never paused, so their projection reads as it always did.
    ...(slaPausedLeftMs || ticket.slaPausedLeftMs ? { slaPausedLeftMs } : {}),
  }
}

/** Rule 8: the clocks stop while the ticket awaits the customer, and run again from `at`. */
export function endPause(ticket: Ticket, at: number): Ticket {
  const pauses = ticket.slaPauses
  if (!pauses?.some((p) => p.to === null)) return ticket
  return { ...ticket, slaPauses: pauses.map((p) => (p.to === null ? { ...p, to: at } : p)) }
}

/** Due times move only where a clock ever paused: other tickets keep the ones set at opening. */
export function withSlaIfPaused(ticket: Ticket, policy: PriorityPolicy): Ticket {
  return ticket.slaPauses?.length ? withTargets(ticket, policy) : ticket
}
