/**
 * The fold's step: one event, at its place in the ticket's history, changes the ticket or, when
 * the transition is invalid there, becomes a conflict (fold.ts records it).
 */
import type { TicketEvent } from './events'
import { endPause, withSlaIfPaused, withTargets } from './fold-sla'
import { acceptedProposal, stepMajor } from './major-fold'
import { withNewOwner } from './ownership'
import type { PriorityPolicy } from './priority'
import type { AssignmentRecord, Ticket } from './ticket'
import { CSC_TEAM_ID, type TicketState } from './vocabulary'

/** Rule 5: a reassignment is a move to a different second-level team after the first one. */
function countReassignments(assignments: AssignmentRecord[]): number {
  const teams = assignments
    .filter((a) => a.via !== 'return_to_owner' && a.teamId !== CSC_TEAM_ID)
    .map((a) => a.teamId)
  return teams.reduce((count, team, i) => (i > 0 && team !== teams[i - 1] ? count + 1 : count), 0)
}

function assign(ticket: Ticket, record: AssignmentRecord): Ticket {
  const assignments = [...ticket.assignments, record]
  const toCsc = record.teamId === CSC_TEAM_ID
  return {
    ...ticket,
    teamId: record.teamId,
    assignee: record.assignee,
    assignments,
    reassignmentCount: countReassignments(assignments),
    returnedToCsc: record.via === 'return_to_owner' || (ticket.returnedToCsc && toCsc),
    firstAssignedAt: ticket.firstAssignedAt ?? record.at,
  }
}

function assignWithSla(ticket: Ticket, record: AssignmentRecord, policy: PriorityPolicy): Ticket {
  const next = assign(ticket, record)
  return ticket.firstAssignedAt === null ? withSlaIfPaused(next, policy) : next
}

const STATES_ACCEPTING_WORK: readonly TicketState[] = ['open', 'on_hold']

type Step = Ticket | { conflict: string }

function requireState(
  ticket: Ticket,
  allowed: readonly TicketState[],
  action: string,
  next: () => Ticket,
): Step {
  return allowed.includes(ticket.state)
    ? next()
    : {
        conflict: `Cannot ${action}: the ticket is ${ticket.state.replace('_', ' ')} at this point in its history.`,
      }
}

export function step(ticket: Ticket, event: TicketEvent, at: number, policy: PriorityPolicy): Step {
  switch (event.type) {
    case 'opened':
      return {
        conflict: `Ticket ${ticket.number} was already opened; a second opening is not applied.`,
      }
    case 'fields_changed':
      // Rule 8: a resolved ticket's classification is what was agreed; reopen to change it.
      return requireState(ticket, STATES_ACCEPTING_WORK, 'change fields', () => {
        const { caller, identityCheck, ...plain } = event.payload.changes
        const next: Ticket = {
          ...ticket,
          ...Object.fromEntries(Object.entries(plain).filter(([, v]) => v !== undefined)),
          ...(caller ? { caller } : {}),
          ...(identityCheck ? { identityVerified: identityCheck.verified } : {}),
        }
        return withTargets(next, policy)
      })
    case 'reclassified':
      return requireState(ticket, ['open', 'on_hold'], 'reclassify', () => ({
        ...ticket,
        kind: event.payload.to,
        kindHistory: [
          ...ticket.kindHistory,
          { kind: event.payload.to, at, by: event.actor, reason: event.payload.reason },
        ],
      }))
    case 'tech_note_added':
      return requireState(ticket, ['open', 'on_hold', 'resolved'], 'add a tech note', () => ({
        ...ticket,
        notes: [
          ...ticket.notes,
          {
            id: event.payload.noteId,
            kind: 'tech',
            body: event.payload.body,
            author: event.actor,
            at,
            redactions: [],
          },
        ],
      }))
    case 'customer_note_added':
      return requireState(ticket, ['open', 'on_hold', 'resolved'], 'add a customer note', () => ({
        ...ticket,
        notes: [
          ...ticket.notes,
          {
            id: event.payload.noteId,
            kind: 'customer',
            body: event.payload.body,
            author: event.actor,
            at,
            sendEmailTo: event.payload.sendEmailTo,
            redactions: [],
          },
        ],
      }))
    case 'customer_message_received': {
      const { body, ...fromCustomer } = event.payload
      return requireState(ticket, ['open', 'on_hold', 'resolved'], 'add a customer email', () => ({
        ...ticket,
        notes: [
          ...ticket.notes,
          // The event id is the note's: the message has no note id of its own.
          {
            id: event.id,
            kind: 'customer',
            body,
            author: event.actor,
            at,
            fromCustomer,
            redactions: [],
          },
        ],
      }))
    }
    case 'escalated':
      return requireState(ticket, STATES_ACCEPTING_WORK, 'escalate', () =>
        assignWithSla(
          ticket,
          {
            eventId: event.id,
            teamId: event.payload.teamId,
            assignee: null,
            by: event.actor,
            at,
            via: 'escalation',
            warmTransfer: event.payload.warmTransfer,
            routingGuidanceId: event.payload.routingGuidanceId,
            ...(event.payload.offGuidanceReason
              ? { offGuidanceReason: event.payload.offGuidanceReason }
              : {}),
          },
          policy,
        ),
      )
    case 'assigned':
      return requireState(ticket, STATES_ACCEPTING_WORK, 'assign', () =>
        assignWithSla(
          ticket,
          {
            eventId: event.id,
            teamId: event.payload.teamId,
            assignee: event.payload.assignee,
            by: event.actor,
            at,
            via: 'assignment',
          },
          policy,
        ),
      )
    case 'returned_to_owner':
      return requireState(ticket, STATES_ACCEPTING_WORK, 'return to owner', () => {
        const returned = assignWithSla(
          ticket,
          {
            eventId: event.id,
            teamId: CSC_TEAM_ID,
            assignee: ticket.owner,
            by: event.actor,
            at,
            via: 'return_to_owner',
          },
          policy,
        )
        return {
          ...returned,
          returnedToCscCount: ticket.returnedToCscCount + 1,
          notes: [
            ...ticket.notes,
            {
              id: event.payload.noteId,
              kind: 'tech',
              body: event.payload.note,
              author: event.actor,
              at,
              standard: 'return_to_owner',
              redactions: [],
            },
          ],
        }
      })
    case 'ownership_taken':
      // Rule 4: one owner at a time. Of two take-overs made at once, the later finds it taken.
      if (ticket.owner !== event.payload.from)
        return {
          conflict: `Cannot take ownership from ${event.payload.from}: ${ticket.owner} owns the ticket at this point in its history.`,
        }
      return requireState(ticket, ['open', 'on_hold', 'resolved'], 'take ownership', () => {
        const taken = withNewOwner(ticket, event, at)
        return ticket.firstAssignedAt === null ? withSlaIfPaused(taken, policy) : taken
      })
    case 'held':
      return requireState(ticket, ['open'], 'put on hold', () => {
        const held: Ticket = { ...ticket, state: 'on_hold', holdReason: event.payload.reason }
        if (!event.payload.pausesSla) return held
        return withTargets(
          { ...held, slaPauses: [...(ticket.slaPauses ?? []), { from: at, to: null }] },
          policy,
        )
      })
    case 'resumed':
      return requireState(ticket, ['on_hold'], 'resume', () =>
        withSlaIfPaused(endPause({ ...ticket, state: 'open', holdReason: null }, at), policy),
      )
    case 'resolved':
      return requireState(ticket, STATES_ACCEPTING_WORK, 'resolve', () =>
        withSlaIfPaused(
          endPause(
            {
              ...ticket,
              state: 'resolved',
              holdReason: null,
              returnedToCsc: false,
              resolution: { ...event.payload, by: event.actor, at },
            },
            at,
          ),
          policy,
        ),
      )
    case 'sla_breached': {
      // A fact the server found, true whatever the ticket's state is by now; one per target.
      const breaches = ticket.slaBreaches ?? []
      if (breaches.some((b) => b.target === event.payload.target)) return ticket
      return {
        ...ticket,
        slaBreaches: [
          ...breaches,
          { target: event.payload.target, dueAt: Date.parse(event.payload.dueAt), at },
        ],
      }
    }
    case 'reopened':
      return requireState(ticket, ['resolved'], 'reopen', () => ({
        ...ticket,
        state: 'open',
        resolution: null,
        reopenCount: ticket.reopenCount + 1,
      }))
    case 'closed':
      return requireState(ticket, ['resolved'], 'close', () => ({
        ...ticket,
        state: 'closed',
        closure: { ...event.payload, by: event.actor, at },
      }))
    case 'customer_contacted':
      return requireState(
        ticket,
        ['open', 'on_hold', 'resolved'],
        'record a customer contact',
        () => ({
          ...ticket,
          contacts: [...ticket.contacts, { ...event.payload, at, by: event.actor }],
        }),
      )
    case 'parent_linked':
      if (event.payload.parentTicketId === ticket.id)
        return { conflict: 'A ticket cannot be its own parent.' }
      return requireState(
        ticket,
        ['open', 'on_hold', 'resolved'],
        'link to a parent incident',
        () =>
          acceptedProposal({ ...ticket, parentTicketId: event.payload.parentTicketId }, event, at),
      )
    case 'major_declared':
    case 'outage_suspected':
    case 'outage_dismissed':
    case 'management_escalated':
      return stepMajor(ticket, event, at)
    case 'note_redacted': {
      // Redaction stays possible on closed tickets: sensitive data must be removable whenever found.
      const note = ticket.notes.find((n) => n.id === event.payload.noteId)
      if (!note) return { conflict: 'Cannot redact: no such note on this ticket.' }
      if (note.kind !== 'customer')
        return { conflict: 'Only customer-visible notes are redacted (rule 11).' }
      // Rule 11 is about what staff typed; the server keeps a customer's email as it arrived.
      if (note.fromCustomer)
        return { conflict: "A customer's own email is kept as received; it is not redacted." }
      return {
        ...ticket,
        notes: ticket.notes.map((n) =>
          n.id === note.id
            ? {
                ...n,
                body: event.payload.redactedBody,
                redactions: [
                  ...n.redactions,
                  { by: event.actor, at, reason: event.payload.reason },
                ],
              }
            : n,
        ),
      }
    }
  }
}
