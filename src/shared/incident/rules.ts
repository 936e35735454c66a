/**
 * The process rules as commands. A command looks at the ticket as this station knows it and either
 * produces the events that carry out the action, or refuses with reasons an agent can act on. Each
 * rule names the PRODUCT.md rule it implements. The fold (fold.ts) stays the judge for concurrent
 * histories: what a command allowed here may still turn out to be a conflict once other stations'
 * events arrive, and is then recorded as such.
 */
import { z } from 'zod'
import { inactiveResolutionAllowed } from './follow-up'
import {
  EVENT_SCHEMA_VERSION,
  editableFields,
  openedPayload,
  ticketEventSchema,
  type EditableFields,
  type EventType,
  type PayloadOf,
  type TicketEvent,
  type WarmTransfer,
} from './events'
import { passwordPhrase } from './password-guard'
import { RETURN_TO_OWNER_NOTE } from './standard-notes'
import type { Ticket } from './ticket'
import { CSC_TEAM_ID, IDENTITY_ITEMS_REQUIRED, type TicketKind } from './vocabulary'
import { DEFAULT_PRIORITY_POLICY, type PriorityPolicy } from './priority'

export interface CommandContext {
  actor: string
  station: string
  /** Wall clock, ms. */
  now(): number
  /** The next hybrid logical clock value of this station. */
  nextHlc(): string
  /** A new UUIDv7. */
  newId(): string
}

export interface RuleError {
  /** The form field the message belongs to, or '' for the whole action. */
  field: string
  message: string
  /** The PRODUCT.md rule that refused it, e.g. "rule 8". */
  rule?: string
}

export type CommandResult = { ok: true; events: TicketEvent[] } | { ok: false; errors: RuleError[] }

const refuse = (...errors: RuleError[]): CommandResult => ({ ok: false, errors })

function zodErrors(error: z.ZodError, prefix = ''): RuleError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }))
}

/** One event of `type` by `ctx`, validated by the event schema (for commands in other modules too). */
export function emit<T extends EventType>(
  ctx: CommandContext,
  ticketId: string,
  type: T,
  payload: PayloadOf<T>,
): { ok: true; event: TicketEvent } | { ok: false; errors: RuleError[] } {
  const parsed = ticketEventSchema.safeParse({
    id: ctx.newId(),
    ticketId,
    type,
    actor: ctx.actor,
    station: ctx.station,
    hlc: ctx.nextHlc(),
    schemaVersion: EVENT_SCHEMA_VERSION,
    payload,
  })
  return parsed.success
    ? { ok: true, event: parsed.data }
    : { ok: false, errors: zodErrors(parsed.error) }
}

function single<T extends EventType>(
  ctx: CommandContext,
  ticket: Ticket,
  type: T,
  payload: PayloadOf<T>,
): CommandResult {
  const made = emit(ctx, ticket.id, type, payload)
  return made.ok ? { ok: true, events: [made.event] } : refuse(...made.errors)
}

const WORKING: Ticket['state'][] = ['open', 'on_hold']

function requireWorking(ticket: Ticket, action: string): RuleError | null {
  return WORKING.includes(ticket.state)
    ? null
    : {
        field: '',
        message: `Cannot ${action}: ticket ${ticket.number} is ${ticket.state.replace('_', ' ')}.`,
      }
}

// ---------------------------------------------------------------------------------------------
// Logging (rules 1, 2, 3)

export const openInputSchema = openedPayload.omit({ number: true, kind: true }).extend({
  kind: openedPayload.shape.kind.optional(),
  /** Account matters need identity verification (rule 3). */
  accountMatter: z.boolean().default(false),
})
export type OpenInput = z.input<typeof openInputSchema>

/** Rule 3: at least 3 of the 5 identity items, for account matters. */
export function identityVerified(verified: readonly string[]): boolean {
  return new Set(verified).size >= IDENTITY_ITEMS_REQUIRED
}

/**
 * Rule 1: every phone call starts as an Incident; rule 2: what logging captures; rule 3: identity
 * verification for account matters. `number` comes from the station's own sequence.
 */
export function openTicket(input: OpenInput, number: string, ctx: CommandContext): CommandResult {
  const parsed = openInputSchema.safeParse(input)
  if (!parsed.success) return refuse(...zodErrors(parsed.error))
  const { accountMatter, kind, ...fields } = parsed.data
  const errors: RuleError[] = []
  if (fields.source === 'phone' && kind && kind !== 'incident') {
    errors.push({
      field: 'kind',
      rule: 'rule 1',
      message:
        'A phone call starts as an Incident; reclassify it once it is clear there is no technical issue.',
    })
  }
  if (accountMatter && !identityVerified(fields.identityCheck?.verified ?? [])) {
    errors.push({
      field: 'identityCheck',
      rule: 'rule 3',
      message: `Account matters need ${IDENTITY_ITEMS_REQUIRED} of 5 identity items verified (full name, username, date of birth, university ID, address on file).`,
    })
  }
  if (errors.length) return refuse(...errors)
  const made = emit(ctx, ctx.newId(), 'opened', { ...fields, number, kind: kind ?? 'incident' })
  return made.ok ? { ok: true, events: [made.event] } : refuse(...made.errors)
}

/** Rule 2: impact and urgency reflect current understanding and may change later. */
export function changeFields(
  ticket: Ticket,
  changes: EditableFields,
  ctx: CommandContext,
): CommandResult {
  if (ticket.state === 'closed')
    return refuse({ field: '', message: `Ticket ${ticket.number} is closed.` })
  const parsed = editableFields.safeParse(changes)
  if (!parsed.success) return refuse(...zodErrors(parsed.error))
  const effective = Object.fromEntries(
    Object.entries(parsed.data).filter(
      ([key, value]) =>
        JSON.stringify(value) !==
        JSON.stringify((ticket as unknown as Record<string, unknown>)[key]),
    ),
  ) as EditableFields
  if (Object.keys(effective).length === 0) return { ok: true, events: [] }
  return single(ctx, ticket, 'fields_changed', { changes: effective })
}

/** Rule 1: reclassified once there is no technical issue; the history keeps the beginning. */
export function reclassify(
  ticket: Ticket,
  to: TicketKind,
  reason: string,
  ctx: CommandContext,
): CommandResult {
  const blocked = requireWorking(ticket, 'reclassify')
  if (blocked) return refuse(blocked)
  if (ticket.kind === to)
    return refuse({ field: 'to', message: `The ticket is already a ${to.replace('_', ' ')}.` })
  return single(ctx, ticket, 'reclassified', { to, reason })
}

// ---------------------------------------------------------------------------------------------
// Notes (rules 3, 6, 11)

export function addTechNote(ticket: Ticket, body: string, ctx: CommandContext): CommandResult {
  if (ticket.state === 'closed')
    return refuse({ field: '', message: `Ticket ${ticket.number} is closed.` })
  return single(ctx, ticket, 'tech_note_added', { noteId: ctx.newId(), body })
}

/** Says where the password seems to be, and what the check cannot see (password-guard.ts). */
export function passwordRefusal(phrase: string): string {
  return (
    `Passwords are never given or reset by email (rule 3), and this note reads like it carries one ("${phrase} …"). ` +
    'Remove it and give it to the caller by phone. The check knows the usual English phrasings only: ' +
    'a password written another way (no word like "password" or "PIN" near it, split up, in another language) is not caught, so read the note before you send it.'
  )
}

/**
 * Rule 6: a customer note reaches the customer only with Send Email To → customer.
 * Rule 3: passwords are never reset by email, so an emailed note must not carry one.
 */
export function addCustomerNote(
  ticket: Ticket,
  body: string,
  sendEmailTo: PayloadOf<'customer_note_added'>['sendEmailTo'],
  ctx: CommandContext,
): CommandResult {
  if (ticket.state === 'closed')
    return refuse({ field: '', message: `Ticket ${ticket.number} is closed.` })
  const emailing = sendEmailTo.customer || sendEmailTo.cc.length > 0
  if (sendEmailTo.customer && !ticket.caller.email) {
    return refuse({
      field: 'sendEmailTo.customer',
      rule: 'rule 6',
      message: 'The caller has no email address on the ticket; add one before sending this note.',
    })
  }
  const phrase = emailing ? passwordPhrase(body) : null
  if (phrase !== null) {
    return refuse({ field: 'body', rule: 'rule 3', message: passwordRefusal(phrase) })
  }
  return single(ctx, ticket, 'customer_note_added', {
    noteId: ctx.newId(),
    body,
    sendEmailTo,
    ...(sendEmailTo.customer && ticket.caller.email ? { customerEmail: ticket.caller.email } : {}),
  })
}

/** Rule 11: sensitive data in a customer-visible note can be redacted; the redaction is recorded. */
export function redactNote(
  ticket: Ticket,
  noteId: string,
  redactedBody: string,
  reason: string,
  ctx: CommandContext,
): CommandResult {
  const note = ticket.notes.find((n) => n.id === noteId)
  if (!note) return refuse({ field: 'noteId', message: 'No such note on this ticket.' })
  if (note.kind !== 'customer') {
    return refuse({
      field: 'noteId',
      rule: 'rule 11',
      message: 'Only customer-visible notes are redacted.',
    })
  }
  if (note.fromCustomer) {
    return refuse({
      field: 'noteId',
      rule: 'rule 11',
      message:
        "A customer's own email is kept as it arrived; only notes written here are redacted.",
    })
  }
  if (redactedBody === note.body)
    return refuse({ field: 'redactedBody', message: 'Nothing was removed from the note.' })
  return single(ctx, ticket, 'note_redacted', { noteId, redactedBody, reason })
}

// ---------------------------------------------------------------------------------------------
// Escalation (rules 4, 5, 7)

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

// ---------------------------------------------------------------------------------------------
// Resolution and closure (rules 8, 9)

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

// ---------------------------------------------------------------------------------------------
// Major incidents (rule 10)

/** Rule 10: during a major outage each call keeps its own ticket, linked to one parent incident. */
export function linkToParent(
  ticket: Ticket,
  parent: Ticket | null,
  ctx: CommandContext,
): CommandResult {
  if (ticket.state === 'closed')
    return refuse({ field: '', message: `Ticket ${ticket.number} is closed.` })
  if (parent) {
    if (parent.id === ticket.id)
      return refuse({
        field: 'parentTicketId',
        rule: 'rule 10',
        message: 'A ticket cannot be its own parent.',
      })
    if (parent.kind !== 'incident')
      return refuse({
        field: 'parentTicketId',
        rule: 'rule 10',
        message: 'The parent must be an incident.',
      })
    if (parent.parentTicketId) {
      return refuse({
        field: 'parentTicketId',
        rule: 'rule 10',
        message: `${parent.number} is itself linked to a parent; link to that major incident instead.`,
      })
    }
  }
  return single(ctx, ticket, 'parent_linked', { parentTicketId: parent?.id ?? null })
}
