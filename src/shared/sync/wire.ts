/**
 * The sync protocol between a station's main process and the central server, versioned under
 * `/api/v1`. Push sends a batch of events; each gets its own result, so one bad event never blocks
 * the queue (it is acknowledged as rejected and stays visible to the agent). Pull pages through
 * the global log by `seq`. The live socket only pokes: the station then pulls.
 */
import { z } from 'zod'
import { callRecordSchema } from '../calls/cti'
import { userSchema } from '../directory'

export const API_PREFIX = '/api/v1'
export const MAX_PUSH_BATCH = 500
export const MAX_PULL_LIMIT = 1000
export const DEFAULT_PULL_LIMIT = 200

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

/** What a station reports about itself over the live socket, for the supervisors' floor view. */
export const stationReportSchema = z.object({
  pending: z.number().int().min(0),
  lastSyncAt: z.number().nullable(),
})

export const stationPresenceSchema = z.object({
  stationCode: z.string(),
  user: z.string().nullable(),
  connectedAt: z.number(),
  pending: z.number().int().min(0),
  lastSyncAt: z.number().nullable(),
  online: z.boolean(),
})
export type StationPresence = z.infer<typeof stationPresenceSchema>

export const serverLiveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('poke'), seq: z.number().int().min(0) }),
  z.object({ type: z.literal('stations'), stations: z.array(stationPresenceSchema) }),
  z.object({ type: z.literal('error'), code: z.string(), message: z.string() }),
  /** To the agent whose extension answered a call: the screen pop, its transfer, its end. */
  z.object({
    type: z.literal('call'),
    event: z.enum(['answered', 'transferred', 'ended']),
    call: callRecordSchema,
  }),
])
export type ServerLiveMessage = z.infer<typeof serverLiveMessageSchema>

export const stationLiveMessageSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('report'), ...stationReportSchema.shape }),
  z.object({ type: z.literal('watch_stations') }),
])
export type StationLiveMessage = z.infer<typeof stationLiveMessageSchema>

export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
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
} as const

export const loginRequestSchema = z.object({
  username: z.string().min(1).max(40),
  password: z.string().min(1).max(200),
  stationCode: z
    .string()
    .regex(/^[A-Z0-9]{1,12}$/)
    .optional(),
})
export const sessionResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.number(),
  user: z.object({
    username: z.string(),
    displayName: z.string(),
    role: z.enum(['agent', 'supervisor', 'admin']),
  }),
})
export type SessionResponse = z.infer<typeof sessionResponseSchema>

export const setupRequestSchema = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,40}$/),
  displayName: z.string().trim().min(1).max(120),
  password: z.string().min(10, 'use at least 10 characters').max(200),
  loadSampleDirectory: z.boolean().default(true),
  createDemoAccounts: z.boolean().default(false),
})

export const enrollRequestSchema = z.object({
  code: z.string().min(6).max(64),
  name: z.string().trim().min(1).max(80),
})
export const enrollResponseSchema = z.object({ stationCode: z.string(), name: z.string() })

export const monitoringAlertSchema = z.object({
  alertKey: z.string().trim().min(1).max(200),
  title: z.string().trim().min(1).max(200),
  description: z.string().max(20000).default(''),
  service: z.string().trim().max(120).default(''),
  category: z.string().trim().max(120).default(''),
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

export const createUserRequestSchema = userSchema.extend({
  password: z.string().min(10, 'use at least 10 characters').max(200),
})

export const enrollmentCodeResponseSchema = z.object({ code: z.string(), expiresAt: z.number() })
