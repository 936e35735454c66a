/**
 * The sync agent: the station side of ARCHITECTURE.md "Sync".
 *
 * The renderer's Dexie store is the station's source of truth; this agent only relays.
 *
 * Push. The renderer records an event (pending) and hands it over with `sync.handOver`. The
 *   agent appends it to the outbox (fsync'd) before acknowledging, then pushes it (push-loop.ts);
 *   `sync.results` carries each event's result to the renderer, which marks its events applied or
 *   rejected (a rejected one is kept and shown). A refused token ends the online session: the
 *   events wait, and go out after the next sign-in.
 *
 * Poison. An event the server keeps failing on while it takes others is set aside (push-loop.ts).
 *   The station's report counts set-aside events for the floor view; "send again" puts them back.
 *
 * Live events. The live socket carries each commit's events on to the renderer, and the pull
 *   is answered from them while they follow the cursor asked for (live-session.ts).
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
 *   something"); the agent answers events it already has answers for from memory (answered.ts),
 *   and the outbox and the server both deduplicate by id, so the worst case is a resend answered
 *   "duplicate".
 *
 * Live. One WebSocket per session, reconnecting with backoff: events, pokes and floor presence
 *   in, this station's report out (live-session.ts).
 */
import {
  StationError,
  type StationEvent,
  type EventPayloadOf,
  type SyncStatus,
} from '../../shared/station-api'
import type { PullResponse, SnapshotRequest, SnapshotResponse } from '../../shared/sync/wire'
import { MAX_PULL_LIMIT } from '../../shared/sync/wire'
import { Connectivity } from './connectivity'
import type { LiveSocketFactory } from './live'
import { LiveSession } from './live-session'
import { StationPresence } from './presence'
import type { Outbox, OutboxEvent } from './outbox'
import { PushLoop } from './push-loop'
import { DEFAULT_BACKOFF, type BackoffPolicy, type Scheduler } from './scheduler'
import type { ServerClient } from './server-client'
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

export class SyncAgent {
  private readonly connectivity = new Connectivity()
  private readonly backoff: BackoffPolicy
  private readonly push: PushLoop
  private readonly live: LiveSession
  private inFlight = 0
  private lastSyncAt: number | null = null
  private problem: string | null = null
  private clockWarning: string | null = null
  private lastStatus = ''
  /** Who has which ticket open, and whether this agent is on a call (presence.ts). */
  readonly presence: StationPresence

  constructor(private readonly deps: SyncAgentDeps) {
    this.backoff = deps.backoff ?? DEFAULT_BACKOFF
    const problem = (message: string | null): void => {
      this.problem = message
    }
    this.push = new PushLoop({
      outbox: deps.outbox,
      setAside: deps.setAside,
      client: deps.client,
      credentials: () => deps.credentials(),
      scheduler: deps.scheduler,
      random: deps.random,
      emit: deps.emit,
      backoff: this.backoff,
      ...(deps.batchSize === undefined ? {} : { batchSize: deps.batchSize }),
      succeeded: () => this.succeeded(),
      failed: (error) => this.failed(error),
      reachable: () => this.connectivity.reachable(),
      problem,
      clockWarning: (warning) => {
        this.clockWarning = warning
      },
      changed: () => this.publish(),
    })
    this.presence = new StationPresence({
      send: (message) => this.live.send(message),
      emit: deps.emit,
      reportChanged: () => this.publish(),
    })
    this.live = new LiveSession({
      liveUrl: () => deps.client.liveUrl(),
      openSocket: deps.openSocket,
      scheduler: deps.scheduler,
      backoff: this.backoff,
      random: deps.random,
      emit: deps.emit,
      connectivity: this.connectivity,
      presence: this.presence,
      pulling: () => this.inFlight > 0,
      heard: () => {
        this.lastSyncAt = deps.scheduler.now()
      },
      problem,
      changed: () => this.publish(),
    })
    this.connectivity.onChange((state) => {
      if (state !== 'online') return
      // Back online: whatever waited goes out now, and whatever others wrote meanwhile comes in.
      this.push.pushNow()
      this.deps.emit('sync.remoteChanged', { seq: null })
    })
  }

  start(): void {
    this.sessionChanged()
    this.deps.emit('sync.remoteChanged', { seq: null })
  }

  async stop(): Promise<void> {
    const pushStopped = this.push.stop()
    this.live.stop()
    await pushStopped
  }

  /** The session changed: (re)connect the live socket with the new token and push what is theirs. */
  sessionChanged(): void {
    this.live.follow(this.deps.credentials())
    this.push.pushNow()
    this.publish()
  }

  async handOver(events: readonly OutboxEvent[]): Promise<number> {
    // An event the server already answered for, or one set aside, is not pushed again: its answer
    // is repeated.
    const known = events.flatMap((event) => this.push.answerFor(event.id) ?? [])
    const accepted = await this.deps.outbox.add(
      events.filter((event) => !this.push.answerFor(event.id)),
    )
    if (known.length > 0) this.deps.emit('sync.results', { results: known })
    if (accepted > 0) this.push.soon()
    this.publish()
    return accepted + known.length
  }

  async nextPage(after: number, limit?: number): Promise<PullResponse> {
    this.requireCredentials()
    const held = this.live.page(after, limit ?? MAX_PULL_LIMIT)
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

  /** Puts the set-aside events back in the outbox, to be tried again (after a server fix, say). */
  async sendSetAsideAgain(): Promise<SyncStatus> {
    const entries = await this.deps.setAside.take()
    for (const { event } of entries) this.push.forget(event.id)
    await this.deps.outbox.add(entries.map((entry) => entry.event))
    return this.retryNow()
  }

  /** Skips the backoff: retry pushing and reconnect the live socket now. */
  retryNow(): SyncStatus {
    this.push.pushNow()
    this.live.reconnectIfClosed()
    return this.status()
  }

  watchFloor(): void {
    this.live.watchFloor()
  }

  status(): SyncStatus {
    const credentials = this.deps.credentials()
    const pending = this.deps.outbox.size
    const mine = credentials ? this.deps.outbox.countFor(credentials.username) : 0
    const connection =
      this.connectivity.current === 'offline'
        ? 'offline'
        : this.inFlight > 0 || this.push.isRunning
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
      nextRetryAt: this.push.nextRetryAt,
    }
  }

  private requireCredentials(): AgentCredentials {
    const credentials = this.deps.credentials()
    if (!credentials)
      throw new StationError('not_signed_in', 'Sign in online to sync with the central server.')
    return credentials
  }

  private succeeded(): void {
    this.push.resetBackoff()
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
    if (!this.deps.credentials()?.stationCode) return
    this.live.report({
      pending: status.pending,
      lastSyncAt: status.lastSyncAt,
      setAside: status.setAside,
      onCall: this.presence.onCall,
    })
  }
}
