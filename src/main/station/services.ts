/**
 * The station services: everything main does for the renderer, assembled from injected parts and
 * exposed as one handler per method of the station API. The Electron adapter and the browser host
 * both wrap these same services; neither adds behaviour of its own.
 */
import path from 'node:path'
import { z } from 'zod'
import { callerRecordSchema } from '../../shared/directory'
import {
  StationError,
  directorySnapshotSchema,
  type EventPayloadOf,
  type SessionState,
  type StationEvent,
} from '../../shared/station-api'
import { adminHandlers } from './admin'
import { SyncAgent, type Emit } from './agent'
import {
  loadIdentity,
  saveIdentity,
  loadSettings,
  saveSettings,
  type StationIdentity,
} from './config'
import type { CredentialStore } from './credentials'
import { createDispatcher, type Dispatch, type StationHandlers } from './dispatch'
import type { LiveSocketFactory } from './live'
import { NotifiedKeys } from './notified'
import { Outbox } from './outbox'
import { systemScheduler, type BackoffPolicy, type Scheduler } from './scheduler'
import { ServerClient, type Fetch } from './server-client'
import { StationSession } from './session'
import { SetAsideEvents } from './set-aside'
import { TicketNumbers } from './ticket-numbers'
import { VerifierStore, DEFAULT_SCRYPT } from './verifiers'

export interface StationServicesOptions {
  dataDir: string
  serverUrl: string
  /** The central server runs in this process. */
  embeddedServer: boolean
  shell: 'electron' | 'browser'
  version: string
  fetch: Fetch
  openSocket: LiveSocketFactory
  credentials: CredentialStore
  scheduler?: Scheduler
  random?: () => number
  /** Shows a desktop notification; false where the shell has none (the browser host). */
  notify?: (notification: { title: string; body: string; ticketId?: string | undefined }) => boolean
  scrypt?: { N: number; r: number; p: number }
  backoff?: BackoffPolicy
  batchSize?: number
  requestTimeoutMs?: number
  logError?: (error: unknown) => void
}

/** How many notification keys main remembers; far more than a shift raises. */
const NOTIFIED_KEYS_KEPT = 5000

export type StationListener = (event: StationEvent, payload: unknown) => void

export interface StationServices {
  readonly handlers: StationHandlers
  readonly dispatch: Dispatch
  subscribe(listener: StationListener): () => void
  /** A call rings at this station (from the telephony integration): the renderer pops the caller. */
  announceCall(number: string): void
  notificationClicked(ticketId: string | null): void
  close(): Promise<void>
}

export async function createStationServices(
  options: StationServicesOptions,
): Promise<StationServices> {
  const scheduler = options.scheduler ?? systemScheduler
  const listeners = new Set<StationListener>()
  const emit: Emit = <E extends StationEvent>(event: E, payload: EventPayloadOf<E>) => {
    for (const listener of listeners) listener(event, payload)
  }
  const client = new ServerClient({
    baseUrl: options.serverUrl,
    fetch: options.fetch,
    timeoutMs: options.requestTimeoutMs,
  })
  let identity: StationIdentity | null = await loadIdentity(options.dataDir)
  const outbox = await Outbox.open(path.join(options.dataDir, 'outbox.jsonl'))
  const setAside = await SetAsideEvents.open(path.join(options.dataDir, 'set-aside.json'))
  const numbers = await TicketNumbers.open(path.join(options.dataDir, 'ticket-numbers.json'))
  const notified = await NotifiedKeys.open(
    path.join(options.dataDir, 'notified.json'),
    NOTIFIED_KEYS_KEPT,
    options.logError,
  )
  const verifiers = await VerifierStore.open(options.dataDir, options.scrypt ?? DEFAULT_SCRYPT)
  // The agent and the session refer to each other; neither calls the other before both exist.
  const sync: SyncAgent = new SyncAgent({
    outbox,
    setAside,
    client,
    credentials: () => session.credentials(),
    tokenRejected: () => session.tokenRejected(),
    openSocket: options.openSocket,
    scheduler,
    random: options.random ?? Math.random,
    emit,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  })
  const session = await StationSession.open({
    dataDir: options.dataDir,
    client,
    credentials: options.credentials,
    verifiers,
    scheduler,
    stationCode: () => identity?.stationCode ?? null,
    signedIn: async ({ highestSequence }) => {
      if (identity && highestSequence !== undefined)
        await raiseNumbers(identity.stationCode, highestSequence)
    },
    onChange: (state: SessionState) => {
      emit('session.changed', state)
      sync.sessionChanged()
    },
  })

  /**
   * Raises the counter to what the server holds. Windows are told even when it did not move: a
   * block they reserved before (from a counter that had fallen behind) may hold the server's numbers.
   */
  async function raiseNumbers(stationCode: string, highest: number): Promise<void> {
    await numbers.raise(stationCode, highest)
    if (highest > 0) emit('numbers.raised', { stationCode, highest })
  }

  const token = (): string => {
    const credentials = session.credentials()
    if (!credentials)
      throw new StationError('not_signed_in', 'Sign in online to reach the central server.')
    return credentials.token
  }

  /**
   * With `bearer`, the server binds that session to the new station in the same transaction, so
   * the user signed in while enrolling goes on syncing (and reporting) as this station.
   */
  async function enroll(request: { code: string; name: string }, bearer: string | null) {
    const enrolled = await client.enroll(request, bearer)
    // Raised before the station takes the code, so no window numbers with it from below.
    await raiseNumbers(enrolled.stationCode, enrolled.highestSequence ?? 0)
    identity = { stationCode: enrolled.stationCode, name: enrolled.name }
    await saveIdentity(options.dataDir, identity)
    if (bearer && enrolled.sessionBound) await session.boundTo(enrolled.stationCode)
    return enrolled
  }

  const admin = adminHandlers(client, token)
  const handlers: StationHandlers = {
    'session.current': () => session.current(),
    'session.login': ({ username, password }) => session.login(username, password),
    'session.loginOffline': ({ username, password }) => session.loginOffline(username, password),
    'session.logout': async () => {
      const user = await session.logout()
      return { pendingLeft: user ? outbox.countFor(user.username) : 0 }
    },
    'session.setupNeeded': () => client.setupNeeded(),
    'session.setup': async (request) => {
      const admin = await client.setup(request)
      // The station that sets the server up is its first station: enroll it with the new
      // administrator's rights, so a fresh install is a working one-station system.
      if (!identity) {
        const { code } = await client.issueEnrollmentCode(admin.token)
        await enroll({ code, name: 'First station' }, null)
      }
      await client.logout(admin.token).catch(() => undefined)
      return session.login(request.username, request.password)
    },

    'station.info': () => ({
      stationCode: identity?.stationCode ?? null,
      name: identity?.name ?? null,
    }),
    'station.enroll': (request) => enroll(request, session.credentials()?.token ?? null),

    'numbers.reserve': ({ stationCode, count, floor }) => {
      if (!identity) throw new StationError('not_enrolled', 'This station is not enrolled yet.')
      if (identity.stationCode !== stationCode) {
        throw new StationError(
          'refused',
          `This station is ${identity.stationCode} now, not ${stationCode}: reload the window.`,
        )
      }
      return numbers.reserve(stationCode, count, floor)
    },

    'sync.handOver': async ({ events }) => ({ accepted: await sync.handOver(events) }),
    'sync.nextPage': ({ after, limit }) => sync.nextPage(after, limit),
    'sync.snapshotPage': (query) => sync.snapshotPage(query),
    'sync.status': () => sync.status(),
    'sync.retryNow': () => sync.retryNow(),
    'sync.sendSetAsideAgain': () => sync.sendSetAsideAgain(),

    'directory.get': async () => {
      const parsed = directorySnapshotSchema.safeParse(await client.directory(token()))
      if (!parsed.success)
        throw new StationError(
          'refused',
          'The central server sent a directory this station does not understand.',
        )
      return parsed.data
    },
    'directory.callers': async ({ q }) => {
      const parsed = z
        .object({ callers: z.array(callerRecordSchema) })
        .safeParse(await client.callers(token(), q))
      if (!parsed.success)
        throw new StationError(
          'refused',
          'The central server sent a caller list this station does not understand.',
        )
      return parsed.data
    },
    'calls.log': ({ since }) => client.calls(token(), since),
    'presence.report': (request) => sync.presence.report(request),
    'floor.watch': () => {
      sync.watchFloor()
      return {}
    },

    'notify.show': ({ key, ...notification }) => {
      if (key !== undefined && !notified.first(key)) return { shown: false }
      return { shown: options.notify?.(notification) ?? false }
    },

    'app.info': () => ({
      version: options.version,
      shell: options.shell,
      serverUrl: options.serverUrl,
      embeddedServer: options.embeddedServer,
    }),
    'app.setServerUrl': async ({ serverUrl }) => {
      const settings = await loadSettings(options.dataDir)
      await saveSettings(options.dataDir, { ...settings, serverUrl })
      return { restartRequired: serverUrl !== (options.embeddedServer ? null : options.serverUrl) }
    },

    ...admin,
    // The offline verifier follows the new password, or the old one would still open this desk.
    'session.changePassword': async (request) => {
      const changed = await admin['session.changePassword'](request)
      const user = session.current().user
      if (user) await verifiers.remember(user, request.newPassword, scheduler.now())
      return changed
    },
  }

  sync.start()

  return {
    handlers,
    dispatch: createDispatcher(handlers, options.logError),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    announceCall: (number) => emit('call.incoming', { number, at: scheduler.now() }),
    notificationClicked: (ticketId) => emit('notify.clicked', { ticketId }),
    async close() {
      await session.close()
      await sync.stop()
      await notified.flushed()
      await outbox.close()
      listeners.clear()
    },
  }
}
