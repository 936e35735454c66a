/**
 * The sync protocol between a station's main process and the central server, versioned under
 * `/api/v1`. Push sends a batch of events; each gets its own result, so one bad event never blocks
 * the queue (it is acknowledged as rejected and stays visible to the agent). Pull pages through
 * the global log by `seq`. The live socket carries each commit's events (`events`, bounded in
 * size); a station pulls only to fill a gap in its cursor, or after a plain `poke` (a commit too
 * large to carry, or notifications the server may have missed).
 */
import { z } from 'zod'
import { callRecordSchema } from '../calls/cti'
import { userSchema } from '../directory'
import { ticketEventSchema } from '../incident/events'
import { block, line } from '../text'
import { viewersMessageSchema, viewingMessageSchema } from './presence'

export const API_PREFIX = '/api/v1'
export const MAX_PUSH_BATCH = 500
export const MAX_PULL_LIMIT = 1000
export const DEFAULT_PULL_LIMIT = 200
/** Times are epoch milliseconds; ECMAScript's own range ends here. */
const MAX_TIME_MS = 8.64e15

/** Events travel as unknown JSON and are parsed with `parseTicketEvent` on arrival. */
export const pushRequestSchema = z.object({
  events: z.array(z.unknown()).min(1).max(MAX_PUSH_BATCH),
})
export type PushRequest = z.infer<typeof pushRequestSchema>

export const REJECTION_CODES = [
  'invalid_event',
  'unsupported_schema_version',
  'actor_mismatch',
  'forbidden',
  'station_mismatch',
  'conflicting_duplicate',
  /**
   * Not the server's verdict but the station's: the server failed (5xx) on this one event again
   * and again while it accepted others, so the agent set it aside instead of blocking its queue.
   */
  'server_error',
  /** An opening whose ticket number another ticket holds: the station renumbers the ticket. */
  'number_taken',
] as const
export type RejectionCode = (typeof REJECTION_CODES)[number]

export const pushResultSchema = z.discriminatedUnion('status', [
  z.object({ id: z.string(), status: z.literal('applied'), seq: z.number().int().positive() }),
  z.object({ id: z.string(), status: z.literal('duplicate'), seq: z.number().int().positive() }),
  z.object({
    id: z.string(),
    status: z.literal('rejected'),
    code: z.enum(REJECTION_CODES),
    reason: z.string(),
    /**
     * With `number_taken`: the highest sequence the server holds for the event's station, so the
     * station renumbers above it at once instead of trying the taken numbers one by one.
     */
    highestSequence: z.number().int().min(0).optional(),
  }),
])
export type PushResult = z.infer<typeof pushResultSchema>

export const pushResponseSchema = z.object({
  results: z.array(pushResultSchema),
  /** Set when this station's clock is far ahead of the server's; its events were still kept. */
  clockWarning: z.string().optional(),
})
export type PushResponse = z.infer<typeof pushResponseSchema>

export const pullQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PULL_LIMIT).default(DEFAULT_PULL_LIMIT),
})

/** A stored event as the server hands it out: the event plus its place in the global log. */
export const pulledEventSchema = z.object({ seq: z.number().int().positive(), event: z.unknown() })
export const pullResponseSchema = z.object({
  events: z.array(pulledEventSchema),
  /** The cursor to ask with next: the last seq of this page, or `after` when the page is empty. */
  next: z.number().int().min(0),
  upToDate: z.boolean(),
})
export type PullResponse = z.infer<typeof pullResponseSchema>

/**
 * A new station's first sync (issue 13): instead of folding the whole log from seq 0, it takes the
 * server's projections — the working tickets first, then every ticket in the background — and
 * pulls only what committed after. `scope=open`: tickets open or on hold; `all`: every ticket
 * (history). Pages run in ticket id order (`after` the last id of the previous page); `ids` asks
 * for named tickets instead (a station refetching a ticket it cannot fold from its own events).
 */
export const SNAPSHOT_SCOPES = ['open', 'all'] as const
export const MAX_SNAPSHOT_LIMIT = 2000
export const DEFAULT_SNAPSHOT_LIMIT = 1000
export const MAX_SNAPSHOT_IDS = 100
const ticketId = z.uuid()
export const snapshotQuerySchema = z.object({
  scope: z.enum(SNAPSHOT_SCOPES).default('open'),
  after: ticketId.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_SNAPSHOT_LIMIT).default(DEFAULT_SNAPSHOT_LIMIT),
  /** Comma-separated ticket ids; with it, `scope`, `after` and `limit` are ignored. */
  ids: z
    .string()
    .max(MAX_SNAPSHOT_IDS * 37)
    .transform((value) => value.split(','))
    .pipe(z.array(ticketId).min(1).max(MAX_SNAPSHOT_IDS))
    .optional(),
})
/** A snapshot request as a station makes it. */
export interface SnapshotRequest {
  scope: (typeof SNAPSHOT_SCOPES)[number]
  after?: string
  limit?: number
  ids?: readonly string[]
}

/** A projection as the server folded it, and the last seq folded into it. */
export const snapshotTicketSchema = z.object({
  seq: z.number().int().positive(),
  ticket: z.looseObject({ id: z.string(), lastEventKey: z.string(), state: z.string() }),
})
export const snapshotResponseSchema = z.object({
  tickets: z.array(snapshotTicketSchema),
  /** Ask with `after=next` for the following page; null: this was the last. */
  next: z.string().nullable(),
  /**
   * The log position this page is consistent with: every event up to it is folded into these
   * rows. A station starting from a snapshot pulls after the position of its first page.
   */
  position: z.number().int().min(0),
  /** Tickets in the scope, counted on a first page (no `after`), for the progress shown. */
  total: z.number().int().min(0).optional(),
})
export type SnapshotResponse = z.infer<typeof snapshotResponseSchema>

/** What a station reports about itself over the live socket, for the supervisors' floor view. */
export const stationReportSchema = z.object({
  pending: z.number().int().min(0).max(1e9),
  lastSyncAt: z.number().int().min(0).max(MAX_TIME_MS).nullable(),
  /** Events the agent set aside because the server kept failing on them (`server_error`). */
  setAside: z.number().int().min(0).max(1e9).default(0),
  /** The agent is on a call: an intake open, or the phone system's call answered and not ended. */
  onCall: z.boolean().default(false),
})

export const stationPresenceSchema = z.object({
  stationCode: z.string(),
  user: z.string().nullable(),
  connectedAt: z.number(),
  pending: z.number().int().min(0),
  lastSyncAt: z.number().nullable(),
  online: z.boolean(),
  /** See `stationReportSchema.setAside`: work a supervisor should look at. */
  setAside: z.number().int().min(0).default(0),
  onCall: z.boolean().default(false),
})
export type StationPresence = z.infer<typeof stationPresenceSchema>

/** The most events one live `events` message carries; a larger commit goes out as a poke. */
export const MAX_LIVE_EVENTS = MAX_PUSH_BATCH

export const liveEventsMessageSchema = z.object({
  type: z.literal('events'),
  /**
   * The log's highest seq before this commit: a station whose cursor is `after` applies the
   * events and moves its cursor to `next`; one behind it pulls. Seqs have holes (an insert that
   * conflicts uses one up), so only this chain, not the seqs, tells a gap.
   */
  after: z.number().int().min(0),
  /** The commit's highest seq (at least `after`). */
  next: z.number().int().min(0),
  events: z.array(pulledEventSchema).max(MAX_LIVE_EVENTS),
})
export type LiveEventsMessage = z.infer<typeof liveEventsMessageSchema>

export const serverLiveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('poke'), seq: z.number().int().min(0) }),
  liveEventsMessageSchema,
  z.object({ type: z.literal('stations'), stations: z.array(stationPresenceSchema) }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  /** To the agent whose extension answered a call: the screen pop, its transfer, its end. */
  z.object({
    type: z.literal('call'),
    event: z.enum(['answered', 'transferred', 'ended']),
    call: callRecordSchema,
  }),
  viewersMessageSchema,
])
export type ServerLiveMessage = z.infer<typeof serverLiveMessageSchema>

export const stationLiveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('report'), ...stationReportSchema.shape }),
  z.object({ type: z.literal('watch_stations') }),
  viewingMessageSchema,
])
export type StationLiveMessage = z.infer<typeof stationLiveMessageSchema>

export const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** A request the schema refused: each field's path and what is wrong with it. */
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
})
export type ErrorBody = z.infer<typeof errorBodySchema>

/**
 * The routes of the central server, shared so the station's client and the server cannot drift.
 * Authenticated routes take `Authorization: Bearer <session token>`.
 */
export const ROUTES = {
  health: `${API_PREFIX}/health`,
  openapi: `${API_PREFIX}/openapi.json`,
  /** GET: { needsSetup } ; POST: first administrator (refused once any user exists). */
  setup: `${API_PREFIX}/setup`,
  /** POST login → session; DELETE → log out (revokes the token). */
  session: `${API_PREFIX}/session`,
  /** POST: enroll this station with an admin-issued one-time code. */
  enroll: `${API_PREFIX}/stations/enroll`,
  /** GET: stations and their live presence (supervisors). */
  stations: `${API_PREFIX}/stations`,
  /** POST push; GET pull (`?after=&limit=`). */
  events: `${API_PREFIX}/events`,
  /** WebSocket: pokes and presence. Token in the `Sec-WebSocket-Protocol` header as `bearer.<token>`. */
  live: `${API_PREFIX}/live`,
  /** GET: teams, routing guidance, templates, priority policy, users (no secrets). PUT (admin): import, upserting by id. */
  directory: `${API_PREFIX}/directory`,
  /** GET ?q= : callers by phone, name or username. */
  callers: `${API_PREFIX}/callers`,
  /** POST: Event Management opens an incident, de-duplicated by alert key. */
  monitoringAlerts: `${API_PREFIX}/monitoring/alerts`,
  /** POST (admin): create a user account. */
  users: `${API_PREFIX}/users`,
  /** POST (admin): issue a one-time station enrollment code. */
  enrollmentCodes: `${API_PREFIX}/stations/enrollment-codes`,
  /** POST: the phone system's call events (generic CTI format, JSON or form), de-duplicated by call id. */
  ctiEvents: `${API_PREFIX}/cti/events`,
  /** GET (supervisors): which agent has which extension; PUT (admin): set them. */
  extensions: `${API_PREFIX}/cti/extensions`,
  /** GET (supervisors): the call log, newest first (`?since=`). */
  calls: `${API_PREFIX}/calls`,
  /** GET ?id= : an attachment of a customer's email, kept by the server (email in). */
  mailAttachment: `${API_PREFIX}/mail/attachments`,
  /** GET ?scope=open|all&after=&limit= or ?ids= : the server's ticket projections, paged by id. */
  snapshot: `${API_PREFIX}/snapshot`,
} as const

/**
 * Passwords are hashed, never stored, but text that is not well-formed Unicode would hash the same
 * as its replacement character: refused like any other text, and never trimmed.
 */
const password = (min: number) => block({ max: 200, min, trim: false })

export const loginRequestSchema = z.object({
  username: line({ max: 40, min: 1 }),
  password: password(1),
  stationCode: z
    .string()
    .regex(/^[A-Z0-9]{1,12}$/)
    .optional(),
})
/**
 * The highest ticket sequence the server holds for a station: the station's number counter is
 * raised to it at sign-in and enrollment, so a restored or copied station never reissues a number.
 */
const highestSequence = z.number().int().min(0).optional()

export const sessionResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.number(),
  user: z.object({
    username: z.string(),
    displayName: z.string(),
    role: z.enum(['agent', 'supervisor', 'admin']),
  }),
  /** Present when the session is on a station. */
  highestSequence,
})
export type SessionResponse = z.infer<typeof sessionResponseSchema>

export const setupRequestSchema = z.object({
  username: z
    .string()
    .regex(
      /^[a-z0-9._-]{2,40}$/,
      'use 2 to 40 lower-case letters, digits, dots, dashes or underscores',
    ),
  displayName: line({ max: 120, min: 1 }),
  password: password(10),
  loadSampleDirectory: z.boolean().default(true),
  createDemoAccounts: z.boolean().default(false),
})

export const enrollRequestSchema = z.object({
  code: line({ max: 64, min: 6 }),
  name: line({ max: 80, min: 1 }),
})
export const enrollResponseSchema = z.object({
  stationCode: z.string(),
  name: z.string(),
  /** The bearer token sent with the request now belongs to a session bound to this station. */
  sessionBound: z.boolean().optional(),
  highestSequence,
})

export const monitoringAlertSchema = z.object({
  alertKey: line({ max: 200, min: 1 }),
  title: line({ max: 200, min: 1 }),
  /** Short of a note's 20 000 so that a repeat's Tech Note (heading, title, description) fits. */
  description: block({ max: 19_000 }).default(''),
  service: line({ max: 120 }).default(''),
  category: line({ max: 120 }).default(''),
  impact: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(3),
  urgency: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]).default(3),
})

/** 201 from ROUTES.monitoringAlerts: a new incident, or a Tech Note on the open one with that key. */
export const monitoringAlertResponseSchema = z.object({
  outcome: z.enum(['opened', 'repeated']),
  ticketId: z.string(),
  number: z.string(),
  seq: z.number().int().positive(),
})

/** A password someone chooses: set up, a new account, a reset, a change of one's own. */
export const newPasswordSchema = password(10)

export const createUserRequestSchema = userSchema.extend({ password: newPasswordSchema })

/** GET ROUTES.callers, and the station API's caller lookup. */
export const callersQuerySchema = z.object({ q: line({ max: 120, min: 1 }) })

export const enrollmentCodeResponseSchema = z.object({ code: z.string(), expiresAt: z.number() })

// Documentation only: what the OpenAPI document shows where the runtime schema is looser on
// purpose. Nothing parses with these.

/**
 * A push as a client builds it. The server reads the items as unknown JSON and judges each on
 * its own, so an item that is not a valid ticket event gets a per-event rejection, never a 400.
 */
export const pushRequestDocument = z.object({
  events: z.array(ticketEventSchema).min(1).max(MAX_PUSH_BATCH),
})

/** A pulled page: every stored event is a ticket event. */
export const pullResponseDocument = pullResponseSchema.extend({
  events: z.array(pulledEventSchema.extend({ event: ticketEventSchema })),
})
