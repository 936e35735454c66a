/** The routes of the central server (paths from the shared ROUTES, so the station cannot drift). */
import { z } from 'zod'
import { callerRecordSchema, userSchema } from '../shared/directory'
import { directorySnapshotSchema } from '../shared/station-api'
import {
  callersQuerySchema,
  createUserRequestSchema,
  enrollmentCodeResponseSchema,
  enrollRequestSchema,
  enrollResponseSchema,
  errorBodySchema,
  loginRequestSchema,
  monitoringAlertResponseSchema,
  monitoringAlertSchema,
  pullQuerySchema,
  pullResponseDocument,
  pushRequestDocument,
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
import { adminRoutes, userOf } from './admin/routes'
import { audited, codeIssued, userCreated } from './admin/audit'
import { allowed, enrollmentBudget, loginBudgets, type AttemptLimiter } from './auth/rate-limit'
import type { Database } from './db/database'
import {
  directoryAudit,
  directoryImportSchema,
  getDirectory,
  importDirectory,
  searchCallers,
} from './directory-store'
import { coalescedPuller, latestSeq, pushEvents, type CommitOutcome } from './events/event-log'
import { groupCommit } from './events/group-commit'
import { ApiError } from './http/http'
import { route, type Route } from './http/router'
import type { LiveHub } from './live'
import { raiseAlert } from './monitoring'
import { runSetup } from './setup'
import { snapshotRoutes } from './snapshot'

export interface ApiContext {
  db: Database
  now: () => number
  limiter: AttemptLimiter
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

export function apiRoutes(ctx: ApiContext): Route[] {
  const { db, now } = ctx
  const pull = coalescedPuller(db, ctx.live.knownSeq)
  const commitPush = groupCommit(db)
  return [
    route({
      method: 'GET',
      path: ROUTES.health,
      operationId: 'getHealth',
      tag: 'system',
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
      operationId: 'getSetupState',
      tag: 'setup',
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
      operationId: 'setUp',
      tag: 'setup',
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
      operationId: 'signIn',
      tag: 'sessions',
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
        const budgets = loginBudgets(body.username, ip)
        const attempt = await allowed(await ctx.limiter.begin(budgets))
        let session
        try {
          session = await login(db, body, now(), ctx.sessionTtlMs)
        } catch (e) {
          // The password was right (e.g. the station is not enrolled): not a guess.
          await attempt.cancel()
          throw e
        }
        if (!session) {
          await attempt.failed()
          throw new ApiError(401, 'invalid_credentials', 'Wrong user name or password.')
        }
        await attempt.succeeded([budgets[0]])
        return ok(session)
      },
    }),
    route({
      method: 'DELETE',
      path: ROUTES.session,
      operationId: 'signOut',
      tag: 'sessions',
      summary: 'Sign out: revokes this session token',
      access: 'user',
      responses: { 204: { description: 'Signed out' } },
      handle: async ({ principal }) => {
        await revokeSession(db, userOf(principal).tokenHash, now())
        return { status: 204 }
      },
    }),
    route({
      method: 'POST',
      path: ROUTES.enroll,
      operationId: 'enrollStation',
      tag: 'stations',
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
        const budget = await enrollmentBudget(db, ip)
        const attempt = await allowed(await ctx.limiter.begin([budget]))
        let enrolled
        try {
          enrolled = await db.transaction((tx) => enrollStation(tx, body, now(), token))
        } catch (e) {
          await (e instanceof ApiError && e.code === 'invalid_enrollment_code'
            ? attempt.failed()
            : attempt.cancel())
          throw e
        }
        await attempt.succeeded([budget])
        return ok(enrolled)
      },
    }),
    route({
      method: 'POST',
      path: ROUTES.enrollmentCodes,
      operationId: 'issueEnrollmentCode',
      tag: 'stations',
      summary: 'Issue a one-time station enrollment code (valid 24 h)',
      access: 'admin',
      responses: {
        201: { description: 'The code, shown once', schema: enrollmentCodeResponseSchema },
      },
      handle: async ({ principal }) => {
        const actor = userOf(principal).user.username
        const issued = await audited(
          db,
          now(),
          (tx) => issueEnrollmentCode(tx, actor, now()),
          (code) => codeIssued(actor, code),
        )
        return ok(issued, 201)
      },
    }),
    route({
      method: 'GET',
      path: ROUTES.stations,
      operationId: 'listStations',
      tag: 'stations',
      summary: 'Enrolled stations and their live presence (connectedAt 0: never connected)',
      access: 'supervisor',
      responses: {
        200: {
          description: 'Stations',
          schema: z.object({ stations: z.array(stationPresenceSchema) }),
        },
      },
      handle: async () => ok({ stations: await ctx.live.listStations() }),
    }),
    route({
      method: 'POST',
      path: ROUTES.events,
      operationId: 'pushEvents',
      tag: 'events',
      summary: 'Push a batch of events; one result per event, in order',
      description:
        'Each item should be a TicketEvent. Items are judged one by one: an item that is not a valid event, or that this session may not record, is answered with a `rejected` result naming the problem while the others are stored — the request as a whole fails (400) only when `events` is not an array of 1 to 500 items. Events are stored once per id: a repeat is a `duplicate`.',
      access: 'user',
      body: pushRequestSchema,
      documentedBody: pushRequestDocument,
      responses: {
        200: { description: 'Per-event results', schema: pushResponseSchema },
      },
      handle: async ({ body, principal }) => {
        const { response, commit } = await pushEvents(
          commitPush,
          body.events,
          userOf(principal),
          now(),
        )
        ctx.committed(commit)
        return ok(response)
      },
    }),
    route({
      method: 'GET',
      path: ROUTES.events,
      operationId: 'pullEvents',
      tag: 'events',
      summary: 'Pull a page of the global log after a cursor, in seq order',
      access: 'user',
      query: pullQuerySchema,
      responses: { 200: { description: 'A page', schema: pullResponseDocument } },
      handle: async ({ query }) => ok(await pull(query.after, query.limit)),
    }),
    route({
      method: 'GET',
      path: ROUTES.directory,
      operationId: 'getDirectory',
      tag: 'directory',
      summary: 'Teams, routing guidance, call templates, priority policy and users',
      access: 'user',
      responses: {
        200: { description: 'The directory', schema: directorySnapshotSchema },
      },
      handle: async () => ok(await getDirectory(db)),
    }),
    route({
      method: 'PUT',
      path: ROUTES.directory,
      operationId: 'importDirectory',
      tag: 'directory',
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
            calendar: z.boolean(),
            followUp: z.boolean(),
          }),
        },
      },
      handle: async ({ body, principal }) =>
        ok(
          await audited(
            db,
            now(),
            (tx) => importDirectory(tx, body),
            () => directoryAudit(userOf(principal).user.username, body),
          ),
        ),
    }),
    route({
      method: 'GET',
      path: ROUTES.callers,
      operationId: 'searchCallers',
      tag: 'directory',
      summary: 'Callers by phone digits, name or user name (at most 20)',
      access: 'user',
      query: callersQuerySchema,
      responses: {
        200: {
          description: 'Matching callers',
          schema: z.object({ callers: z.array(callerRecordSchema) }),
        },
      },
      handle: async ({ query }) => ok({ callers: await searchCallers(db, query.q) }),
    }),
    route({
      method: 'POST',
      path: ROUTES.users,
      operationId: 'createUser',
      tag: 'users',
      summary: 'Create a user account',
      access: 'admin',
      body: createUserRequestSchema,
      responses: {
        201: { description: 'Created', schema: userSchema },
        409: error('The user name is taken'),
      },
      handle: async ({ body, principal }) => {
        const created = await audited(
          db,
          now(),
          (tx) => createUser(tx, body, now()),
          (user) => userCreated(userOf(principal).user.username, user),
        )
        return ok(created, 201)
      },
    }),
    route({
      method: 'POST',
      path: ROUTES.monitoringAlerts,
      operationId: 'raiseMonitoringAlert',
      tag: 'monitoring',
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
      },
      handle: async ({ body }) => {
        const { response, commit } = await raiseAlert(db, body, now(), ctx.nextHlc)
        ctx.committed(commit)
        return ok(response, response.outcome === 'opened' ? 201 : 200)
      },
    }),
    ...adminRoutes(ctx),
    ...snapshotRoutes(db),
  ]
}
