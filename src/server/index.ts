/**
 * The central server, embeddable: `startServer(options)` is what the CLI runs, what the station's
 * main process runs in-process when no server URL is configured, and what the tests run on port 0.
 */
import { randomUUID } from 'node:crypto'
import { IANAZone } from 'luxon'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROUTES } from '../shared/sync/wire'
import { authenticate, DEFAULT_SESSION_TTL_MS, type Principal } from './accounts'
import { apiRoutes } from './api'
import { clientAddressResolver } from './auth/client-address'
import { createAttemptLimiter } from './auth/rate-limit'
import { ctiRoutes } from './cti'
import type { Database } from './db/database'
import { migrate } from './db/migrations'
import { openDatabase } from './db/open'
import {
  answerClientErrors,
  ApiError,
  dataExceptionOf,
  errorBody,
  malformedUrl,
  parseJson,
  readBody,
  requestUrl,
  sendJson,
  validate,
} from './http/http'
import { ACCESS_ROLES, route, type Access, type Route } from './http/router'
import { startLive } from './live'
import { errorFields, jsonLogger, type Logger } from './log'
import { startMailer, type MailerOptions } from './mail/mailer'
import { startMailIn, type MailInListener, type MailInOptions } from './mail-in/listener'
import { mailInRoutes } from './mail-in/routes'
import { fileTransport, smtpTransport } from './mail/transports'
import type { CommitOutcome } from './events/event-log'
import { createServerClock } from './monitoring'
import { startScheduler } from './scheduler'
import { recordDefaultCalendar } from './directory-store'
import { openApiDocument } from './openapi'
import { SAMPLE_DIRECTORY_PATH } from './setup'
import { atMostEvery } from './wake-limit'

export type { Database } from './db/database'
export type { Logger } from './log'
export { jsonLogger, silentLogger } from './log'

export interface ServerOptions {
  /** 0 (the default) picks a free port; see `RunningServer.port`. */
  port?: number
  /** Defaults to 127.0.0.1: listening beyond this machine is a deliberate choice. */
  host?: string
  /** Embedded database and `.eml` folder. Without it (and without `databaseUrl`/`db`): in memory. */
  dataDir?: string
  /** A PostgreSQL connection string; takes precedence over `dataDir` for the database. */
  databaseUrl?: string
  /** An already opened database (tests, embedding); `close()` leaves it open. */
  db?: Database
  /** Customer email over SMTP, e.g. `smtp://user:pass@mail.example.edu:587`. Without it: `.eml` files. */
  smtp?: { url: string; timeoutMs?: number }
  /** Where `.eml` files go without SMTP; default `<dataDir>/outbox-mail` (or a temp folder). */
  mailDir?: string
  mailFrom?: string
  /** Email in: the server's own SMTP listener for the desk's address; off without it. */
  mailIn?: MailInOptions
  /** Mail outbox tuning and the crash-test hook; see mail/mailer.ts. */
  mail?: Pick<MailerOptions, 'leaseMs' | 'pollMs' | 'maxAttempts' | 'backoffMs' | 'onStep'>
  logger?: Logger
  now?: () => number
  /** How often resolved tickets past the 7-day reopen window are closed (rule 9); default 10 min. */
  reopenSweepMs?: number
  /** How often the scheduler looks for SLA breaches and inactive customers; default 30 s. */
  dueTicketsMs?: number
  /**
   * The IANA zone of the default business calendar (Mon–Fri 08:00–17:00), recorded at the first
   * start unless an administrator imported a calendar; default: this host's zone.
   */
  timeZone?: string
  sessionTtlMs?: number
  /** Request bodies beyond this get 413. Default 4 MiB (a full push batch of long notes). */
  maxBodyBytes?: number
  /** The directory first-run setup loads; default resources/directory/sample-directory.json. */
  sampleDirectoryPath?: string
  /** WebSocket ping and presence refresh interval. */
  heartbeatMs?: number
  /**
   * Addresses and CIDR ranges of the reverse proxies in front of this server (e.g. the TLS
   * proxy). Their X-Forwarded-For is believed, so the attempt budgets count per real client.
   */
  trustedProxies?: readonly string[]
}

export interface RunningServer {
  /** `http://host:port`, for clients. */
  url: string
  port: number
  db: Database
  /** The email-in listener's port, when `mailIn` was given. */
  mailInPort?: number
  /** Stops accepting, closes sockets, lets requests in flight finish, stops the mailer, closes the database. */
  close(): Promise<void>
}

function hostTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
}

/** The default calendar's zone, refused at start (naming it) when it is no IANA zone. */
export function calendarZone(timeZone: string | undefined): string {
  const zone = timeZone ?? hostTimeZone()
  if (!IANAZone.isValidZone(zone))
    throw new Error(`Not a time zone: "${zone}" (use an IANA name such as Europe/Berlin).`)
  return zone
}

const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
const DRAIN_TIMEOUT_MS = 10_000
const RADAR_WAKE_MS = 1000
const API_VERSION = '1.0.0'

function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
  return match?.[1] ?? null
}

async function authorize(
  db: Database,
  access: Exclude<Access, 'none'>,
  token: string | null,
  now: number,
): Promise<Principal> {
  if (!token)
    throw new ApiError(
      401,
      'unauthenticated',
      'Sign in first: send "Authorization: Bearer <token>".',
    )
  const principal = await authenticate(db, token, now)
  if (!principal)
    throw new ApiError(401, 'unauthenticated', 'The token is not known here: sign in again.')
  if ('expired' in principal)
    throw new ApiError(
      401,
      'session_expired',
      'The session has expired or was signed out: sign in again.',
    )
  const allowed =
    access === 'monitoring' || access === 'cti'
      ? principal.kind === 'integration'
        ? principal.scope === access
        : principal.user.role === 'admin'
      : principal.kind === 'user' && ACCESS_ROLES[access].includes(principal.user.role)
  if (!allowed) {
    const who =
      principal.kind === 'user' ? `a ${principal.user.role}` : `the integration "${principal.name}"`
    throw new ApiError(403, 'forbidden', `This is not open to ${who}.`)
  }
  return principal
}

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const now = options.now ?? Date.now
  const logger = options.logger ?? jsonLogger()
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES
  // Before the database opens: a mistyped proxy list stops the start, naming the entry.
  const clientAddress = clientAddressResolver(options.trustedProxies)
  const db = options.db ?? (await openDatabase(options))
  const ownsDb = !options.db
  const serverId = randomUUID()
  try {
    await migrate(db, now)
  } catch (error) {
    if (ownsDb) await db.close()
    throw error
  }

  const mailDir =
    options.mailDir ?? join(options.dataDir ?? join(tmpdir(), 'warmline'), 'outbox-mail')
  const transport = options.smtp
    ? smtpTransport(options.smtp.url, options.smtp.timeoutMs)
    : fileTransport(mailDir)
  const mailer = startMailer({
    db,
    transport,
    from: options.mailFrom ?? 'Service Desk <service-desk@warmline.invalid>',
    logger,
    now,
    instanceId: serverId,
    ...options.mail,
  })

  // One clock for every event the server writes itself (monitoring, closures).
  const serverClock = createServerClock()
  // A look reads the working tickets of the last minutes under the event-log lock: woken by every
  // commit of a busy floor, it held the lock more than the commits did. Its rule counts calls in
  // minutes, so a second's delay changes nothing it finds.
  // Called from the scheduler's runs and requests only, all after `scheduler` is assigned below.
  const wakeRadar = atMostEvery(RADAR_WAKE_MS, () => scheduler.wake('outage radar'))
  const committed = (commit: CommitOutcome) => {
    if (commit.mailQueued) mailer.wake()
    if (commit.maxSeq > 0) wakeRadar()
  }
  await recordDefaultCalendar(db, calendarZone(options.timeZone))
  const scheduler = startScheduler({
    db,
    now,
    nextHlc: serverClock,
    logger,
    committed,
    ...(options.reopenSweepMs ? { reopenWindowMs: options.reopenSweepMs } : {}),
    ...(options.dueTicketsMs ? { dueTicketsMs: options.dueTicketsMs } : {}),
  })

  const routes: Route[] = []
  let document: Record<string, unknown> | undefined
  const server = createServer((req, res) => void handle(req, res))
  const live = await startLive(server, {
    db,
    logger,
    now,
    serverId,
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
  })
  routes.push(
    ...apiRoutes({
      db,
      now,
      limiter: createAttemptLimiter(db, now),
      sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
      sampleDirectoryPath: options.sampleDirectoryPath ?? SAMPLE_DIRECTORY_PATH,
      live,
      committed,
      nextHlc: serverClock,
      startedAt: now(),
    }),
  )
  routes.push(...ctiRoutes({ db, now, live, logger }))
  routes.push(...mailInRoutes(db))
  routes.push(
    route({
      method: 'GET',
      path: ROUTES.openapi,
      operationId: 'getOpenApiDocument',
      tag: 'system',
      summary: 'This OpenAPI 3.1 document',
      access: 'none',
      responses: { 200: { description: 'The document' } },
      // The route table is complete once the server listens: the document is made once.
      handle: async () => ({
        status: 200,
        body: (document ??= openApiDocument(routes, API_VERSION)),
      }),
    }),
  )

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    const url = requestUrl(req)
    let user: string | undefined
    res.on('finish', () =>
      logger.log('info', 'request', {
        method: req.method,
        path: url?.pathname,
        status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10,
        ...(user ? { user } : {}),
      }),
    )
    try {
      if (!url) throw malformedUrl()
      const candidates = routes.filter((r) => r.path === url.pathname)
      if (!candidates.length) throw new ApiError(404, 'not_found', `No route ${url.pathname}.`)
      const target = candidates.find((r) => r.method === req.method)
      if (!target) {
        const allow = candidates.map((r) => r.method).join(', ')
        throw new ApiError(405, 'method_not_allowed', `${url.pathname} takes ${allow}.`, { allow })
      }
      // A PBX is configured with one endpoint URL and often cannot set headers.
      const token =
        bearerToken(req) ?? (target.access === 'cti' ? url.searchParams.get('token') : null)
      const principal =
        target.access === 'none' ? null : await authorize(db, target.access, token, now())
      if (principal)
        user = principal.kind === 'user' ? principal.user.username : `integration:${principal.name}`
      const body = target.body
        ? validate(
            target.body,
            (target.parseBody ?? parseJson)(
              await readBody(req, maxBodyBytes),
              String(req.headers['content-type'] ?? ''),
            ),
          )
        : undefined
      const query = target.query
        ? validate(target.query, Object.fromEntries(url.searchParams))
        : undefined
      const reply = await target.handle({
        req,
        ip: clientAddress(req.socket.remoteAddress ?? '', req.headers['x-forwarded-for']),
        body,
        query,
        principal,
        token,
      })
      sendJson(res, reply.status, reply.body, reply.headers)
    } catch (error) {
      const refusal = error instanceof ApiError ? error : dataExceptionOf(error)
      if (!refusal) {
        logger.log('error', 'request failed', {
          method: req.method,
          path: url?.pathname,
          ...errorFields(error),
        })
        if (!res.headersSent) sendJson(res, 500, errorBody('internal', 'Internal server error.'))
      } else {
        if (refusal !== error) {
          logger.log('warn', 'input reached the database unchecked', {
            method: req.method,
            path: url?.pathname,
            ...errorFields(error),
          })
        }
        sendJson(
          res,
          refusal.status,
          errorBody(refusal.code, refusal.message, refusal.fields),
          refusal.headers,
        )
      }
    }
  }

  answerClientErrors(server, logger)
  server.requestTimeout = 60_000
  server.headersTimeout = 20_000
  // Longer than the idle timeout of the proxies and clients in front (Node's default is 5 s): a
  // client reusing a pooled connection just as the server drops it gets ECONNRESET, not an answer.
  server.keepAliveTimeout = 65_000
  const host = options.host ?? '127.0.0.1'
  let mailIn: MailInListener | undefined
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    if (options.mailIn)
      mailIn = await startMailIn(options.mailIn, {
        db,
        now,
        nextHlc: serverClock,
        logger,
        committed,
      })
  } catch (error) {
    server.close()
    await live.close()
    await scheduler.stop()
    await mailer.stop()
    if (ownsDb) await db.close()
    throw error
  }
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`
  logger.log('info', 'server started', {
    url,
    database: db.kind,
    mail: options.smtp ? 'smtp' : mailDir,
  })

  let closing: Promise<void> | undefined
  return {
    url,
    port,
    db,
    ...(mailIn ? { mailInPort: mailIn.port } : {}),
    close() {
      closing ??= (async () => {
        await mailIn?.close()
        const drained = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        await live.close()
        const force = setTimeout(() => server.closeAllConnections(), DRAIN_TIMEOUT_MS).unref()
        await drained
        clearTimeout(force)
        await scheduler.stop()
        await mailer.stop()
        if (ownsDb) await db.close()
        logger.log('info', 'server stopped', { url })
      })()
      return closing
    },
  }
}
