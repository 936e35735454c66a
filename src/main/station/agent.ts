/**
 * The sync agent: the station side of ARCHITECTURE.md "Sync".
 *
 * The renderer's Dexie store is the station's source of truth; this agent only relays.
 *
 * Push. The renderer records an event (pending) and hands it over with `sync.handOver`. The
 *   agent appends it to the outbox (fsync'd) before acknowledging, then pushes the signed-in
 *   user's outbox events in batches. Every event gets a result — applied (seq), duplicate (seq) or
 *   rejected (reason) — the outbox forgets the answered ids, and `sync.results` carries the results
 *   to the renderer, which marks its events applied or rejected (a rejected one is kept and shown).
 *   Offline, or a proxy that cannot reach the server: retry the same batch with exponential backoff
 *   and jitter. A restart mid-push reloads the outbox and pushes again; the server answers
 *   "duplicate" for what it already has. A refused token ends the online session: the events wait,
 *   and go out after the next sign-in.
 *
 * Poison. A server that answers but fails on a batch (500, an unreadable answer) may be failing
 *   on one event of it. The batch is narrowed down (narrowing.ts) until that event travels alone;
 *   if the server keeps failing on it while taking others, it is set aside (set-aside.ts) with a
 *   `server_error` rejection the renderer keeps visible, and the events behind it land. The
 *   station's report counts set-aside events for the floor view; "send again" puts them back.
 *
 * Live events. The live socket carries each commit's events; the agent hands them on as
 *   `sync.remoteEvents`, and the renderer applies them when they follow its cursor, or pulls.
 *   While the renderer is pulling, only the news of the commit goes on (`sync.remoteChanged`):
 *   the pull brings its events — from the agent's memory of recent commits (live-pages.ts) when
 *   they follow the cursor asked for, so a station catching up does not pull from the server what
 *   the live socket just brought.
 *
 * Pull. The agent keeps no cursor. On a poke, on every (re)connection and on start it emits
 *   `sync.remoteChanged`; the renderer then asks `sync.nextPage({ after: its own cursor })` until
 *   the page says up to date, applying each page and moving its cursor in one Dexie transaction.
 *   A page that fails is asked for again later from the same cursor: nothing is lost, nothing is
 *   applied twice.
 *
 * Lost messages. Should a `sync.results` notification not reach the renderer (a reload, a dropped
 *   browser-host socket), its events stay pending there. The renderer hands its pending events over
 *   again on start and whenever told `sync.remoteChanged` with seq null ("you may have missed
 *   something"); the agent answers events it already has answers for from memory, and the outbox
 *   and the server both deduplicate by id, so the worst case is a resend answered "duplicate".
 *
 * Live. One WebSocket (token as subprotocol) reconnecting with backoff. It carries events, pokes and floor
 *   presence in, and this station's report (pending, set aside, last sync) out — only for a
 *   session bound to the station, the one kind the server keeps presence for. A session bound
 *   later (the user was signed in when the station enrolled) reconnects, so the server sees it.
 */
import {
  StationError,
  type StationEvent,
  type EventPayloadOf,
  type SyncStatus,
} from '../../shared/station-api'
import type {
  LiveEventsMessage,
  PullResponse,
  PushResult,
  SnapshotRequest,
  SnapshotResponse,
} from '../../shared/sync/wire'
import { MAX_PULL_LIMIT, MAX_PUSH_BATCH } from '../../shared/sync/wire'
import { announceCallEvent } from './calls'
import { Connectivity } from './connectivity'
import { LiveConnection, type LiveSocketFactory } from './live'
import { LivePages } from './live-pages'
import { BatchNarrowing } from './narrowing'
import { StationPresence } from './presence'
import type { Outbox, OutboxEvent } from './outbox'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy, type Scheduler } from './scheduler'
import { ServerFailure, type ServerClient } from './server-client'
import type { SetAsideEvents } from './set-aside'

export type Emit = <E extends StationEvent>(event: E, payload: EventPayloadOf<E>) => void

/** A usable session: `stationCode` is the station the server bound it to (null: none). */
export interface AgentCredentials {
  username: string
  token: string
  stationCode: string | null
}

export interface SyncAgentDeps {
  outbox: Outbox
  setAside: SetAsideEvents
  client: ServerClient
  /** The signed-in user's valid token, or null. */
  credentials(): AgentCredentials | null
  /** Called when the server refuses the token. */
  tokenRejected(): Promise<void>
  openSocket: LiveSocketFactory
  scheduler: Scheduler
  random(): number
  emit: Emit
  batchSize?: number
  backoff?: BackoffPolicy
}

/** Rounds of one push run before it yields to the event loop and schedules the next. */
const ROUNDS_PER_RUN = 50
/** Answers kept for events handed over again after their results went missing. */
const ANSWERS_KEPT = 50_000
/** Events of recent live commits kept to answer pulls with (a few MB). */
const LIVE_EVENTS_KEPT = 10_000

export class SyncAgent {
  private readonly connectivity = new Connectivity()
  private readonly backoff: BackoffPolicy
  private batchSize: number
  private readonly narrowing = new BatchNarrowing()
  private live: LiveConnection | null = null
  /** Token and station of the live socket: a session bound to a station later reconnects. */
  private liveSession: string | null = null
  private pushingFor: string | null = null
  private watchingFloor = false
  private failures = 0
  private retryTimer: unknown = null
  private nextRetryAt: number | null = null
  private running: Promise<void> | null = null
  private runAgain = false
  private inFlight = 0
  private lastSyncAt: number | null = null
  private problem: string | null = null
  private clockWarning: string | null = null
  private lastStatus = ''
  private lastReport = ''
  private stopped = false
  /** The server's answers for events no longer in the outbox, newest last. */
  private readonly answered = new Map<string, PushResult>()
  private readonly livePages = new LivePages(LIVE_EVENTS_KEPT)
  /** Who has which ticket open, and whether this agent is on a call (presence.ts). */
  readonly presence: StationPresence

  constructor(private readonly deps: SyncAgentDeps) {
    this.backoff = deps.backoff ?? DEFAULT_BACKOFF
    // The largest batches the server takes: a station back from hours offline pushes its backlog
    // in as few round trips (and server transactions) as it can.
    this.batchSize = Math.min(deps.batchSize ?? MAX_PUSH_BATCH, MAX_PUSH_BATCH)
    this.presence = new StationPresence({
      send: (message) => this.live?.send(message),
      emit: deps.emit,
      reportChanged: () => this.publish(),
    })
    this.connectivity.onChange((state) => {
      if (state !== 'online') return
      // Back online: whatever waited goes out now, and whatever others wrote meanwhile comes in.
      this.failures = 0
      this.pushSoon()
      this.deps.emit('sync.remoteChanged', { seq: null })
    })
  }

  start(): void {
    this.sessionChanged()
    this.deps.emit('sync.remoteChanged', { seq: null })
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.deps.scheduler.clearTimeout(this.retryTimer)
    this.live?.stop()
    this.live = null
    await this.running
  }

  /** The session changed: (re)connect the live socket with the new token and push what is theirs. */
  sessionChanged(): void {
    const credentials = this.deps.credentials()
    const liveSession = credentials ? `${credentials.stationCode ?? ''}:${credentials.token}` : null
    if (liveSession !== this.liveSession) {
      this.live?.stop()
      this.live = null
      this.livePages.clear()
      this.liveSession = liveSession
      if (credentials && !this.stopped) {
        this.live = new LiveConnection({
          url: this.deps.client.liveUrl(),
          token: credentials.token,
          openSocket: this.deps.openSocket,
          scheduler: this.deps.scheduler,
          backoff: this.backoff,
          random: this.deps.random,
          onOpen: () => {
            if (this.watchingFloor) this.live?.send({ type: 'watch_stations' })
            this.presence.connected()
            this.lastReport = ''
            this.connectivity.reachable()
            // Pokes sent while this socket was away are lost: every (re)connection pulls.
            this.deps.emit('sync.remoteChanged', { seq: null })
            this.publish()
          },
          onClose: () => {
            this.connectivity.unreachable(
              'The live connection to the central server was lost; reconnecting.',
            )
            this.presence.disconnected()
            this.publish()
          },
          onMessage: (message) => {
            if (message.type === 'poke') this.deps.emit('sync.remoteChanged', { seq: message.seq })
            else if (message.type === 'events') this.received(message)
            else if (message.type === 'stations')
              this.deps.emit('floor.stations', { stations: message.stations })
            else if (message.type === 'call') {
              announceCallEvent(this.deps.emit, message)
              this.presence.callEvent(message)
            } else if (message.type === 'viewers') this.presence.received(message.viewers)
            else this.problem = message.message
          },
        })
        this.live.start()
      }
    }
    this.failures = 0
    this.pushSoon()
    this.publish()
  }

  async handOver(events: readonly OutboxEvent[]): Promise<number> {
    // An event the server already answered for, or one set aside, is not pushed again: its answer
    // is repeated.
    const answer = (id: string): PushResult | undefined => {
      const setAside = this.deps.setAside.get(id)
      return setAside ? setAsideResult(id, setAside.reason) : this.answered.get(id)
    }
    const known = events.flatMap((event) => answer(event.id) ?? [])
    const accepted = await this.deps.outbox.add(events.filter((event) => !answer(event.id)))
    if (known.length > 0) this.deps.emit('sync.results', { results: known })
    if (accepted > 0) this.pushSoon()
    this.publish()
    return accepted + known.length
  }

  async nextPage(after: number, limit?: number): Promise<PullResponse> {
    this.requireCredentials()
    const held = this.livePages.page(after, limit ?? MAX_PULL_LIMIT)
    if (held) return held
    // Unless the renderer asks for less, the largest pages: catching up on a floor's hours of
    // work is then a fifth of the round trips the server's default page would take.
    return this.fetchFor((token) => this.deps.client.pull(token, after, limit ?? MAX_PULL_LIMIT))
  }

  /** A page of the server's projections, for a new station's first sync (issue 13). */
  snapshotPage(query: SnapshotRequest): Promise<SnapshotResponse> {
    return this.fetchFor((token) => this.deps.client.snapshot(token, query))
  }

  /** A read for the renderer, counted as syncing while it runs. */
  private async fetchFor<T>(read: (token: string) => Promise<T>): Promise<T> {
    const credentials = this.requireCredentials()
    this.inFlight++
    this.publish()
    try {
      const page = await read(credentials.token)
      this.succeeded()
      return page
    } catch (error) {
      await this.failed(error)
      throw error
    } finally {
      this.inFlight--
      this.publish()
    }
  }

  /**
   * A commit's events off the live socket, for the renderer to apply without pulling. They count
   * as a sync for the status, but are not reported on their own: with every station hearing
   * every commit, a report per commit would be a presence write per station per save.
   */
  private received(commit: LiveEventsMessage): void {
    const { after, next, events } = commit
    this.lastSyncAt = this.deps.scheduler.now()
    this.livePages.remember(commit)
    // While the renderer pulls (catching up), its pull brings these events anyway and it sets
    // them aside for another round: tell it a commit landed, rather than relay up to a full
    // batch of events per commit across the process boundary for nothing.
    if (this.inFlight > 0) this.deps.emit('sync.remoteChanged', { seq: next })
    else this.deps.emit('sync.remoteEvents', { after, next, events })
  }

  /** Puts the set-aside events back in the outbox, to be tried again (after a server fix, say). */
  async sendSetAsideAgain(): Promise<SyncStatus> {
    const entries = await this.deps.setAside.take()
    for (const { event } of entries) {
      this.answered.delete(event.id)
      this.narrowing.forget(event.id)
    }
    await this.deps.outbox.add(entries.map((entry) => entry.event))
    return this.retryNow()
  }

  /** Skips the backoff: retry pushing and reconnect the live socket now. */
  retryNow(): SyncStatus {
    this.failures = 0
    this.pushSoon()
    if (!this.live?.isOpen) this.live?.reconnectNow()
    return this.status()
  }

  watchFloor(): void {
    this.watchingFloor = true
    this.live?.send({ type: 'watch_stations' })
  }

  status(): SyncStatus {
    const credentials = this.deps.credentials()
    const pending = this.deps.outbox.size
    const mine = credentials ? this.deps.outbox.countFor(credentials.username) : 0
    const connection =
      this.connectivity.current === 'offline'
        ? 'offline'
        : this.inFlight > 0 || this.running
          ? 'syncing'
          : 'online'
    return {
      connection,
      pending,
      waitingForSignIn: pending - mine,
      setAside: this.deps.setAside.size,
      lastSyncAt: this.lastSyncAt,
      // Without a usable session nothing is pushed; the session's `needsSignIn` says why, and the
      // desk asks for the password there.
      lastError: this.problem ?? this.connectivity.lastError,
      clockWarning: this.clockWarning,
      nextRetryAt: this.nextRetryAt,
    }
  }

  private requireCredentials(): AgentCredentials {
    const credentials = this.deps.credentials()
    if (!credentials)
      throw new StationError('not_signed_in', 'Sign in online to sync with the central server.')
    return credentials
  }

  private pushSoon(): void {
    if (this.stopped) return
    this.deps.scheduler.clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.nextRetryAt = null
    if (this.running) {
      this.runAgain = true
      return
    }
    this.running = this.pushRun().finally(() => {
      this.running = null
      if (this.runAgain) {
        this.runAgain = false
        this.pushSoon()
      }
      this.publish()
    })
  }

  private retryLater(): void {
    if (this.stopped) return
    this.failures++
    const delay = backoffDelay(this.failures, this.backoff, this.deps.random)
    this.nextRetryAt = this.deps.scheduler.now() + delay
    this.retryTimer = this.deps.scheduler.setTimeout(() => {
      this.retryTimer = null
      this.pushSoon()
    }, delay)
  }

  private async pushRun(): Promise<void> {
    for (let round = 0; round < ROUNDS_PER_RUN; round++) {
      const credentials = this.deps.credentials()
      if (this.stopped || !credentials) return
      if (credentials.username !== this.pushingFor) {
        this.pushingFor = credentials.username
        this.narrowing.reset()
      }
      const batch = this.narrowing.pick(
        this.deps.outbox.batchFor(credentials.username, this.narrowing.readAhead(this.batchSize)),
        this.batchSize,
      )
      if (batch.length === 0) return
      this.publish()
      let response
      try {
        response = await this.deps.client.push(credentials.token, batch)
      } catch (error) {
        if (
          !(error instanceof ServerFailure) &&
          error instanceof StationError &&
          error.code === 'refused' &&
          batch.length > 1
        ) {
          // Most likely a body over the server's size limit: smaller batches get through.
          this.batchSize = Math.max(1, Math.floor(batch.length / 2))
          continue
        }
        if (
          error instanceof ServerFailure ||
          (error instanceof StationError && error.code === 'refused')
        ) {
          if (await this.serverFailed(batch, error)) continue
          this.retryLater()
          return
        }
        this.narrowing.interrupted()
        if (await this.failed(error)) this.retryLater()
        return
      }
      const sent = new Set(batch.map((event) => event.id))
      const answered = response.results.filter((result) => sent.has(result.id))
      const stored = new Set(answered.flatMap((r) => (r.status === 'rejected' ? [] : [r.id])))
      const control = this.narrowing.isControl(batch)
      this.narrowing.answered(
        batch,
        batch.filter((event) => stored.has(event.id)),
        this.batchSize,
      )
      // The control event was answered for long ago: whatever the server says of it now, the
      // renderer must not hear it (a refusal now would contradict the event's stored place).
      if (control) {
        if (stored.size > 0) this.succeeded()
        else this.narrowing.dropControl()
        continue
      }
      await this.deps.outbox.settle(answered.map((result) => result.id))
      // An event set aside before a crash, pushed again from the outbox, that has now landed.
      if (answered.some((result) => this.deps.setAside.get(result.id)))
        await this.deps.setAside.take(answered.map((result) => result.id))
      this.remember(answered)
      this.clockWarning = response.clockWarning ?? null
      this.succeeded()
      this.deps.emit('sync.results', {
        results: answered,
        ...(response.clockWarning ? { clockWarning: response.clockWarning } : {}),
      })
      if (answered.length === 0) {
        this.problem = 'The central server did not answer for the events sent; retrying.'
        this.retryLater()
        return
      }
    }
    this.runAgain = true
  }

  /**
   * The server answered this batch with a failure. True: push again at once (it was narrowed, or
   * an event was set aside); false: retry after the backoff.
   */
  private async serverFailed(batch: readonly OutboxEvent[], error: StationError): Promise<boolean> {
    this.connectivity.reachable()
    const step = this.narrowing.failed(batch)
    if (step.kind === 'narrowed') return true
    if (step.kind === 'control') {
      this.problem = `The central server fails on every push right now (${error.message}); retrying.`
      return false
    }
    if (step.kind === 'retry') {
      this.problem = `The central server failed on an event (${error.message}); trying it alone again.`
      return false
    }
    const event = batch[0]!
    const reason = `The central server failed on this event ${step.failures} times while it accepted others (last answer: ${error.message}). It was set aside so the rest could sync; it is kept on this station and can be sent again once the server is fixed.`
    await this.deps.setAside.add({ event, reason, at: this.deps.scheduler.now() })
    await this.deps.outbox.settle([event.id])
    this.narrowing.forget(event.id)
    const result = setAsideResult(event.id, reason)
    this.remember([result])
    this.problem = null
    this.deps.emit('sync.results', { results: [result] })
    return true
  }

  private remember(results: readonly PushResult[]): void {
    for (const result of results) {
      this.answered.delete(result.id)
      this.answered.set(result.id, result)
    }
    for (const id of this.answered.keys()) {
      if (this.answered.size <= ANSWERS_KEPT) break
      this.answered.delete(id)
    }
  }

  private succeeded(): void {
    this.failures = 0
    this.problem = null
    this.lastSyncAt = this.deps.scheduler.now()
    this.connectivity.reachable()
  }

  /** Records a failure; true when it is worth retrying with backoff. */
  private async failed(error: unknown): Promise<boolean> {
    if (error instanceof StationError && error.code === 'offline') {
      this.connectivity.unreachable(error.message)
      return true
    }
    if (error instanceof StationError && error.code === 'unauthorized') {
      this.problem = 'The central server no longer accepts this sign-in: sign in again to sync.'
      await this.deps.tokenRejected()
      return false
    }
    this.problem = error instanceof Error ? error.message : String(error)
    return true
  }

  /** Tells the renderer and the floor when something they show changed. */
  private publish(): void {
    const status = this.status()
    const serialized = JSON.stringify(status)
    if (serialized !== this.lastStatus) {
      this.lastStatus = serialized
      this.deps.emit('sync.status', status)
    }
    // Only a session bound to a station has a place on the floor to report into.
    if (!this.live?.isOpen || !this.deps.credentials()?.stationCode) return
    const report = {
      type: 'report',
      pending: status.pending,
      lastSyncAt: status.lastSyncAt,
      setAside: status.setAside,
      onCall: this.presence.onCall,
    } as const
    const reported = JSON.stringify(report)
    if (reported !== this.lastReport) {
      this.lastReport = reported
      this.live.send(report)
    }
  }
}

function setAsideResult(id: string, reason: string): PushResult {
  return { id, status: 'rejected', code: 'server_error', reason }
}
