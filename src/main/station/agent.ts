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
 *   Offline or a failing server: retry with exponential backoff and jitter. A restart mid-push
 *   reloads the outbox and pushes again; the server answers "duplicate" for what it already has.
 *   A refused token ends the online session: the events wait, and go out after the next sign-in.
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
 * Live. One WebSocket (token as subprotocol) reconnecting with backoff. It carries pokes and floor
 *   presence in, and this station's report (pending, last sync) out.
 */
import {
  StationError,
  type StationEvent,
  type EventPayloadOf,
  type SyncStatus,
} from '../../shared/station-api'
import type { PullResponse, PushResult } from '../../shared/sync/wire'
import { MAX_PUSH_BATCH } from '../../shared/sync/wire'
import { announceCallEvent } from './calls'
import { Connectivity } from './connectivity'
import { LiveConnection, type LiveSocketFactory } from './live'
import type { Outbox, OutboxEvent } from './outbox'
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy, type Scheduler } from './scheduler'
import type { ServerClient } from './server-client'

export type Emit = <E extends StationEvent>(event: E, payload: EventPayloadOf<E>) => void

export interface SyncAgentDeps {
  outbox: Outbox
  client: ServerClient
  /** The signed-in user's valid token, or null. */
  credentials(): { username: string; token: string } | null
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

export class SyncAgent {
  private readonly connectivity = new Connectivity()
  private readonly backoff: BackoffPolicy
  private batchSize: number
  private live: LiveConnection | null = null
  private liveToken: string | null = null
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

  constructor(private readonly deps: SyncAgentDeps) {
    this.backoff = deps.backoff ?? DEFAULT_BACKOFF
    this.batchSize = Math.min(deps.batchSize ?? 200, MAX_PUSH_BATCH)
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
    if (credentials?.token !== this.liveToken) {
      this.live?.stop()
      this.live = null
      this.liveToken = credentials?.token ?? null
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
            this.publish()
          },
          onMessage: (message) => {
            if (message.type === 'poke') this.deps.emit('sync.remoteChanged', { seq: message.seq })
            else if (message.type === 'stations')
              this.deps.emit('floor.stations', { stations: message.stations })
            else if (message.type === 'call') announceCallEvent(this.deps.emit, message)
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
    // An event the server already answered for is not pushed again: its answer is repeated.
    const known = events.flatMap((event) => this.answered.get(event.id) ?? [])
    const accepted = await this.deps.outbox.add(
      events.filter((event) => !this.answered.has(event.id)),
    )
    if (known.length > 0) this.deps.emit('sync.results', { results: known })
    if (accepted > 0) this.pushSoon()
    this.publish()
    return accepted + known.length
  }

  async nextPage(after: number, limit?: number): Promise<PullResponse> {
    const credentials = this.requireCredentials()
    this.inFlight++
    this.publish()
    try {
      const page = await this.deps.client.pull(credentials.token, after, limit)
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
      lastSyncAt: this.lastSyncAt,
      lastError:
        this.problem ??
        this.connectivity.lastError ??
        (credentials ? null : this.signInHint(pending)),
      clockWarning: this.clockWarning,
      nextRetryAt: this.nextRetryAt,
    }
  }

  private signInHint(pending: number): string | null {
    return pending > 0
      ? `${pending} event${pending === 1 ? '' : 's'} wait to be sent: sign in online to send them.`
      : null
  }

  private requireCredentials(): { username: string; token: string } {
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
      const batch = this.deps.outbox.batchFor(credentials.username, this.batchSize)
      if (batch.length === 0) return
      this.publish()
      let response
      try {
        response = await this.deps.client.push(credentials.token, batch)
      } catch (error) {
        if (error instanceof StationError && error.code === 'refused' && this.batchSize > 1) {
          // Most likely a body over the server's size limit: smaller batches get through.
          this.batchSize = Math.max(1, Math.floor(this.batchSize / 2))
          continue
        }
        if (await this.failed(error)) this.retryLater()
        return
      }
      const sent = new Set(batch.map((event) => event.id))
      const answered = response.results.filter((result) => sent.has(result.id))
      await this.deps.outbox.settle(answered.map((result) => result.id))
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
    const report = JSON.stringify({ pending: status.pending, lastSyncAt: status.lastSyncAt })
    if (this.live?.isOpen && report !== this.lastReport) {
      this.lastReport = report
      this.live.send({ type: 'report', pending: status.pending, lastSyncAt: status.lastSyncAt })
    }
  }
}
