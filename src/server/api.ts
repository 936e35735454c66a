/** The routes of the central server (paths from the shared ROUTES, so the station cannot drift). */
import { z } from 'zod'
import { callerRecordSchema, userSchema } from '../shared/directory'
import { directorySnapshotSchema } from '../shared/station-api'
import {
  createUserRequestSchema,
  enrollmentCodeResponseSchema,
  enrollRequestSchema,
  enrollResponseSchema,
  errorBodySchema,
  loginRequestSchema,
  monitoringAlertResponseSchema,
  monitoringAlertSchema,
  pullQuerySchema,
  pullResponseSchema,
  pushRequestSchema,
  pushResponseSchema,
  ROUTES,
  sessionResponseSchema,
  setupRequestSchema,
  stationPresenceSchema,
} from '../shared/sync/wire'
import {
  countUsers,
  createUser,
  enrollStation,
  issueEnrollmentCode,
  login,
  revokeSession,
} from './accounts'
import type { LoginLimiter } from './auth/rate-limit'
import type { Database } from './db/database'
import {
  directoryImportSchema,
  getDirectory,
  importDirectory,
  searchCallers,
} from './directory-store'
import { coalescedPuller, latestSeq, pushEvents, type CommitOutcome } from './events/event-log'
import { ApiError } from './http/http'
import { route, type Route } from './http/router'
import type { LiveHub } from './live'
import { raiseAlert } from './monitoring'
import { runSetup } from './setup'

export interface ApiContext {
  db: Database
  now: () => number
  limiter: LoginLimiter
  sessionTtlMs: number
  sampleDirectoryPath: string
  live: LiveHub
  /** After a commit: wake the mailer when customer email was queued. */
  committed(commit: CommitOutcome): void
  nextHlc: (now: number, after?: string) => string
  startedAt: number
}

const ok = (body: unknown, status = 200) => ({ status, body })
const error = (description: string) => ({ description, schema: errorBodySchema })
const needsAuth = { 401: error('No valid session token'), 403: error('Not allowed for this role') }

const tooManyAttempts = (ms: number) =>
  new ApiError(
    429,
    'too_many_attempts',
    `Too many failed attempts; try again in ${Math.ceil(ms / 1000)} s.`,
    {
      'retry-after': String(Math.ceil(ms / 1000)),
    },
  )

function userOf(principal: Parameters<Route['handle']>[0]['principal']) {
  if (principal?.kind !== 'user') throw new Error('route needs a user principal')
  return principal
}

export function apiRoutes(ctx: ApiContext): Route[] {
  const { db, now } = ctx
  const pull = coalescedPuller(db, ctx.live.knownSeq)
  return [
    route({
      method: 'GET',
      path: ROUTES.health,
      summary: 'Liveness and database reachability',
      access: 'none',
      responses: {
        200: {
          description: 'The server and its database answer',
          schema: z.object({
            status: z.literal('ok'),
            database: z.enum(['pglite', 'postgres']),
            seq: z.number(),
            uptimeS: z.number(),
          }),
        },
      },
      handle: async () =>
        ok({
          status: 'ok',
          database: db.kind,
          seq: await latestSeq(db),
          uptimeS: Math.round((now() - ctx.startedAt) / 1000),
        }),
    }),
    route({
      method: 'GET',
      path: ROUTES.setup,
      summary: 'Whether first-run setup is still needed',
      access: 'none',
      responses: {
        200: { description: 'Setup state', schema: z.object({ needsSetup: z.boolean() }) },
      },
      handle: async () => ok({ needsSetup: (await countUsers(db)) === 0 }),
    }),
    route({
      method: 'POST',
      path: ROUTES.setup,
      summary:
        'First run: create the first administrator (and optionally the sample directory and demo accounts)',
      access: 'none',
      body: setupRequestSchema,
      responses: {
        201: {
          description: 'Set up; the administrator is signed in',
          schema: sessionResponseSchema,
        },
        409: error('A user exists already'),
      },
      handle: async ({ body }) =>
        ok(
          await runSetup(db, body, {
            now: now(),
            sessionTtlMs: ctx.sessionTtlMs,
            sampleDirectoryPath: ctx.sampleDirectoryPath,
          }),
          201,
        ),
    }),
    route({
      method: 'POST',
      path: ROUTES.session,
      summary: 'Sign in (optionally on an enrolled station)',
      access: 'none',
      body: loginRequestSchema,
      responses: {
        200: { description: 'Signed in', schema: sessionResponseSchema },
        401: error('Wrong user name or password'),
        403: error('The station is not enrolled'),
        429: error('Too many failed attempts for this user from this address'),
      },
      handle: async ({ body, ip }) => {
        const wait = ctx.limiter.retryAfterMs(ip, body.username)
        if (wait > 0) throw tooManyAttempts(wait)
        const session = await login(db, body, now(), ctx.sessionTtlMs)
        if (!session) {
          ctx.limiter.recordFailure(ip, body.username)
          throw new ApiError(401, 'invalid_credentials', 'Wrong user name or password.')
        }
        ctx.limiter.recordSuccess(ip, body.username)
        return ok(session)
      },
    }),
    route({
      method: 'DELETE',
      path: ROUTES.session,
      summary: 'Sign out: revokes this session token',
      access: 'user',
      responses: { 204: { description: 'Signed out' }, ...needsAuth },
      handle: async ({ principal }) => {
        await revokeSession(db, userOf(principal).tokenHash, now())
        return { status: 204 }
      },
    }),
    route({
      method: 'POST',
      path: ROUTES.enroll,
      summary:
        'Enroll this station with a one-time code; returns its station code. With a bearer token, that session is bound to the new station',
      access: 'none',
      body: enrollRequestSchema,
      responses: {
        200: { description: 'Enrolled', schema: enrollResponseSchema },
        403: error('Unknown, expired or used code'),
        429: error('Too many failed attempts from this address'),
      },
      handle: async ({ body, ip, token }) => {
        const wait = ctx.limiter.retryAfterMs(ip, '\u0000enroll')
        if (wait > 0) throw tooManyAttempts(wait)
        try {
          return ok(await db.transaction((tx) => enrollStation(tx, body, now(), token)))
        } catch (e) {
          if (e instanceof ApiError) ctx.limiter.recordFailure(ip, '\u0000enroll')
          throw e
        }
      },
    }),
    route({
      method: 'POST',
      path: ROUTES.enrollmentCodes,
      summary: 'Issue a one-time station enrollment code (valid 24 h)',
      access: 'admin',
      responses: {
        201: { description: 'The code, shown once', schema: enrollmentCodeResponseSchema },
        ...needsAuth,
      },
      handle: async ({ principal }) =>
        ok(await issueEnrollmentCode(db, userOf(principal).user.username, now()), 201),
    }),
    route({
      method: 'GET',
      path: ROUTES.stations,
      summary: 'Enrolled stations and their live presence (connectedAt 0: never connected)',
      access: 'supervisor',
      responses: {
        200: {
          description: 'Stations',
          schema: z.object({ stations: z.array(stationPresenceSchema) }),
        },
        ...needsAuth,
      },
      handle: async () => ok({ stations: await ctx.live.listStations() }),
    }),
    route({
      method: 'POST',
      path: ROUTES.events,
      summary: 'Push a batch of events; one result per event, in order',
      access: 'user',
      body: pushRequestSchema,
      responses: {
        200: { description: 'Per-event results', schema: pushResponseSchema },
        ...needsAuth,
      },
      handle: async ({ body, principal }) => {
        const { response, commit } = await pushEvents(db, body.events, userOf(principal), now())
        ctx.committed(commit)
        return ok(response)
      },
    }),
    route({
      method: 'GET',
      path: ROUTES.events,
      summary: 'Pull a page of the global log after a cursor, in seq order',
      access: 'user',
      query: pullQuerySchema,
      responses: { 200: { description: 'A page', schema: pullResponseSchema }, ...needsAuth },
      handle: async ({ query }) => ok(await pull(query.after, query.limit)),
    }),
    route({
      method: 'GET',
      path: ROUTES.directory,
      summary: 'Teams, routing guidance, call templates, priority policy and users',
      access: 'user',
      responses: {
        200: { description: 'The directory', schema: directorySnapshotSchema },
        ...needsAuth,
      },
      handle: async () => ok(await getDirectory(db)),
    }),
    route({
      method: 'PUT',
      path: ROUTES.directory,
      summary: 'Import directory entries, upserting by id (sections left out are kept)',
      access: 'admin',
      body: directoryImportSchema,
      responses: {
        200: {
          description: 'How many entries of each section were written',
          schema: z.object({
            teams: z.number(),
            routingGuidance: z.number(),
            templates: z.number(),
            callers: z.number(),
            policy: z.boolean(),
          }),
        },
        ...needsAuth,
      },
      handle: async ({ body }) => ok(await db.transaction((tx) => importDirectory(tx, body))),
    }),
    route({
      method: 'GET',
      path: ROUTES.callers,
      summary: 'Callers by phone digits, name or user name (at most 20)',
      access: 'user',
      query: z.object({ q: z.string().trim().min(1).max(120) }),
      responses: {
        200: {
          description: 'Matching callers',
          schema: z.object({ callers: z.array(callerRecordSchema) }),
        },
        ...needsAuth,
      },
      handle: async ({ query }) => ok({ callers: await searchCallers(db, query.q) }),
    }),
    route({
      method: 'POST',
      path: ROUTES.users,
      summary: 'Create a user account',
      access: 'admin',
      body: createUserRequestSchema,
      responses: {
        201: { description: 'Created', schema: userSchema },
        409: error('The user name is taken'),
        ...needsAuth,
      },
      handle: async ({ body }) => ok(await createUser(db, body, now()), 201),
    }),
    route({
      method: 'POST',
      path: ROUTES.monitoringAlerts,
      summary:
        'Event Management: open an incident, or note a repeat on the open one with the same alert key',
      access: 'monitoring',
      body: monitoringAlertSchema,
      responses: {
        201: { description: 'A new incident was opened', schema: monitoringAlertResponseSchema },
        200: {
          description: 'A Tech Note was added to the open incident with this alert key',
          schema: monitoringAlertResponseSchema,
        },
        ...needsAuth,
      },
      handle: async ({ body }) => {
        const { response, commit } = await raiseAlert(db, body, now(), ctx.nextHlc)
        ctx.committed(commit)
        return ok(response, response.outcome === 'opened' ? 201 : 200)
      },
    }),
  ]
}
