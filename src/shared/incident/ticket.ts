/** The ticket: what the fold of a ticket's events computes. Never written directly. */
import type { Caller, EventType, MailAttachment, PayloadOf, WarmTransfer } from './events'
import type { SlaPause } from './priority'
import type { Level, Priority, SlaTargetKind, Source, TicketKind, TicketState } from './vocabulary'

export interface TicketNote {
  id: string
  kind: 'tech' | 'customer'
  body: string
  author: string
  at: number
  /** Customer notes only: rule 6, the Send Email To choice made when the note was written. */
  sendEmailTo?: PayloadOf<'customer_note_added'>['sendEmailTo']
  /** A customer's email (email in): who sent it, and what came with it. `author` is the server. */
  fromCustomer?: { from: string; messageId: string; subject: string; attachments: MailAttachment[] }
  /** The note was produced by "return to owner" (rule 7). */
  standard?: 'return_to_owner'
  redactions: { by: string; at: number; reason: string }[]
}

export interface AssignmentRecord {
  eventId: string
  teamId: string
  assignee: string | null
  by: string
  at: number
  via: 'escalation' | 'assignment' | 'return_to_owner'
  warmTransfer?: WarmTransfer
  routingGuidanceId?: string | null
  offGuidanceReason?: string
}

export interface TicketConflict {
  eventId: string
  type: EventType
  actor: string
  at: number
  reason: string
}

export interface HistoryEntry {
  eventId: string
  type: EventType
  actor: string
  station: string
  hlc: string
  at: number
  /** Set when the event was not applied because it was invalid at its place in history. */
  conflict?: string
}

export interface Ticket {
  id: string
  number: string
  /** Numbers the ticket was shown with before it was renumbered ("also known as"), oldest first. */
  previousNumbers?: string[]
  kind: TicketKind
  /** Rule 1: every reclassification kept, so the history shows it began as an incident. */
  kindHistory: { kind: TicketKind; at: number; by: string; reason?: string }[]
  state: TicketState
  source: Source
  caller: Caller
  title: string
  description: string
  service: string
  category: string
  subcategory: string
  impact: Level
  urgency: Level
  priority: Priority
  priorityIncrease: boolean
  identityVerified: string[]
  owner: string
  ownerStation: string
  receivedAt: number
  createdAt: number
  updatedAt: number
  teamId: string
  assignee: string | null
  assignments: AssignmentRecord[]
  /** Rule 5: moves to a different team after the first assignment, from the sorted history. */
  reassignmentCount: number
  /** Rule 7: currently back with its owner after a second-level team returned it. */
  returnedToCsc: boolean
  returnedToCscCount: number
  firstAssignedAt: number | null
  /** Due times (sla-clock.ts); `SLA_PAUSED` while that clock stands still. */
  firstAssignmentDueAt: number
  resolutionDueAt: number
  /**
   * Rule 8: the spans a hold awaiting the customer stopped the clocks (the last one open while it
   * lasts). Absent on tickets folded before clocks could pause.
   */
  slaPauses?: SlaPause[]
  /** While a clock stands still: the clock time each paused target has left. */
  slaPausedLeftMs?: { firstAssignment: number | null; resolution: number | null } | null
  /** Breaches the server recorded (`sla_breached`), once per target. */
  slaBreaches?: { target: SlaTargetKind; dueAt: number; at: number }[]
  holdReason: string | null
  notes: TicketNote[]
  /** Rule 9: call-backs and contact attempts, with what the agent noted. */
  contacts: (PayloadOf<'customer_contacted'> & { at: number; by: string })[]
  resolution: (PayloadOf<'resolved'> & { by: string; at: number }) | null
  closure: (PayloadOf<'closed'> & { by: string; at: number }) | null
  reopenCount: number
  parentTicketId: string | null
  alertKey: string | null
  /** The phone system's call this ticket was logged on; absent on tickets from before calls were. */
  callId?: string
  conflicts: TicketConflict[]
  history: HistoryEntry[]
  /** `hlc|id` of the last event folded in: a later event can be applied incrementally. */
  lastEventKey: string
}
