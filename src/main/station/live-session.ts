/**
 * The agent's live socket for the signed-in session (ARCHITECTURE.md "Sync").
 *
 * Live. One WebSocket (token as subprotocol) reconnecting with backoff. It carries events, pokes and
 *   floor presence in, and this station's report (pending, set aside, last sync) out — only for a
 *   session bound to the station, the one kind the server keeps presence for. A session bound
 *   later (the user was signed in when the station enrolled) reconnects, so the server sees it.
 *
 * Live events. The live socket carries each commit's events; they go on to the renderer as
 *   `sync.remoteEvents`, and the renderer applies them when they follow its cursor, or pulls.
 *   While the renderer is pulling, only the news of the commit goes on (`sync.remoteChanged`):
 *   the pull brings its events — from the memory of recent commits (live-pages.ts) when they
 *   follow the cursor asked for, so a station catching up does not pull from the server what the
 *   live socket just brought.
 */
import type { z } from 'zod'
import type {
  LiveEventsMessage,
  PullResponse,
  ServerLiveMessage,
  StationLiveMessage,
  stationReportSchema,
} from '../../shared/sync/wire'
import type { AgentCredentials, Emit } from './agent'
import { announceCallEvent } from './calls'
import type { Connectivity } from './connectivity'
import { LiveConnection, type LiveSocketFactory } from './live'
import { LivePages } from './live-pages'
import type { StationPresence } from './presence'
import type { BackoffPolicy, Scheduler } from './scheduler'

/** Events of recent live commits kept to answer pulls with (a few MB). */
const LIVE_EVENTS_KEPT = 10_000

export interface LiveSessionDeps {
  liveUrl(): string
  openSocket: LiveSocketFactory
  scheduler: Scheduler
  backoff: BackoffPolicy
  random(): number
  emit: Emit
  connectivity: Connectivity
  presence: StationPresence
  /** True while the renderer reads from the server (it is pulling, catching up). */
  pulling(): boolean
  /** A commit came in: it counts as a sync for the status. */
  heard(): void
  /** The server reported a problem over the socket. */
  problem(message: string): void
  /** What the status or the report shows may have changed. */
  changed(): void
}

type StationReport = z.infer<typeof stationReportSchema>

export class LiveSession {
  private live: LiveConnection | null = null
  /** Token and station of the live socket: a session bound to a station later reconnects. */
  private key: string | null = null
  private watchingFloor = false
  private lastReport = ''
  private stopped = false
  private readonly livePages = new LivePages(LIVE_EVENTS_KEPT)

  constructor(private readonly deps: LiveSessionDeps) {}

  get isOpen(): boolean {
    return this.live?.isOpen ?? false
  }

  /** (Re)connects when the session's token or station changed; disconnects when signed out. */
  follow(credentials: AgentCredentials | null): void {
    const key = credentials ? `${credentials.stationCode ?? ''}:${credentials.token}` : null
    if (key === this.key) return
    this.live?.stop()
    this.live = null
    this.livePages.clear()
    this.key = key
    if (!credentials || this.stopped) return
    this.live = new LiveConnection({
      url: this.deps.liveUrl(),
      token: credentials.token,
      openSocket: this.deps.openSocket,
      scheduler: this.deps.scheduler,
      backoff: this.deps.backoff,
      random: this.deps.random,
      onOpen: () => {
        if (this.watchingFloor) this.send({ type: 'watch_stations' })
        this.deps.presence.connected()
        this.lastReport = ''
        this.deps.connectivity.reachable()
        // Pokes sent while this socket was away are lost: every (re)connection pulls.
        this.deps.emit('sync.remoteChanged', { seq: null })
        this.deps.changed()
      },
      onClose: () => {
        this.deps.connectivity.unreachable(
          'The live connection to the central server was lost; reconnecting.',
        )
        this.deps.presence.disconnected()
        this.deps.changed()
      },
      onMessage: (message) => this.route(message),
    })
    this.live.start()
  }

  stop(): void {
    this.stopped = true
    this.live?.stop()
    this.live = null
  }

  send(message: StationLiveMessage): void {
    this.live?.send(message)
  }

  reconnectIfClosed(): void {
    if (!this.live?.isOpen) this.live?.reconnectNow()
  }

  watchFloor(): void {
    this.watchingFloor = true
    this.send({ type: 'watch_stations' })
  }

  /** A pull's page from recent live commits, when they follow `after`; null: ask the server. */
  page(after: number, limit: number): PullResponse | null {
    return this.livePages.page(after, limit)
  }

  /** Sends the report when it changed since the last one this socket carried. */
  report(report: StationReport): void {
    if (!this.live?.isOpen) return
    const message = { type: 'report', ...report } as const
    const reported = JSON.stringify(message)
    if (reported === this.lastReport) return
    this.lastReport = reported
    this.live.send(message)
  }

  private route(message: ServerLiveMessage): void {
    if (message.type === 'poke') this.deps.emit('sync.remoteChanged', { seq: message.seq })
    else if (message.type === 'events') this.received(message)
    else if (message.type === 'stations')
      this.deps.emit('floor.stations', { stations: message.stations })
    else if (message.type === 'call') {
      announceCallEvent(this.deps.emit, message)
      this.deps.presence.callEvent(message)
    } else if (message.type === 'viewers') this.deps.presence.received(message.viewers)
    else this.deps.problem(message.message)
  }

  /**
   * A commit's events off the live socket, for the renderer to apply without pulling. They count
   * as a sync for the status, but are not reported on their own: with every station hearing
   * every commit, a report per commit would be a presence write per station per save.
   */
  private received(commit: LiveEventsMessage): void {
    const { after, next, events } = commit
    this.deps.heard()
    this.livePages.remember(commit)
    // While the renderer pulls (catching up), its pull brings these events anyway and it sets
    // them aside for another round: tell it a commit landed, rather than relay up to a full
    // batch of events per commit across the process boundary for nothing.
    if (this.deps.pulling()) this.deps.emit('sync.remoteChanged', { seq: next })
    else this.deps.emit('sync.remoteEvents', { after, next, events })
  }
}
