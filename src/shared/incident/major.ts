/**
 * Rule 10 as commands: promote a ticket to a major incident, link calls to it, resolve its linked
 * calls with its resolution (each child keeping its own customer communication), decide on the
 * outage radar's proposals, and escalate up the hierarchy — the service desk manager, then the
 * director of IT service management. Pure, like the commands in rules/: events out, or refusals with reasons.
 */
import type { MajorIncidentSettings, Role } from '../directory'
import type { PayloadOf, TicketEvent } from './events'
import {
  addCustomerNote,
  linkToParent,
  refuse,
  resolve,
  single,
  type CommandContext,
  type CommandResult,
  type ResolveInput,
  type RuleError,
} from './rules'
import type { Ticket } from './ticket'

const RULE = 'rule 10'
const working = (t: Ticket) => t.state === 'open' || t.state === 'on_hold'

/** Rule 10: a supervisor promotes a ticket to the major incident other calls are linked to. */
export function promoteToMajor(ticket: Ticket, reason: string, ctx: CommandContext): CommandResult {
  if (!working(ticket))
    return refuse({
      field: '',
      rule: RULE,
      message: `Only an open ticket becomes a major incident; ${ticket.number} is ${ticket.state.replace('_', ' ')}.`,
    })
  if (ticket.major)
    return refuse({
      field: '',
      rule: RULE,
      message: `${ticket.number} is a major incident already.`,
    })
  if (ticket.kind !== 'incident')
    return refuse({ field: '', rule: RULE, message: 'Only an incident becomes a major incident.' })
  if (ticket.parentTicketId)
    return refuse({
      field: '',
      rule: RULE,
      message: `${ticket.number} is linked to a major incident; unlink it before promoting it.`,
    })
  if (!reason.trim())
    return refuse({ field: 'reason', rule: RULE, message: 'Say why this is a major incident.' })
  return single(ctx, ticket, 'major_declared', { reason: reason.trim() })
}

/**
 * Rule 10: each call keeps its own ticket, linked to the major incident. All calls or none: a
 * supervisor who picked five calls does not get three linked and two silently left out.
 */
export function linkCallsToMajor(
  parent: Ticket,
  calls: readonly Ticket[],
  ctx: CommandContext,
  proposalId?: string,
): CommandResult {
  if (!parent.major)
    return refuse({
      field: 'parentTicketId',
      rule: RULE,
      message: `${parent.number} is not a major incident: promote it first.`,
    })
  if (calls.length === 0)
    return refuse({ field: 'calls', rule: RULE, message: 'Choose the calls to link.' })
  const events: TicketEvent[] = []
  const errors: RuleError[] = []
  for (const call of calls) {
    if (call.parentTicketId === parent.id && !proposalId) continue
    const linked = linkToParent(call, parent, ctx, proposalId)
    if (!linked.ok) {
      errors.push(...linked.errors.map((e) => ({ ...e, message: `${call.number}: ${e.message}` })))
      continue
    }
    events.push(...linked.events)
  }
  if (errors.length) return refuse(...errors)
  return { ok: true, events }
}

/** The open calls linked to `parent` among `tickets`: what resolving the parent offers to resolve. */
export function openLinkedCalls(parent: Ticket, tickets: Iterable<Ticket>): Ticket[] {
  return [...tickets].filter((t) => t.parentTicketId === parent.id && working(t))
}

export interface CascadeOutcome {
  events: TicketEvent[]
  /** Children the normal resolution rules refused, with the reasons. */
  refused: { ticket: Ticket; errors: RuleError[] }[]
}

/** The resolution a child gets from its resolved parent: same fix, not resolved on its own call. */
export function childResolution(parent: Ticket): ResolveInput | null {
  const r = parent.resolution
  if (!r) return null
  return {
    resolutionNotes: r.resolutionNotes,
    classification: r.classification,
    resolutionCode: r.resolutionCode,
    customerAgreement: {
      method: r.customerAgreement.method,
      detail: `Resolved with major incident ${parent.number}. ${r.customerAgreement.detail}`.trim(),
    },
    firstContactResolution: false,
    timeSpentMinutes: 0,
  }
}

/** What each child's caller is told, in their own ticket's customer note. */
export function childResolutionNote(parent: Ticket, child: Ticket): string {
  return [
    `Your call ${child.number} was about ${parent.title}, which affected many people at once and has now been resolved.`,
    '',
    parent.resolution?.resolutionNotes ?? '',
    '',
    `If the problem continues for you, reply to this email or call us, quoting ${child.number}.`,
  ].join('\n')
}

/**
 * Rule 10 with rule 8: resolving the major incident resolves its linked open calls with its
 * resolution, one `resolved` per child by the same rules as any resolution. Rule 6: each child
 * keeps its own customer communication — where `emailTo` holds the child, one customer note with
 * Send Email To → customer to that child's caller (the outbox, keyed by note id, sends it once).
 */
export function resolveLinkedCalls(
  parent: Ticket,
  children: readonly Ticket[],
  emailTo: ReadonlySet<string>,
  ctx: CommandContext,
): CascadeOutcome {
  const input = childResolution(parent)
  if (!input || parent.state !== 'resolved') {
    const errors = [{ field: '', rule: RULE, message: `Resolve ${parent.number} first.` }]
    return { events: [], refused: children.map((ticket) => ({ ticket, errors })) }
  }
  const outcome: CascadeOutcome = { events: [], refused: [] }
  for (const child of children) {
    if (child.parentTicketId !== parent.id || !working(child)) continue
    const made: TicketEvent[] = []
    const errors: RuleError[] = []
    if (emailTo.has(child.id)) {
      const note = addCustomerNote(
        child,
        childResolutionNote(parent, child),
        { customer: true, cc: [] },
        ctx,
      )
      if (note.ok) made.push(...note.events)
      else errors.push(...note.errors)
    }
    const resolved = resolve(child, input, ctx)
    if (resolved.ok) made.push(...resolved.events)
    else errors.push(...resolved.errors)
    if (errors.length) outcome.refused.push({ ticket: child, errors })
    else outcome.events.push(...made)
  }
  return outcome
}

// ---------------------------------------------------------------------------------------------
// Hierarchical escalation

export type ManagementLevel = PayloadOf<'management_escalated'>['level']

/**
 * Rule 10's permissions: an agent or a supervisor takes a ticket to the service desk manager;
 * going on to the director of IT service management is a supervisor's (the manager's) call.
 */
export function mayEscalateTo(role: Role, level: ManagementLevel): boolean {
  return level === 'service_desk_manager' ? true : role !== 'agent'
}

/** The next level a ticket can be escalated to, or null once it reached the director. */
export function nextManagementLevel(ticket: Ticket): ManagementLevel | null {
  const levels = new Set((ticket.managementEscalations ?? []).map((e) => e.level))
  if (!levels.has('service_desk_manager')) return 'service_desk_manager'
  if (!levels.has('director_itsm')) return 'director_itsm'
  return null
}

export function managerOf(settings: MajorIncidentSettings, level: ManagementLevel): string | null {
  return level === 'service_desk_manager' ? settings.serviceDeskManager : settings.directorItsm
}

/**
 * Rule 10: hierarchical escalation — the service desk manager, then the director of IT service
 * management — with a reason, naming the person the directory says holds that role.
 */
export function escalateToManagement(
  ticket: Ticket,
  input: { level: ManagementLevel; reason: string },
  role: Role,
  settings: MajorIncidentSettings,
  ctx: CommandContext,
): CommandResult {
  if (!working(ticket))
    return refuse({
      field: '',
      rule: RULE,
      message: `Cannot escalate: ticket ${ticket.number} is ${ticket.state.replace('_', ' ')}.`,
    })
  const next = nextManagementLevel(ticket)
  if (next !== input.level)
    return refuse({
      field: 'level',
      rule: RULE,
      message:
        next === null
          ? 'The ticket has reached the director of IT service management already.'
          : next === 'service_desk_manager'
            ? 'Escalate to the service desk manager first.'
            : 'The service desk manager has it already: the next step is the director.',
    })
  if (!mayEscalateTo(role, input.level))
    return refuse({
      field: 'level',
      rule: RULE,
      message: 'Escalation to the director of IT service management is for a supervisor.',
    })
  const to = managerOf(settings, input.level)
  if (!to)
    return refuse({
      field: 'level',
      rule: RULE,
      message: 'The directory names nobody in this role: ask the administrator to set it.',
    })
  if (!input.reason.trim())
    return refuse({ field: 'reason', rule: RULE, message: 'Say why it goes up.' })
  return single(ctx, ticket, 'management_escalated', {
    level: input.level,
    to,
    reason: input.reason.trim(),
  })
}
