/**
 * The ticket log's event types. A ticket is the fold of these events (see fold.ts); they are
 * immutable once written. Every schema here is the wire format too: the server validates pushed
 * events with the same schemas, so a station and the server can never disagree on shape.
 */
import { z } from 'zod'
import { isHlc } from '../sync/hlc'
import { UUID_PATTERN } from '../ids'
import { block, line } from '../text'
import {
  AGREEMENT_METHODS,
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  IDENTITY_ITEMS,
  RESOLUTION_CODES,
  SLA_TARGETS,
  SOURCES,
  TICKET_KINDS,
} from './vocabulary'
import { RETURN_TO_OWNER_NOTE } from './standard-notes'

/** Bump when an event's shape changes; stations with older code are told to update. */
export const EVENT_SCHEMA_VERSION = 1

const id = z.string().regex(UUID_PATTERN, 'must be a UUID')
/** Lengths several fields share, in UTF-16 code units (as text.ts counts). */
const NOTE_MAX = 20000
const REASON_MAX = 2000
const level = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
const isoTime = z.iso.datetime({ offset: true })
const userName = z.string().regex(/^[a-z0-9._-]{2,40}$/, 'must be a user name')
const teamId = z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a team id')
const stationCode = z.string().regex(/^[A-Z0-9]{1,12}$/, 'must be a station code')

export const callerSchema = z.object({
  callerId: line({ max: 80 }).optional(),
  name: line({ max: 120, min: 1 }),
  phone: line({ max: 40 }).optional(),
  email: line({ max: 200 }).optional(),
  username: line({ max: 40 }).optional(),
  department: line({ max: 120 }).optional(),
  role: line({ max: 80 }).optional(),
})
export type Caller = z.infer<typeof callerSchema>

/** Rule 3: which identity items the agent verified for an account matter. */
export const identityCheckSchema = z.object({
  verified: z.array(z.enum(IDENTITY_ITEMS)).max(IDENTITY_ITEMS.length),
})

const classificationFields = {
  service: line({ max: 120 }),
  category: line({ max: 120 }),
  subcategory: line({ max: 120 }).optional(),
}

const ticketNumber = z.string().regex(/^[A-Z0-9]{1,12}-\d{1,9}$/, 'must look like STATION-SEQUENCE')

/** How many times one ticket may be renumbered; each renumbering needs a refused number first. */
export const MAX_PREVIOUS_NUMBERS = 10

export const openedPayload = z.object({
  /** Station code + per-station sequence; readable to the caller the moment it is shown. */
  number: ticketNumber,
  /**
   * Numbers this ticket was shown with before the server gave them to another ticket (a
   * replacement opening, see `renumberOpening`): a number once read to a caller stays findable.
   */
  previousNumbers: z.array(ticketNumber).min(1).max(MAX_PREVIOUS_NUMBERS).optional(),
  kind: z.enum(TICKET_KINDS),
  source: z.enum(SOURCES),
  caller: callerSchema,
  title: line({ max: 200, min: 1 }),
  description: block({ max: NOTE_MAX }),
  ...classificationFields,
  impact: level,
  urgency: level,
  priorityIncrease: z.boolean(),
  /** Time of call (rule 2); may precede the event's own clock if the agent logs after hanging up. */
  receivedAt: isoTime,
  identityCheck: identityCheckSchema.optional(),
  parentTicketId: id.optional(),
  /** Event Management's de-duplication key for monitoring alerts. */
  alertKey: line({ max: 200 }).optional(),
  /** The phone system's id of the call this ticket was logged on (the screen pop's). */
  callId: line({ min: 1, max: 250 }).optional(),
})

/** The fields a later event may change; each is last-writer-wins in the fold. */
export const editableFields = z
  .object({
    title: line({ max: 200, min: 1 }),
    description: block({ max: NOTE_MAX }),
    ...classificationFields,
    subcategory: line({ max: 120 }),
    impact: level,
    urgency: level,
    priorityIncrease: z.boolean(),
    caller: callerSchema,
    identityCheck: identityCheckSchema,
  })
  .partial()
export type EditableFields = z.infer<typeof editableFields>

export const fieldsChangedPayload = z.object({
  changes: editableFields.refine(
    (c) => Object.keys(c).length > 0,
    'at least one field must change',
  ),
})

export const reclassifiedPayload = z.object({
  to: z.enum(TICKET_KINDS),
  reason: block({ max: REASON_MAX, min: 1 }),
})

export const techNoteAddedPayload = z.object({
  noteId: id,
  body: block({ max: NOTE_MAX, min: 1 }),
})

/** Rule 6: a note reaches the customer only when Send Email To → customer is checked. */
export const sendEmailToSchema = z.object({
  customer: z.boolean(),
  cc: z.array(z.email()).max(10),
})

export const customerNoteAddedPayload = z.object({
  noteId: id,
  body: block({ max: NOTE_MAX, min: 1 }),
  sendEmailTo: sendEmailToSchema,
  /** Where the email goes; captured when written so a later caller edit does not redirect it. */
  customerEmail: z.email().optional(),
  /**
   * Set by replicas, never typed: the body is no longer what was written but the text of this
   * redaction (a `note_redacted` event id), see redaction.ts.
   */
  redactedBy: id.optional(),
})

/** Rule 4: the warm transfer of a phone incident, or why it could not happen. */
export const warmTransferSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('completed'),
    contactUsed: line({ max: 200, min: 1 }),
    acceptedBy: line({ max: 120, min: 1 }),
    acceptedAt: isoTime,
  }),
  z.object({
    status: z.literal('not_possible'),
    contactUsed: line({ max: 200 }).optional(),
    reason: block({ max: REASON_MAX, min: 1 }),
  }),
  z.object({ status: z.literal('not_applicable') }),
])
export type WarmTransfer = z.infer<typeof warmTransferSchema>

export const escalatedPayload = z.object({
  teamId,
  tier: z.union([z.literal(2), z.literal(3)]),
  /** Rule 5: the routing guidance followed, or why the agent chose otherwise. */
  routingGuidanceId: line({ max: 80 }).nullable(),
  offGuidanceReason: block({ max: REASON_MAX }).optional(),
  warmTransfer: warmTransferSchema,
})

export const assignedPayload = z.object({
  teamId,
  assignee: userName.nullable(),
  reason: block({ max: REASON_MAX }).optional(),
})

export const returnedToOwnerPayload = z.object({
  noteId: id,
  /** The Tech Note of rule 7, word for word: the schema refuses any other text. */
  note: z.literal(RETURN_TO_OWNER_NOTE),
  fromTeamId: teamId.nullable(),
})

/**
 * Rule 4: the owner is the agent who took the contact. A ticket the server opened (an email, an
 * alert) has none until an agent takes it over; `from` is the owner the taker saw, so of two
 * take-overs made at once the second finds someone else's ticket and is a conflict (fold-step.ts).
 */
export const ownershipTakenPayload = z.object({ from: userName })

export const heldPayload = z.object({
  reason: block({ max: 500, min: 1 }),
  /**
   * The hold awaits the customer, so rule 8's clocks stand still until the ticket resumes. Absent
   * (every hold recorded before the flag existed): the clocks run on, as they always did.
   */
  pausesSla: z.boolean().optional(),
})
export const resumedPayload = z.object({})

export const rootCauseClassificationSchema = z.object({
  service: line({ max: 120, min: 1 }),
  category: line({ max: 120, min: 1 }),
  subcategory: line({ max: 120, min: 1 }),
  rootCause: block({ max: 500, min: 1 }),
})

export const resolvedPayload = z.object({
  resolutionNotes: block({ max: NOTE_MAX, min: 1 }),
  classification: rootCauseClassificationSchema,
  resolutionCode: z.enum(RESOLUTION_CODES),
  customerAgreement: z.object({
    method: z.enum(AGREEMENT_METHODS),
    detail: block({ max: 500 }),
  }),
  firstContactResolution: z.boolean(),
  timeSpentMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30),
  /** Rule 4: resolved while a second-level team held it; the resolver's confirmed reason. */
  takenFromTeam: z.object({ teamId, reason: block({ max: REASON_MAX, min: 1 }) }).optional(),
})

export const reopenedPayload = z.object({ reason: block({ max: REASON_MAX, min: 1 }) })

export const closedPayload = z.object({
  customerSatisfied: z.boolean().nullable(),
  /** Manual closure by staff, or the 7-day reopen window running out (rule 9). */
  via: z.enum(['staff', 'reopen_window_elapsed']),
})

export const customerContactedPayload = z.object({
  channel: z.enum(CONTACT_CHANNELS),
  outcome: z.enum(CONTACT_OUTCOMES),
  note: block({ max: REASON_MAX }).optional(),
})

/** Written by the server alone, once per ticket and target: the target fell due unmet. */
export const slaBreachedPayload = z.object({
  target: z.enum(SLA_TARGETS),
  dueAt: isoTime,
})

export const parentLinkedPayload = z.object({
  parentTicketId: id.nullable(),
  /** Rule 10: the outage radar's proposal this link accepts (see outage.ts), when it does. */
  proposalId: id.optional(),
})

/** Rule 10: a supervisor promotes a ticket to a major incident, the parent other calls link to. */
export const majorDeclaredPayload = z.object({ reason: block({ max: REASON_MAX, min: 1 }) })

/**
 * The outage radar (server-made): this call is one of several on one service in a short time,
 * proposed to the supervisors as a major incident. Every candidate carries the same proposal.
 */
export const outageSuspectedPayload = z.object({
  proposalId: id,
  service: line({ max: 120, min: 1 }),
  candidateTicketIds: z.array(id).min(1).max(200),
  calls: z.number().int().min(2).max(1000),
  minutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
})

/** A supervisor dismissed the radar's proposal: recorded on each of its calls. */
export const outageDismissedPayload = z.object({
  proposalId: id,
  reason: block({ max: REASON_MAX }).optional(),
})

/** Rule 10: hierarchical escalation, first to the service desk manager, then to the director. */
export const MANAGEMENT_LEVELS = ['service_desk_manager', 'director_itsm'] as const
export const managementEscalatedPayload = z.object({
  level: z.enum(MANAGEMENT_LEVELS),
  /** Who holds that role in the directory when it was escalated: the person notified. */
  to: userName,
  reason: block({ max: REASON_MAX, min: 1 }),
})

/** Rule 11: redaction replaces the text of a customer-visible note; the redaction is recorded. */
export const noteRedactedPayload = z.object({
  noteId: id,
  /** Kept as written (not trimmed): it replaces the note's text exactly. */
  redactedBody: block({ max: NOTE_MAX, trim: false }),
  reason: block({ max: 500, min: 1 }),
  /** Set by replicas: a later redaction of the same note replaced this one's text, see redaction.ts. */
  supersededBy: id.optional(),
})

/** An attachment of a customer's email: kept on the server under `id`, or null when it was over the limit. */
export const mailAttachmentSchema = z.object({
  name: line({ max: 200, min: 1 }),
  type: line({ max: 200 }),
  size: z.number().int().min(0),
  id: id.nullable(),
})
export type MailAttachment = z.infer<typeof mailAttachmentSchema>

/**
 * A customer wrote in (email in): recorded by the server alone, on a ticket it opened from the
 * message or one the message replies to; the owner is notified of it. The text is the message's
 * as received, made storable (see `storableText`), never refused.
 */
export const customerMessageReceivedPayload = z.object({
  /** The message's own Message-ID, or `sha256:<hex>` of the message when it had none. */
  messageId: line({ max: 1000, min: 1 }),
  from: line({ max: 320 }),
  subject: line({ max: 200 }),
  body: block({ max: NOTE_MAX }),
  attachments: z.array(mailAttachmentSchema).max(50),
})

export const EVENT_PAYLOADS = {
  opened: openedPayload,
  fields_changed: fieldsChangedPayload,
  reclassified: reclassifiedPayload,
  tech_note_added: techNoteAddedPayload,
  customer_note_added: customerNoteAddedPayload,
  escalated: escalatedPayload,
  assigned: assignedPayload,
  returned_to_owner: returnedToOwnerPayload,
  ownership_taken: ownershipTakenPayload,
  held: heldPayload,
  resumed: resumedPayload,
  resolved: resolvedPayload,
  reopened: reopenedPayload,
  closed: closedPayload,
  customer_contacted: customerContactedPayload,
  parent_linked: parentLinkedPayload,
  note_redacted: noteRedactedPayload,
  major_declared: majorDeclaredPayload,
  outage_suspected: outageSuspectedPayload,
  outage_dismissed: outageDismissedPayload,
  management_escalated: managementEscalatedPayload,
  sla_breached: slaBreachedPayload,
  customer_message_received: customerMessageReceivedPayload,
} as const

export type EventType = keyof typeof EVENT_PAYLOADS
export const EVENT_TYPES = Object.keys(EVENT_PAYLOADS) as EventType[]

const envelope = {
  id,
  ticketId: id,
  actor: userName,
  station: stationCode,
  hlc: z.string().refine(isHlc, 'must be a hybrid logical clock value'),
  schemaVersion: z.literal(EVENT_SCHEMA_VERSION),
}

function eventOf<T extends EventType>(type: T) {
  return z.object({ ...envelope, type: z.literal(type), payload: EVENT_PAYLOADS[type] })
}

export const ticketEventSchema = z.discriminatedUnion('type', [
  eventOf('opened'),
  eventOf('fields_changed'),
  eventOf('reclassified'),
  eventOf('tech_note_added'),
  eventOf('customer_note_added'),
  eventOf('escalated'),
  eventOf('assigned'),
  eventOf('returned_to_owner'),
  eventOf('ownership_taken'),
  eventOf('held'),
  eventOf('resumed'),
  eventOf('resolved'),
  eventOf('reopened'),
  eventOf('closed'),
  eventOf('customer_contacted'),
  eventOf('parent_linked'),
  eventOf('note_redacted'),
  eventOf('major_declared'),
  eventOf('outage_suspected'),
  eventOf('outage_dismissed'),
  eventOf('management_escalated'),
  eventOf('sla_breached'),
  eventOf('customer_message_received'),
])

export type TicketEvent = z.infer<typeof ticketEventSchema>
export type EventOf<T extends EventType> = Extract<TicketEvent, { type: T }>
export type PayloadOf<T extends EventType> = EventOf<T>['payload']

/** Validation result in plain words, for the agent and for the server's rejection reasons. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : 'event'}: ${issue.message}`)
    .join('; ')
}

/**
 * Parses an event from the wire. An unknown schema version is reported separately so a station
 * running older or newer code gets "update this station" rather than a shape error.
 */
export function parseTicketEvent(
  input: unknown,
):
  | { ok: true; event: TicketEvent }
  | { ok: false; code: 'unsupported_schema_version' | 'invalid_event'; message: string } {
  const version =
    typeof input === 'object' && input !== null && 'schemaVersion' in input
      ? (input as { schemaVersion: unknown }).schemaVersion
      : EVENT_SCHEMA_VERSION
  if (version !== EVENT_SCHEMA_VERSION) {
    // JSON, not String(): `{"toString": 1}` would make String() throw, and JSON escapes any text
    // no replica can store; bounded, as the reason is stored with the station's copy.
    const shown = (JSON.stringify(version) ?? typeof version).slice(0, 40)
    return {
      ok: false,
      code: 'unsupported_schema_version',
      message: `Event schema version ${shown} is not supported (this side speaks ${EVENT_SCHEMA_VERSION}): update this station.`,
    }
  }
  const result = ticketEventSchema.safeParse(input)
  return result.success
    ? { ok: true, event: result.data }
    : { ok: false, code: 'invalid_event', message: describeIssues(result.error) }
}

/** Total order of the log: by hybrid logical clock, ties broken by event id. */
export function compareEvents(
  a: Pick<TicketEvent, 'hlc' | 'id'>,
  b: Pick<TicketEvent, 'hlc' | 'id'>,
): number {
  if (a.hlc !== b.hlc) return a.hlc < b.hlc ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}
