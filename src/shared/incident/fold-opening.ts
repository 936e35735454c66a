/** The fold's first step: the opening event builds the ticket every later event changes. */
import type { EventOf } from './events'
import { withTargets } from './fold-sla'
import type { PriorityPolicy } from './priority'
import type { Ticket } from './ticket'
import { CSC_TEAM_ID } from './vocabulary'

/** Sources where a person took the contact live: the ticket has its owner from the first second. */
const LIVE_SOURCES = new Set(['phone', 'walk_in'])

export function openedTicket(event: EventOf<'opened'>, at: number, policy: PriorityPolicy): Ticket {
  const p = event.payload
  const receivedAt = Date.parse(p.receivedAt)
  return withTargets(
    {
      id: event.ticketId,
      number: p.number,
      ...(p.previousNumbers ? { previousNumbers: p.previousNumbers } : {}),
      kind: p.kind,
      kindHistory: [{ kind: p.kind, at, by: event.actor }],
      state: 'open',
      source: p.source,
      caller: p.caller,
      title: p.title,
      description: p.description,
      service: p.service,
      category: p.category,
      subcategory: p.subcategory ?? '',
      impact: p.impact,
      urgency: p.urgency,
      priority: 'P4',
      priorityIncrease: p.priorityIncrease,
      identityVerified: p.identityCheck?.verified ?? [],
      owner: event.actor,
      ownerStation: event.station,
      receivedAt,
      createdAt: at,
      updatedAt: at,
      teamId: CSC_TEAM_ID,
      assignee: event.actor,
      assignments: [],
      reassignmentCount: 0,
      returnedToCsc: false,
      returnedToCscCount: 0,
      firstAssignedAt: LIVE_SOURCES.has(p.source) ? receivedAt : null,
      firstAssignmentDueAt: 0,
      resolutionDueAt: 0,
      holdReason: null,
      notes: [],
      contacts: [],
      resolution: null,
      closure: null,
      reopenCount: 0,
      parentTicketId: p.parentTicketId ?? null,
      alertKey: p.alertKey ?? null,
      ...(p.callId ? { callId: p.callId } : {}),
      conflicts: [],
      history: [],
      lastEventKey: '',
    },
    policy,
  )
}
