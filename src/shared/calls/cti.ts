/**
 * The phone system's call events, in the generic CTI format that Zammad and Placetel publish
 * (`event=newCall|answer|hangup`, `from`, `to`, `direction`, `callId`, `cause`, `user[]`,
 * `answeringNumber`), plus a `transfer` event for the warm transfer. Existing PBX scripts post
 * them unchanged; Placetel's own names (`IncomingCall`, `CallAccepted`, `HungUp`, `call_id`,
 * `peer`, `type`) are mapped on the way in. A call is the fold of its events, so they may arrive
 * late, twice or out of order.
 */
import { z } from 'zod'
import { line } from '../text'

export const HANGUP_CAUSES = ['normal', 'abandoned', 'busy', 'no_answer'] as const
export type HangupCause = (typeof HANGUP_CAUSES)[number]

/** Every cause name a PBX may send (ours, Zammad's and Placetel's), and what it means here. */
const CAUSE_NAMES: Record<string, HangupCause> = {
  normal: 'normal',
  normalClearing: 'normal',
  forwarded: 'normal',
  accepted: 'normal',
  abandoned: 'abandoned',
  cancel: 'abandoned',
  canceled: 'abandoned',
  blocked: 'abandoned',
  busy: 'busy',
  congestion: 'busy',
  no_answer: 'no_answer',
  noAnswer: 'no_answer',
  notFound: 'no_answer',
  missed: 'no_answer',
  unavailable: 'no_answer',
  voicemail: 'no_answer',
}

const CTI_EVENTS = ['newCall', 'answer', 'hangup', 'transfer'] as const
export type CtiEventKind = (typeof CTI_EVENTS)[number]

/** A number as a PBX writes it, or the word it uses for a withheld one. */
const phoneNumber = line({ min: 1, max: 40 }).regex(
  /^(?:\+?[0-9*#() ./-]{1,40}|anonymous|unknown)$/i,
  'must be a phone number (digits, + * # ( ) . / - and spaces) or "anonymous"',
)

export const ctiEventSchema = z
  .object({
    event: z.enum(CTI_EVENTS, { message: `must be one of ${CTI_EVENTS.join(', ')}` }),
    callId: line({ min: 1, max: 250 }),
    from: phoneNumber.optional(),
    to: phoneNumber.optional(),
    direction: z.enum(['in', 'out'], { message: 'must be "in" or "out"' }).optional(),
    queue: line({ max: 80 }).optional(),
    /** The real names of the users involved; Zammad always sends it as `user[]`. */
    user: z
      .array(line({ max: 120 }))
      .max(20)
      .optional(),
    /**
     * The agent's extension (or user name) that took the call. Optional, as in Zammad's format: an
     * answer without it or `user[]` (the callee of an outbound call, say) pops no screen.
     */
    answeringNumber: line({ min: 1, max: 40 }).optional(),
    cause: z
      .enum(Object.keys(CAUSE_NAMES) as [string, ...string[]], {
        message: `must be one of ${HANGUP_CAUSES.join(', ')} (or Zammad's / Placetel's names for them)`,
      })
      .transform((name) => CAUSE_NAMES[name]!)
      .optional(),
    /** The number the call was warm-transferred to. */
    transferTo: phoneNumber.optional(),
  })
  .superRefine((event, ctx) => {
    const need = (field: keyof typeof event, why: string) => {
      if (event[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: why })
    }
    if (event.event === 'newCall') {
      need('from', 'is required on newCall')
      need('to', 'is required on newCall')
    }
    if (event.event === 'transfer') need('transferTo', 'is required on transfer')
  })
export type CtiEvent = z.output<typeof ctiEventSchema>

const PLACETEL_EVENTS: Record<string, { event: CtiEventKind; direction?: 'in' | 'out' }> = {
  IncomingCall: { event: 'newCall', direction: 'in' },
  OutgoingCall: { event: 'newCall', direction: 'out' },
  CallAccepted: { event: 'answer' },
  HungUp: { event: 'hangup' },
}

/**
 * The generic fields from what a PBX posted (form fields or JSON): Placetel's names become the
 * generic ones, `user` and `user[]` become one list. Values stay as sent, for the schema to judge.
 */
export function normalizeCtiFields(raw: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...raw }
  const rename = (from: string, to: string) => {
    if (fields[from] !== undefined && fields[to] === undefined) fields[to] = fields[from]
    delete fields[from]
  }
  const placetel = typeof raw.event === 'string' ? PLACETEL_EVENTS[raw.event] : undefined
  if (placetel) {
    fields.event = placetel.event
    if (placetel.direction) fields.direction ??= placetel.direction
  }
  rename('call_id', 'callId')
  rename('peer', 'answeringNumber')
  rename('type', 'cause')
  rename('transfer_to', 'transferTo')
  const users = [fields['user[]'], fields.user].flat().filter((u) => u !== undefined)
  delete fields['user[]']
  delete fields.user
  if (users.length) fields.user = users
  return fields
}

/** The de-duplication key of an event within its call: one of each kind, one per transfer target. */
export function ctiEventKey(event: CtiEvent): string {
  return event.event === 'transfer' ? `transfer:${event.transferTo}` : event.event
}

export const CALL_STATUSES = ['waiting', 'talking', 'answered', 'abandoned', 'not_reached'] as const
export type CallStatus = (typeof CALL_STATUSES)[number]

export const callRecordSchema = z.object({
  callId: z.string(),
  direction: z.enum(['in', 'out']),
  /** The caller's number (for an outbound call: the agent's line). */
  from: z.string(),
  /** The called number or queue. */
  to: z.string(),
  queue: z.string().nullable(),
  startedAt: z.number(),
  answeredAt: z.number().nullable(),
  /** The extension that answered and the agent it belongs to. */
  answeredBy: z.object({ extension: z.string(), username: z.string() }).nullable(),
  endedAt: z.number().nullable(),
  cause: z.enum(HANGUP_CAUSES).nullable(),
  transfers: z.array(z.object({ to: z.string(), at: z.number() })),
  status: z.enum(CALL_STATUSES),
})
export type CallRecord = z.infer<typeof callRecordSchema>

/** One stored event: what the PBX said, who it resolved to, and when the server heard it. */
export interface StoredCtiEvent {
  event: CtiEvent
  receivedAt: number
  /** For `answer`: the agent the extension belongs to. */
  answeredBy?: { extension: string; username: string }
}

const ORDER: Record<CtiEventKind, number> = { newCall: 0, answer: 1, transfer: 2, hangup: 3 }

/** The call as its events tell it, whatever order they came in. Null with no events. */
export function foldCall(events: readonly StoredCtiEvent[]): CallRecord | null {
  if (!events.length) return null
  const sorted = [...events].sort(
    (a, b) => a.receivedAt - b.receivedAt || ORDER[a.event.event] - ORDER[b.event.event],
  )
  const first = sorted[0]!
  const call: CallRecord = {
    callId: first.event.callId,
    direction: 'in',
    from: '',
    to: '',
    queue: null,
    startedAt: first.receivedAt,
    answeredAt: null,
    answeredBy: null,
    endedAt: null,
    cause: null,
    transfers: [],
    status: 'waiting',
  }
  for (const { event, receivedAt, answeredBy } of sorted) {
    if (event.direction) call.direction = event.direction
    if (event.from && (!call.from || event.event === 'newCall')) call.from = event.from
    if (event.to && (!call.to || event.event === 'newCall')) call.to = event.to
    if (event.queue) call.queue = event.queue
    if (event.event === 'answer' && call.answeredAt === null) {
      call.answeredAt = receivedAt
      call.answeredBy = answeredBy ?? null
    }
    if (event.event === 'transfer' && event.transferTo)
      call.transfers.push({ to: event.transferTo, at: receivedAt })
    if (event.event === 'hangup' && call.endedAt === null) {
      call.endedAt = receivedAt
      call.cause = event.cause ?? 'normal'
    }
  }
  call.status = statusOf(call)
  return call
}

function statusOf(call: CallRecord): CallStatus {
  if (call.endedAt === null) return call.answeredAt === null ? 'waiting' : 'talking'
  if (call.answeredAt !== null) return 'answered'
  // An inbound caller who hung up (or was dropped) before anyone answered is owed a call back.
  return call.direction === 'in' ? 'abandoned' : 'not_reached'
}

/** Answer to hang-up, in whole seconds; null until both happened. */
export function talkSeconds(call: Pick<CallRecord, 'answeredAt' | 'endedAt'>): number | null {
  if (call.answeredAt === null || call.endedAt === null) return null
  return Math.max(0, Math.round((call.endedAt - call.answeredAt) / 1000))
}
