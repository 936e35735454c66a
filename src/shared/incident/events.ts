/**
 * The ticket log's event types. A ticket is the fold of these events (see fold.ts); they are
 * immutable once written. Every schema here is the wire format too: the server validates pushed
 * events with the same schemas, so a station and the server can never disagree on shape.
 */
import { z } from 'zod'
import { isHlc } from '../sync/hlc'
import { line } from '../text'
import { UUID_PATTERN } from '../ids'
import {
  AGREEMENT_METHODS,
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  IDENTITY_ITEMS,
  RESOLUTION_CODES,
  SOURCES,
  TICKET_KINDS,
} from './vocabulary'
import { RETURN_TO_OWNER_NOTE } from './standard-notes'

/** Bump when an event's shape changes; stations with older code are told to update. */
export const EVENT_SCHEMA_VERSION = 1

const id = z.string().regex(UUID_PATTERN, 'must be a UUID')
const text = (max: number) => z.string().trim().min(1, 'is required').max(max)
const optionalText = (max: number) => z.string().trim().max(max)
const level = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)])
const isoTime = z.iso.datetime({ offset: true })
const userName = z.string().regex(/^[a-z0-9._-]{2,40}$/, 'must be a user name')
const teamId = z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be a team id')
const stationCode = z.string().regex(/^[A-Z0-9]{1,12}$/, 'must be a station code')

export const callerSchema = z.object({
  callerId: z.string().max(80).optional(),
  name: text(120),
  phone: optionalText(40).optional(),
  email: optionalText(200).optional(),
  username: optionalText(40).optional(),
  department: optionalText(120).optional(),
  role: optionalText(80).optional(),
})
export type Caller = z.infer<typeof callerSchema>

/** Rule 3: which identity items the agent verified for an account matter. */
export const identityCheckSchema = z.object({
  verified: z.array(z.enum(IDENTITY_ITEMS)).max(IDENTITY_ITEMS.length),
})

const classificationFields = {
  service: optionalText(120),
  category: optionalText(120),
  subcategory: optionalText(120).optional(),
}

export const openedPayload = z.object({
  /** Station code + per-station sequence; readable to the caller the moment it is shown. */
  number: z.string().regex(/^[A-Z0-9]{1,12}-\d{1,9}$/, 'must look like STATION-SEQUENCE'),
  kind: z.enum(TICKET_KINDS),
  source: z.enum(SOURCES),
  caller: callerSchema,
  title: text(200),
  description: optionalText(20000),
  ...classificationFields,
  impact: level,
  urgency: level,
  priorityIncrease: z.boolean(),
  /** Time of call (rule 2); may precede the event's own clock if the agent logs after hanging up. */
  receivedAt: isoTime,
  identityCheck: identityCheckSchema.optional(),
  parentTicketId: id.optional(),
  /** Event Management's de-duplication key for monitoring alerts. */
  alertKey: optionalText(200).optional(),
  /** The phone system's id of the call this ticket was logged on (the screen pop's). */
  callId: line({ min: 1, max: 250 }).optional(),
})

/** The fields a later event may change; each is last-writer-wins in the fold. */
export const editableFields = z
  .object({
    title: text(200),
    description: optionalText(20000),
    ...classificationFields,
    subcategory: optionalText(120),
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
  reason: text(2000),
})

export const techNoteAddedPayload = z.object({
  noteId: id,
  body: text(20000),
})

/** Rule 6: a note reaches the customer only when Send Email To → customer is checked. */
export const sendEmailToSchema = z.object({
  customer: z.boolean(),
  cc: z.array(z.email()).max(10),
})

export const customerNoteAddedPayload = z.object({
  noteId: id,
  body: text(20000),
  sendEmailTo: sendEmailToSchema,
  /** Where the email goes; captured when written so a later caller edit does not redirect it. */
  customerEmail: z.email().optional(),
})

/** Rule 4: the warm transfer of a phone incident, or why it could not happen. */
export const warmTransferSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('completed'),
    contactUsed: text(200),
    acceptedBy: text(120),
    acceptedAt: isoTime,
  }),
  z.object({
    status: z.literal('not_possible'),
    contactUsed: optionalText(200).optional(),
    reason: text(2000),
  }),
  z.object({ status: z.literal('not_applicable') }),
])
export type WarmTransfer = z.infer<typeof warmTransferSchema>

export const escalatedPayload = z.object({
  teamId,
  tier: z.union([z.literal(2), z.literal(3)]),
  /** Rule 5: the routing guidance followed, or why the agent chose otherwise. */
  routingGuidanceId: z.string().max(80).nullable(),
  offGuidanceReason: optionalText(2000).optional(),
  warmTransfer: warmTransferSchema,
})

export const assignedPayload = z.object({
  teamId,
  assignee: userName.nullable(),
  reason: optionalText(2000).optional(),
})

export const returnedToOwnerPayload = z.object({
  noteId: id,
  /** The Tech Note of rule 7, word for word: the schema refuses any other text. */
  note: z.literal(RETURN_TO_OWNER_NOTE),
  fromTeamId: teamId.nullable(),
})

export const heldPayload = z.object({ reason: text(500) })
export const resumedPayload = z.object({})

export const rootCauseClassificationSchema = z.object({
  service: text(120),
  category: text(120),
  subcategory: text(120),
  rootCause: text(500),
})

export const resolvedPayload = z.object({
  resolutionNotes: text(20000),
  classification: rootCauseClassificationSchema,
  resolutionCode: z.enum(RESOLUTION_CODES),
  customerAgreement: z.object({
    method: z.enum(AGREEMENT_METHODS),
    detail: optionalText(500),
  }),
  firstContactResolution: z.boolean(),
  timeSpentMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30),
})

export const reopenedPayload = z.object({ reason: text(2000) })

export const closedPayload = z.object({
  customerSatisfied: z.boolean().nullable(),
  /** Manual closure by staff, or the 7-day reopen window running out (rule 9). */
  via: z.enum(['staff', 'reopen_window_elapsed']),
})

export const customerContactedPayload = z.object({
  channel: z.enum(CONTACT_CHANNELS),
  outcome: z.enum(CONTACT_OUTCOMES),
  note: optionalText(2000).optional(),
})

export const parentLinkedPayload = z.object({ parentTicketId: id.nullable() })

/** Rule 11: redaction replaces the text of a customer-visible note; the redaction is recorded. */
export const noteRedactedPayload = z.object({
  noteId: id,
  redactedBody: z.string().max(20000),
  reason: text(500),
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
  held: heldPayload,
  resumed: resumedPayload,
  resolved: resolvedPayload,
  reopened: reopenedPayload,
  closed: closedPayload,
  customer_contacted: customerContactedPayload,
  parent_linked: parentLinkedPayload,
  note_redacted: noteRedactedPayload,
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
  eventOf('held'),
  eventOf('resumed'),
  eventOf('resolved'),
  eventOf('reopened'),
  eventOf('closed'),
  eventOf('customer_contacted'),
  eventOf('parent_linked'),
  eventOf('note_redacted'),
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
  if (
    typeof input === 'object' &&
    input !== null &&
    'schemaVersion' in input &&
    (input as { schemaVersion: unknown }).schemaVersion !== EVENT_SCHEMA_VERSION
  ) {
    return {
      ok: false,
      code: 'unsupported_schema_version',
      message: `Event schema version ${String((input as { schemaVersion: unknown }).schemaVersion)} is not supported (this side speaks ${EVENT_SCHEMA_VERSION}): update this station.`,
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
