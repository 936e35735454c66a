/**
 * The one contract between the renderer and the station services of the main process.
 *
 * Two maps carry it: `stationApiSchemas` (method → request and response schema) and
 * `stationEventSchemas` (notification → payload schema, pushed from main). Everything that moves
 * messages is generic over these maps — the preload, the Electron IPC handler, the browser host's
 * WebSocket and the renderer's bridge — so adding a method means adding one entry here and one
 * handler in main, and no transport changes.
 *
 * Who holds the data: the renderer's Dexie store is the station's source of truth. Main only
 * relays: it keeps the events it was handed until the server has answered for them (a durable
 * outbox), and fetches pages for the renderer, which sends its own cursor with each request. The
 * one thing main owns is the station's ticket-number sequence, which no renderer profile may hold.
 *
 * Every request is validated in main (the renderer is not trusted), and every response is parsed
 * on its way out, so nothing beyond the contract (a session token, say) can leave main.
 */
import { z } from 'zod'
import { adminApiSchemas } from './admin-api'
import { HANGUP_CAUSES, callRecordSchema } from './calls/cti'
import { UUID_PATTERN } from './ids'
import {
  callerRecordSchema,
  callTemplateSchema,
  routingGuidanceSchema,
  teamSchema,
  userSchema,
  majorIncidentSettingsSchema,
} from './directory'
import { priorityPolicySchema } from './incident/priority'
import { block, line } from './text'
import { MAX_VIEWING, ticketViewerSchema } from './sync/presence'
import {
  callersQuerySchema,
  enrollRequestSchema,
  enrollResponseSchema,
  liveEventsMessageSchema,
  pullResponseSchema,
  snapshotResponseSchema,
  SNAPSHOT_SCOPES,
  MAX_SNAPSHOT_IDS,
  MAX_SNAPSHOT_LIMIT,
  pushResultSchema,
  loginRequestSchema,
  setupRequestSchema,
  stationPresenceSchema,
  MAX_PULL_LIMIT,
} from './sync/wire'

/** The most events one hand-over may carry; the renderer splits larger backlogs. */
export const MAX_HAND_OVER = 1000

const empty = z.object({})

// ---------------------------------------------------------------------------------------------
// Session

export const sessionStateSchema = z.object({
  user: userSchema.nullable(),
  /** `offline`: signed in against this station's verifier; pushing waits for an online sign-in. */
  mode: z.enum(['online', 'offline']).nullable(),
  expiresAt: z.number().nullable(),
  /**
   * Set while a user is at the desk without a sign-in the central server takes (the station
   * restarted without its token, it expired, the server signed it out, or the user signed in
   * offline): nothing syncs until they sign in online again, which the desk offers in place.
   */
  needsSignIn: z.object({ reason: z.string() }).nullable(),
})
export type SessionState = z.infer<typeof sessionStateSchema>

const credentialsSchema = z.object({
  username: loginRequestSchema.shape.username.toLowerCase(),
  password: loginRequestSchema.shape.password,
})

// ---------------------------------------------------------------------------------------------
// Sync

/**
 * An event handed to main for pushing. Main needs only its id (to keep each event once) and its
 * actor (only the signed-in user's events can be pushed with that user's token); the server judges
 * the rest, and a malformed event comes back as a per-event rejection instead of blocking the queue.
 */
export const handedOverEventSchema = z.looseObject({
  id: z.string().regex(UUID_PATTERN, 'must be a UUID'),
  actor: z.string().min(1).max(40),
})

export const syncStatusSchema = z.object({
  connection: z.enum(['online', 'offline', 'syncing']),
  /** Events main holds that the server has not answered for yet. */
  pending: z.number().int().min(0),
  /** Of those, events of other users: they go out when that user signs in online again. */
  waitingForSignIn: z.number().int().min(0),
  /**
   * Events set aside because the server kept failing on them alone (rejected `server_error` in the
   * renderer's store); `sync.sendSetAsideAgain` tries them again.
   */
  setAside: z.number().int().min(0),
  lastSyncAt: z.number().nullable(),
  /** The last problem, in plain words for the agent; null once things work again. */
  lastError: z.string().nullable(),
  /** Set while the server says this station's clock is far off. */
  clockWarning: z.string().nullable(),
  nextRetryAt: z.number().nullable(),
})
export type SyncStatus = z.infer<typeof syncStatusSchema>

export const syncResultsSchema = z.object({
  results: z.array(pushResultSchema),
  clockWarning: z.string().optional(),
})
export type SyncResults = z.infer<typeof syncResultsSchema>

// ---------------------------------------------------------------------------------------------
// Ticket numbers

/** The most numbers one reservation may take: a window holds a small block, not a range. */
export const MAX_NUMBER_RESERVATION = 20

/**
 * Numbers `first`..`last` of station `stationCode`, handed to one window and to no one else. The
 * main process is the one authority for a station's sequence: a wiped renderer profile or a second
 * window never restarts it. A number of the block that goes unused is skipped, never reissued.
 */
export const numberBlockSchema = z.object({
  stationCode: z.string(),
  first: z.number().int().min(1),
  last: z.number().int().min(1),
})
export type NumberBlock = z.infer<typeof numberBlockSchema>

export const numberReservationSchema = z.object({
  /** The station the window numbers for; main refuses when it is not this station's code. */
  stationCode: z.string().regex(/^[A-Z0-9]{1,12}$/),
  count: z.number().int().min(1).max(MAX_NUMBER_RESERVATION),
  /** The highest sequence the window has seen used at this station: the block starts above it. */
  floor: z.number().int().min(0).max(999_999_999).optional(),
})
export type NumberReservation = z.infer<typeof numberReservationSchema>

// ---------------------------------------------------------------------------------------------
// Directory

export const directorySnapshotSchema = z.object({
  teams: z.array(teamSchema),
  routingGuidance: z.array(routingGuidanceSchema),
  templates: z.array(callTemplateSchema),
  policy: priorityPolicySchema,
  users: z.array(userSchema),
  /** Absent from servers older than rule 10's settings. */
  majorIncidents: majorIncidentSettingsSchema.optional(),
})
export type DirectorySnapshot = z.infer<typeof directorySnapshotSchema>

// ---------------------------------------------------------------------------------------------
// App

export const appInfoSchema = z.object({
  version: z.string(),
  /** Where this renderer runs: inside Electron, or in a browser through the browser host. */
  shell: z.enum(['electron', 'browser']),
  serverUrl: z.string(),
  /** The central server runs inside this app (no server URL configured). */
  embeddedServer: z.boolean(),
})
export type AppInfo = z.infer<typeof appInfoSchema>

const serverUrlSchema = z.url({ protocol: /^https?$/ }).max(400)

export const stationInfoSchema = z.object({
  stationCode: z.string().nullable(),
  name: z.string().nullable(),
})
export type StationInfo = z.infer<typeof stationInfoSchema>

// ---------------------------------------------------------------------------------------------
// The maps

export const stationApiSchemas = {
  'session.current': { request: empty, response: sessionStateSchema },
  /** Fails with code `offline` when the server cannot be reached (then try `loginOffline`). */
  'session.login': { request: credentialsSchema, response: sessionStateSchema },
  /** Only for users who signed in online on this station before; checked against a local verifier. */
  'session.loginOffline': { request: credentialsSchema, response: sessionStateSchema },
  /** `pendingLeft`: this user's events still unsent; they go out at the user's next online sign-in. */
  'session.logout': {
    request: empty,
    response: z.object({ pendingLeft: z.number().int().min(0) }),
  },
  'session.setupNeeded': { request: empty, response: z.object({ needsSetup: z.boolean() }) },
  /** First run: creates the first administrator (refused by the server once any user exists). */
  'session.setup': { request: setupRequestSchema, response: sessionStateSchema },

  'station.info': { request: empty, response: stationInfoSchema },
  'station.enroll': { request: enrollRequestSchema, response: enrollResponseSchema },

  /** A block of ticket numbers for this window, durable in main before it is returned. */
  'numbers.reserve': { request: numberReservationSchema, response: numberBlockSchema },

  /** Resolves once main holds the events durably; results arrive later as `sync.results`. */
  'sync.handOver': {
    request: z.object({ events: z.array(handedOverEventSchema).max(MAX_HAND_OVER) }),
    response: z.object({ accepted: z.number().int().min(0) }),
  },
  /** One page of the server's log after the renderer's own cursor. */
  'sync.nextPage': {
    request: z.object({
      after: z.number().int().min(0),
      limit: z.number().int().min(1).max(MAX_PULL_LIMIT).optional(),
    }),
    response: pullResponseSchema,
  },
  /** A page of the server's ticket projections, for a new station's first sync (issue 13). */
  'sync.snapshotPage': {
    request: z.object({
      scope: z.enum(SNAPSHOT_SCOPES),
      after: z.uuid().optional(),
      limit: z.number().int().min(1).max(MAX_SNAPSHOT_LIMIT).optional(),
      ids: z.array(z.uuid()).min(1).max(MAX_SNAPSHOT_IDS).optional(),
    }),
    response: snapshotResponseSchema,
  },
  'sync.status': { request: empty, response: syncStatusSchema },
  /** Try now instead of waiting out the backoff (the agent's "retry" button). */
  'sync.retryNow': { request: empty, response: syncStatusSchema },
  /** Puts every set-aside event back in the outbox and pushes (once the server is fixed). */
  'sync.sendSetAsideAgain': { request: empty, response: syncStatusSchema },

  'directory.get': { request: empty, response: directorySnapshotSchema },
  'directory.callers': {
    request: callersQuerySchema,
    response: z.object({ callers: z.array(callerRecordSchema) }),
  },
  /** Supervisors: the phone system's call log since a time (epoch ms), newest first. */
  'calls.log': {
    request: z.object({ since: z.number().int().min(0) }),
    response: z.object({ calls: z.array(callRecordSchema) }),
  },
  /**
   * What this window shows (the tickets open in it, whether a call intake is open): kept while the
   * live socket is up, never stored. Answers with who else has which ticket open.
   */
  'presence.report': {
    request: z.object({
      viewing: z.array(z.string().regex(UUID_PATTERN)).max(MAX_VIEWING),
      intakeOpen: z.boolean(),
    }),
    response: z.object({ viewers: z.array(ticketViewerSchema) }),
  },
  /** Supervisors: ask for `floor.stations` notifications. */
  'floor.watch': { request: empty, response: empty },

  'notify.show': {
    request: z.object({
      title: line({ max: 120, min: 1 }),
      body: block({ max: 500 }),
      ticketId: z.string().regex(UUID_PATTERN).optional(),
      /** What the notification reports; main shows a key once, however many windows ask. */
      key: line({ max: 200, min: 1 }).optional(),
    }),
    response: z.object({ shown: z.boolean() }),
  },

  'app.info': { request: empty, response: appInfoSchema },
  /** A changed server URL takes effect at the next start; null goes back to the embedded server. */
  'app.setServerUrl': {
    request: z.object({ serverUrl: serverUrlSchema.nullable() }),
    response: z.object({ restartRequired: z.boolean() }),
  },

  ...adminApiSchemas,
} as const

export const stationEventSchemas = {
  'sync.status': syncStatusSchema,
  /** Per-event push results; the renderer applies them to its store. */
  'sync.results': syncResultsSchema,
  /**
   * The server has new events: the renderer pulls. `seq` null means "notifications may have been
   * missed" (a start, a reconnect): the renderer then also hands its pending events over again.
   */
  'sync.remoteChanged': z.object({ seq: z.number().int().min(0).nullable() }),
  /**
   * A commit's events, as the live socket carried them: the renderer applies them when its cursor
   * is `after`, and pulls when it is behind (see `liveEventsMessageSchema`).
   */
  'sync.remoteEvents': liveEventsMessageSchema.omit({ type: true }),
  /** The session changed under the renderer (a token expired, say). */
  'session.changed': sessionStateSchema,
  /**
   * Screen pop: a call is ringing at this station (a warmline:// or tel: link), or the phone
   * system says this agent's extension answered it (then with its `callId`).
   */
  'call.incoming': z.object({
    number: z.string().min(1).max(40),
    at: z.number(),
    callId: z.string().max(250).optional(),
  }),
  /** The phone system warm-transferred this agent's call to `to`. */
  'call.transferred': z.object({
    callId: z.string().max(250),
    to: z.string().max(40),
    at: z.number(),
  }),
  /** This agent's call ended; `talkSeconds` from answer to hang-up. */
  'call.ended': z.object({
    callId: z.string().max(250),
    talkSeconds: z.number().int().min(0).nullable(),
    cause: z.enum(HANGUP_CAUSES).nullable(),
  }),
  /** A notification the user clicked. */
  'notify.clicked': z.object({ ticketId: z.string().nullable() }),
  'floor.stations': z.object({ stations: z.array(stationPresenceSchema) }),
  /** Who else has which ticket open, whenever it changes (empty while the live socket is down). */
  'presence.viewers': z.object({ viewers: z.array(ticketViewerSchema) }),
  /**
   * Main's counter was raised (sign-in, enrollment): numbers up to `highest` are the server's, so
   * a window drops what it holds of them before showing one.
   */
  'numbers.raised': z.object({ stationCode: z.string(), highest: z.number().int().min(0) }),
} as const

export type StationApiSchemas = typeof stationApiSchemas
export type StationMethod = keyof StationApiSchemas
export type StationEvent = keyof typeof stationEventSchemas
export type RequestOf<M extends StationMethod> = z.input<StationApiSchemas[M]['request']>
export type ParsedRequestOf<M extends StationMethod> = z.output<StationApiSchemas[M]['request']>
export type ResponseOf<M extends StationMethod> = z.output<StationApiSchemas[M]['response']>
export type EventPayloadOf<E extends StationEvent> = z.output<(typeof stationEventSchemas)[E]>

export const STATION_METHODS = Object.keys(stationApiSchemas) as StationMethod[]

export function isStationMethod(value: unknown): value is StationMethod {
  return typeof value === 'string' && Object.hasOwn(stationApiSchemas, value)
}

export function isStationEvent(value: unknown): value is StationEvent {
  return typeof value === 'string' && Object.hasOwn(stationEventSchemas, value)
}

// ---------------------------------------------------------------------------------------------
// The wire envelope, the same over IPC and over the browser host's WebSocket

export const STATION_ERROR_CODES = [
  /** The request did not match the contract. */
  'bad_request',
  /** The central server cannot be reached. */
  'offline',
  'unauthorized',
  'forbidden',
  'invalid_credentials',
  'not_signed_in',
  'not_enrolled',
  'refused',
  /** The platform refuses (no OS keychain, say). */
  'unavailable',
  'internal',
] as const
export type StationErrorCode = (typeof STATION_ERROR_CODES)[number]

export const stationReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.enum(STATION_ERROR_CODES),
      /** For the person at the desk: plain words, naming a field as they know it. */
      message: z.string(),
      /** For logs: the method and the schema's paths, when the message leaves them out. */
      detail: z.string().optional(),
    }),
  }),
])
export type StationReply = z.infer<typeof stationReplySchema>

/**
 * An error with a code the UI can branch on, a message the agent can read, and (when the message
 * leaves something technical out) the detail for logs.
 */
export class StationError extends Error {
  constructor(
    readonly code: StationErrorCode,
    message: string,
    readonly detail?: string,
  ) {
    super(message)
    this.name = 'StationError'
  }
}

/** The Electron IPC channels the preload and the main process share. */
export const STATION_IPC = { invoke: 'station:invoke', event: 'station:event' } as const

/**
 * The browser host's WebSocket: its path, and the subprotocol prefix the page presents this
 * launch's token in (`warmline-token.<token>`).
 */
export const BROWSER_HOST = {
  socketPath: '/station',
  tokenProtocolPrefix: 'warmline-token.',
} as const

/** What a transport moves: one generic call (answered with a `StationReply`) and one subscription. */
export interface StationTransport {
  invoke(method: StationMethod, request: unknown): Promise<unknown>
  subscribe(listener: (event: StationEvent, payload: unknown) => void): () => void
}

// ---------------------------------------------------------------------------------------------
// The typed face the UI uses: `station.sync.handOver({ events })`, built from the map

type Namespace<M> = M extends `${infer N}.${string}` ? N : never
type MethodName<M, N extends string> = M extends `${N}.${infer Name}` ? Name : never

export type StationApi = {
  [N in Namespace<StationMethod>]: {
    [Name in MethodName<StationMethod, N>]: (
      request: RequestOf<`${N}.${Name}` & StationMethod>,
    ) => Promise<ResponseOf<`${N}.${Name}` & StationMethod>>
  }
} & {
  on<E extends StationEvent>(event: E, listener: (payload: EventPayloadOf<E>) => void): () => void
}

/**
 * Builds the typed API over a transport. Responses and notifications are parsed again on this
 * side, so a renderer never acts on a message that does not match the contract.
 */
export function createStationApi(transport: StationTransport): StationApi {
  const api: Record<string, unknown> = {}
  for (const method of STATION_METHODS) {
    const [namespace, name] = method.split('.') as [string, string]
    const group = (api[namespace] ??= {}) as Record<string, unknown>
    group[name] = async (request: unknown) => {
      const reply = stationReplySchema.parse(await transport.invoke(method, request))
      if (!reply.ok)
        throw new StationError(reply.error.code, reply.error.message, reply.error.detail)
      return stationApiSchemas[method].response.parse(reply.value)
    }
  }
  api.on = (event: StationEvent, listener: (payload: unknown) => void) =>
    transport.subscribe((name, payload) => {
      if (name !== event) return
      const parsed = stationEventSchemas[event].safeParse(payload)
      if (parsed.success) listener(parsed.data)
    })
  return api as StationApi
}
