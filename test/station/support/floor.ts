/**
 * A floor for integration tests: the real central server (PGlite in a temp dir, port 0) and
 * stations made of the real parts — station services (main), the Dexie store on fake-indexeddb
 * (renderer) and the renderer's sync — joined by the same dispatcher the IPC and the browser host
 * use. Each station reaches the server through its own flaky link, so outages are per station.
 */
import { createHash } from 'node:crypto'
import path from 'node:path'
import { IDBFactory as FakeIDBFactory, IDBKeyRange as FakeIDBKeyRange } from 'fake-indexeddb'
import {
  startServer,
  silentLogger,
  type RunningServer,
  type ServerOptions,
} from '../../../src/server/index'
import type { Queryable } from '../../../src/server/db/database'
import { MemoryCredentialStore, type CredentialStore } from '../../../src/main/station/credentials'
import { systemScheduler } from '../../../src/main/station/scheduler'
import type { StationServices, StationServicesOptions } from '../../../src/main/station/services'
import {
  createStationStore,
  type QueueKey,
  type StationStore,
} from '../../../src/renderer/src/store'
import {
  createStationSync,
  type StationSync,
  type StationSyncOptions,
} from '../../../src/renderer/src/sync/station-sync'
import {
  foldTicket,
  parseTicketEvent,
  type CommandContext,
  type CommandResult,
  type Ticket,
  type TicketEvent,
} from '../../../src/shared/incident'
import { TICKET_STATES } from '../../../src/shared/incident/vocabulary'
import { uuidv7 } from '../../../src/shared/ids'
import {
  StationError,
  createStationApi,
  type StationApi,
  type StationTransport,
} from '../../../src/shared/station-api'
import { ROUTES, pullResponseSchema, sessionResponseSchema } from '../../../src/shared/sync/wire'
import { startFlakyLink, type FlakyLink } from './proxy'
import { eventually, testStationServices } from './station'

export const PASSWORD = 'correct horse battery'

/** JSON with sorted keys: equal values give equal text whatever the key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
            a < b ? -1 : a > b ? 1 : 0,
          ),
        )
      : v,
  )
}

export function hashTickets(tickets: readonly Ticket[]): string {
  const sorted = [...tickets].sort((a, b) => (a.id < b.id ? -1 : 1))
  return createHash('sha256').update(canonical(sorted)).digest('hex')
}

async function call(
  url: string,
  method: string,
  route: string,
  token: string | null,
  body?: unknown,
): Promise<unknown> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${text}`)
  return text ? JSON.parse(text) : undefined
}

/** What a test asks of the central server over HTTP, as its administrator. */
export interface CentralApi {
  readonly url: string
  readonly adminToken: string
  createAgent(username: string): Promise<void>
  createUser(username: string, role: 'agent' | 'supervisor'): Promise<void>
  enrollmentCode(): Promise<string>
  /** Every event in the server's log, by pulling as a station does. */
  pullAll(): Promise<{ seq: number; event: TicketEvent }[]>
}

export interface Central extends CentralApi {
  readonly port: number
  readonly running: boolean
  stop(): Promise<void>
  start(): Promise<void>
  /** The server's own tickets projection. */
  projection(): Promise<Ticket[]>
  /** SQL on the running server's database: faults are injected there, as real as they come. */
  query<T extends Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>
}

/** Signs the first administrator in on a server that has just been set up. */
export async function setUpCentral(url: string): Promise<string> {
  return sessionResponseSchema.parse(
    await call(url, 'POST', ROUTES.setup, null, {
      username: 'admin',
      displayName: 'Admin',
      password: PASSWORD,
      loadSampleDirectory: false,
    }),
  ).token
}

export function centralApi(url: string, adminToken: string): CentralApi {
  const api: CentralApi = {
    url,
    adminToken,
    createAgent: (username) => api.createUser(username, 'agent'),
    async createUser(username, role) {
      await call(url, 'POST', ROUTES.users, api.adminToken, {
        username,
        displayName: username,
        role,
        password: PASSWORD,
      })
    },
    async enrollmentCode() {
      return ((await call(url, 'POST', ROUTES.enrollmentCodes, api.adminToken)) as { code: string })
        .code
    },
    async pullAll() {
      const events: { seq: number; event: TicketEvent }[] = []
      let after = 0
      for (let page = 0; page < 10_000; page++) {
        const response = pullResponseSchema.parse(
          await call(url, 'GET', `${ROUTES.events}?after=${after}&limit=1000`, api.adminToken),
        )
        for (const row of response.events) {
          const parsed = parseTicketEvent(row.event)
          if (!parsed.ok) throw new Error(`server holds an invalid event: ${parsed.message}`)
          events.push({ seq: row.seq, event: parsed.event })
        }
        after = response.next
        if (response.upToDate) return events
      }
      throw new Error('pullAll did not finish')
    },
  }
  return api
}

/** The server's tickets projection, read from its database. */
export async function projectionOf(db: Queryable): Promise<Ticket[]> {
  const rows = await db.query<{ body: Ticket | string }>(
    'SELECT body FROM tickets WHERE body IS NOT NULL',
  )
  return rows.map((row) =>
    typeof row.body === 'string' ? (JSON.parse(row.body) as Ticket) : row.body,
  )
}

export async function startCentral(
  dataDir: string,
  serverOptions: Pick<ServerOptions, 'sessionTtlMs'> = {},
): Promise<Central> {
  let server: RunningServer | null = await startServer({
    dataDir,
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    ...serverOptions,
  })
  const port = server.port
  const api = centralApi(server.url, await setUpCentral(server.url))
  return {
    ...api,
    port,
    get running() {
      return server !== null
    },
    async stop() {
      const current = server
      server = null
      await current?.close()
    },
    async start() {
      if (!server)
        server = await startServer({
          dataDir,
          port,
          host: '127.0.0.1',
          logger: silentLogger,
          ...serverOptions,
        })
    },
    projection: () => projectionOf(server!.db),
    query: (sql, params) => server!.db.query(sql, params),
  }
}

/** The server's log folded the way a station folds it. */
export function foldAll(events: readonly TicketEvent[]): Ticket[] {
  const byTicket = new Map<string, TicketEvent[]>()
  for (const event of events)
    byTicket.set(event.ticketId, [...(byTicket.get(event.ticketId) ?? []), event])
  return [...byTicket.values()]
    .map((list) => foldTicket(list))
    .filter((t): t is Ticket => t !== null)
}

/** The same dispatcher IPC and the browser host use, with a structured clone for the process boundary. */
function inProcessTransport(services: StationServices): StationTransport {
  return {
    invoke: async (method, request) =>
      structuredClone(await services.dispatch(method, structuredClone(request))),
    subscribe: (listener) =>
      services.subscribe((event, payload) => listener(event, structuredClone(payload))),
  }
}

export type StationCommandContext = CommandContext & { nextTicketNumber(): string }

export interface TestStation {
  readonly name: string
  /** Main's files: the outbox, the set-aside events, the ticket-number counter. */
  readonly dataDir: string
  readonly link: FlakyLink
  api: StationApi
  store: StationStore
  services: StationServices
  sync: StationSync
  username: string
  /** Records through the store as the UI does, and hands the events to main; null when the rules refuse. */
  record(command: (ctx: StationCommandContext) => CommandResult): Promise<TicketEvent[] | null>
  tickets(): Promise<Ticket[]>
  /**
   * Closes main and renderer (a quit or crash after the last acknowledged write) and opens them
   * again; `forgetCredentials`: main's credential store comes back empty, as the browser host's
   * memory-only store does; `wipeProfile` opens the renderer on an empty browser profile (main's
   * files stay).
   */
  restart(options?: { forgetCredentials?: boolean; wipeProfile?: boolean }): Promise<void>
  /**
   * A restart on a cleared browser profile (a second profile, a wiped one): main keeps its data
   * dir, the renderer starts from an empty IndexedDB and pulls everything again.
   */
  restartOnFreshProfile(): Promise<void>
  close(): Promise<void>
}

export async function openStation(options: {
  name: string
  baseDir: string
  /** Where the station's link leads: the server, or a proxy in front of it. */
  central: { readonly port: number }
  username: string
  /** The station's wall clock, for main and renderer alike (a skewed clock, say). */
  clock?: () => number
  onError?: (error: unknown) => void
  /** Main's credential store at each start (a process's own); one memory store otherwise. */
  credentials?: () => CredentialStore
  /** Services options over the tests' ones (a benchmark's production timeouts and backoff). */
  services?: Pick<StationServicesOptions, 'backoff' | 'requestTimeoutMs'>
  /** Sizes of a new station's snapshot pages (small ones make a history of many pages). */
  bootstrap?: StationSyncOptions['bootstrap']
}): Promise<TestStation> {
  const link = await startFlakyLink(() => options.central.port)
  const dataDir = path.join(options.baseDir, options.name)
  // Outlive a restart, as the OS keychain and the browser profile do.
  let credentials = new MemoryCredentialStore()
  let indexedDB = new FakeIDBFactory()
  const now = options.clock ?? Date.now
  const scheduler = { ...systemScheduler, now }
  const onError = options.onError ?? ((error: unknown) => console.error(`[${options.name}]`, error))

  async function parts() {
    const services = await testStationServices({
      serverUrl: link.url,
      dataDir,
      credentials: options.credentials?.() ?? credentials,
      scheduler,
      ...options.services,
    })
    const api = createStationApi(inProcessTransport(services))
    const store = await createStationStore(`warmline-${options.name}`, {
      numbers: api.numbers,
      indexedDB,
      IDBKeyRange: FakeIDBKeyRange,
      now,
    })
    const sync = createStationSync({
      station: api,
      store,
      onError,
      ...(options.bootstrap ? { bootstrap: options.bootstrap } : {}),
    })
    return { services, api, store, sync }
  }

  const station: TestStation = {
    name: options.name,
    dataDir,
    link,
    username: options.username,
    ...(await parts()),
    async record(command) {
      const actor = station.username
      const stationCode = await station.store.stationCode()
      const result = await station.store.record((ctx) =>
        command({
          actor,
          station: stationCode!,
          now,
          newId: () => uuidv7(now()),
          nextHlc: ctx.nextHlc,
          nextTicketNumber: ctx.nextTicketNumber,
        }),
      )
      if (!result.ok) return null
      await station.sync.handOver(result.events)
      return result.events
    },
    async tickets() {
      const all: Ticket[] = []
      for (const state of TICKET_STATES) {
        let after: QueueKey | undefined
        for (;;) {
          const window = await station.store.queueWindow(state, {
            ...(after ? { after } : {}),
            limit: 1000,
          })
          const last = window[window.length - 1]
          if (!last) break
          all.push(...window)
          after = [state, last.priority, last.updatedAt]
        }
      }
      return all
    },
    async restart({ forgetCredentials = false, wipeProfile = false } = {}) {
      station.sync.stop()
      await station.services.close()
      station.store.close()
      if (forgetCredentials) credentials = new MemoryCredentialStore()
      if (wipeProfile) indexedDB = new FakeIDBFactory()
      Object.assign(station, await parts())
      await station.sync.start()
    },
    restartOnFreshProfile: () => station.restart({ wipeProfile: true }),
    async close() {
      station.sync.stop()
      await station.services.close()
      station.store.close()
      await link.close()
    },
  }
  return station
}

/**
 * Enrolls the station through its own API and signs its agent in, then starts its sync. A step
 * the network lost (a loaded machine's timeout, say) is tried again; a used code is not reused.
 */
export async function enrollAndSignIn(
  station: TestStation,
  central: Pick<CentralApi, 'enrollmentCode'>,
  attempts = 5,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (!(await station.api.station.info({})).stationCode)
        await station.api.station.enroll({
          code: await central.enrollmentCode(),
          name: station.name,
        })
      await station.api.session.login({ username: station.username, password: PASSWORD })
      break
    } catch (error) {
      if (attempt >= attempts || !(error instanceof StationError) || error.code !== 'offline')
        throw error
    }
  }
  await station.sync.start()
}

/** Waits until nothing is pending anywhere on the station, main or renderer. */
export async function settled(
  station: TestStation,
  what = `${station.name} to finish syncing`,
): Promise<void> {
  await eventually(what, async () => {
    await station.sync.pull()
    const status = await station.api.sync.status({})
    return status.pending === 0 && (await station.store.pendingCount()) === 0
  })
}
