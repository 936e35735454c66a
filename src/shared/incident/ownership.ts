/**
 * Rule 4's ticket owner is the agent who took the contact: the one rule 7 returns the ticket to,
 * rule 8 has close it and rule 9 has call the customer back. A ticket the server opened — an
 * email (rule 1's source `email`) or an alert from Event Management — has no such agent; it is
 * owned by the server's account, which no one is, until an agent takes it over. Taking over a
 * colleague's ticket (they went home, they are ill) is a supervisor's call, so it stays visible.
 */
import type { Role } from '../directory'
import type { EventOf } from './events'
import type { Ticket } from './ticket'
import { CSC_TEAM_ID, SERVER_ACTOR } from './vocabulary'

/** Owned by the server's account: no agent gets its call-back, replies or returns yet. */
export function awaitsOwner(ticket: Pick<Ticket, 'owner'>): boolean {
  return ticket.owner === SERVER_ACTOR
}

/** Rule 4's permission: anyone takes a ticket no agent owns; only a supervisor takes one from a colleague. */
export function mayTakeOwnership(role: Role, from: string): boolean {
  return from === SERVER_ACTOR || role !== 'agent'
}

/**
 * The ticket once `event`'s actor owns it. While it is with the CSC it is worked by its owner, so
 * the assignee follows; a second-level team keeps its assignee (rule 4: tickets go to teams). A
 * ticket no person had taken yet is assigned for the first-assignment target from now on.
 */
export function withNewOwner(
  ticket: Ticket,
  event: EventOf<'ownership_taken'>,
  at: number,
): Ticket {
  const previous = event.payload.from
  const followsOwner =
    ticket.teamId === CSC_TEAM_ID && (ticket.assignee === previous || ticket.assignee === null)
  return {
    ...ticket,
    owner: event.actor,
    ownerStation: event.station,
    assignee: followsOwner ? event.actor : ticket.assignee,
    firstAssignedAt: ticket.firstAssignedAt ?? at,
  }
}
