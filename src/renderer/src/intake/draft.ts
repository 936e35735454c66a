/**
 * The call being taken: what the agent has typed so far, and how it becomes the ticket's events.
 * Plain data, so it is saved to the station store as typed and survives a crash or a reload.
 */
import type { CallTemplate, CallerRecord } from '../../../shared/directory'
import { uuidv7 } from '../../../shared/ids'
import type { Caller } from '../../../shared/incident/events'
import { applyEvent } from '../../../shared/incident/fold'
import {
  openTicket,
  reclassify,
  type CommandContext,
  type CommandResult,
  type OpenInput,
} from '../../../shared/incident/rules'
import type { IdentityItem, Level, Source, TicketKind } from '../../../shared/incident/vocabulary'

export interface CallerFields {
  /** The directory record the caller was picked from, if any. */
  callerId: string
  name: string
  phone: string
  email: string
  username: string
  department: string
  role: string
}

export interface IntakeDraft {
  /** Which call this is: a fresh call gets a new one, so two calls never share a saved draft. */
  id: string
  /** Time of call (rule 2): when the agent started the intake. */
  startedAt: number
  source: Source
  /** What the agent typed into the caller look-up. */
  callerQuery: string
  caller: CallerFields
  templateId: string | null
  title: string
  description: string
  service: string
  category: string
  subcategory: string
  impact: Level
  urgency: Level
  priorityIncrease: boolean
  accountMatter: boolean
  identity: IdentityItem[]
  /** Rule 1: incident unless the agent has established there is no technical issue. */
  kind: TicketKind
  reclassifyReason: string
  parentTicketId: string | null
  /** The phone system's call this intake was popped for; kept on the ticket. */
  callId?: string
}

export const EMPTY_CALLER: CallerFields = {
  callerId: '',
  name: '',
  phone: '',
  email: '',
  username: '',
  department: '',
  role: '',
}

export function emptyDraft(startedAt: number, id: string = uuidv7(startedAt)): IntakeDraft {
  return {
    id,
    startedAt,
    source: 'phone',
    callerQuery: '',
    caller: EMPTY_CALLER,
    templateId: null,
    title: '',
    description: '',
    service: '',
    category: '',
    subcategory: '',
    // One person, moderate: the most common call until the agent knows better (rule 2).
    impact: 4,
    urgency: 3,
    priorityIncrease: false,
    accountMatter: false,
    identity: [],
    kind: 'incident',
    reclassifyReason: '',
    parentTicketId: null,
  }
}

export function callerFromRecord(record: CallerRecord): CallerFields {
  return {
    callerId: record.id,
    name: record.name,
    phone: record.phone,
    email: record.email,
    username: record.username,
    department: record.department,
    role: record.role,
  }
}

/** A template fills the call's classification; text the agent already typed is kept. */
export function applyTemplate(draft: IntakeDraft, template: CallTemplate): IntakeDraft {
  return {
    ...draft,
    templateId: template.id,
    title: template.title,
    description: draft.description.trim() ? draft.description : template.description,
    service: template.service,
    category: template.category,
    subcategory: template.subcategory,
    impact: template.impact,
    urgency: template.urgency,
    accountMatter: template.accountMatter,
  }
}

/** Whether anything was typed: an untouched draft is not worth keeping. */
export function draftHasContent(draft: IntakeDraft): boolean {
  const blank = emptyDraft(draft.startedAt, draft.id)
  return JSON.stringify({ ...draft, source: blank.source }) !== JSON.stringify(blank)
}

/** Who an unfinished call was with, in the words the agent would use to find it again. */
export function draftCaller(draft: IntakeDraft): string {
  const { name, phone } = draft.caller
  return (
    name.trim() ||
    phone.trim() ||
    draft.callerQuery.trim() ||
    draft.title.trim() ||
    'Caller not yet known'
  )
}

function callerOf(fields: CallerFields): Caller {
  const optional = (value: string) => (value.trim() ? value.trim() : undefined)
  const caller: Caller = { name: fields.name.trim() }
  const extra = {
    callerId: optional(fields.callerId),
    phone: optional(fields.phone),
    email: optional(fields.email),
    username: optional(fields.username),
    department: optional(fields.department),
    role: optional(fields.role),
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value !== undefined) (caller as Record<string, string>)[key] = value
  }
  return caller
}

export function openInputOf(draft: IntakeDraft): OpenInput {
  return {
    source: draft.source,
    // A phone call opens as an incident and is reclassified after (rule 1); other sources may
    // arrive as what they are.
    kind: draft.source === 'phone' ? 'incident' : draft.kind,
    caller: callerOf(draft.caller),
    title: draft.title,
    description: draft.description,
    service: draft.service,
    category: draft.category,
    subcategory: draft.subcategory,
    impact: draft.impact,
    urgency: draft.urgency,
    priorityIncrease: draft.priorityIncrease,
    receivedAt: new Date(draft.startedAt).toISOString(),
    accountMatter: draft.accountMatter,
    ...(draft.accountMatter || draft.identity.length > 0
      ? { identityCheck: { verified: draft.identity } }
      : {}),
    ...(draft.parentTicketId ? { parentTicketId: draft.parentTicketId } : {}),
    ...(draft.callId ? { callId: draft.callId } : {}),
  }
}

/**
 * The events that log the call: the opening, and for a phone call that turned out not to be a
 * technical issue, its reclassification — so the history keeps that it began as an incident.
 */
export function logCall(draft: IntakeDraft, number: string, ctx: CommandContext): CommandResult {
  const opened = openTicket(openInputOf(draft), number, ctx)
  if (!opened.ok || draft.source !== 'phone' || draft.kind === 'incident') return opened
  const ticket = applyEvent(null, opened.events[0]!)!
  const reclassified = reclassify(ticket, draft.kind, draft.reclassifyReason, ctx)
  if (!reclassified.ok) {
    return {
      ok: false,
      errors: reclassified.errors.map((error) => ({
        ...error,
        field: error.field === 'payload.reason' ? 'reclassifyReason' : error.field,
      })),
    }
  }
  return { ok: true, events: [...opened.events, ...reclassified.events] }
}
