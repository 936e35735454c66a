/**
 * The one live WebSocket to the central server. It carries each commit's events, pokes and floor
 * presence in, and this station's report out. Everything it brings can also be pulled, so losing
 * it loses nothing: it just reconnects with backoff.
 */
import { WebSocket } from 'ws'
import {
  serverLiveMessageSchema,
  type ServerLiveMessage,
  type StationLiveMessage,
} from '../../shared/sync/wire'
import { backoffDelay, type BackoffPolicy, type Scheduler } from './scheduler'

/** The part of the WebSocket API the station uses; both `ws` and the browser's WebSocket fit. */
export interface LiveSocket {
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: unknown) => void) | null
  onerror: ((event: unknown) => void) | null
  send(data: string): void
  close(): void
}
export type LiveSocketFactory = (url: string, protocols: string[]) => LiveSocket

export interface LiveConnectionOptions {
  url: string
  token: string
  openSocket: LiveSocketFactory
  scheduler: Scheduler
  backoff: BackoffPolicy
  random: () => number
  onOpen(): void
  onClose(): void
  onMessage(message: ServerLiveMessage): void
}

export class LiveConnection {
  private socket: LiveSocket | null = null
  private open = false
  private attempt = 0
  private timer: unknown = null
  private stopped = false

  constructor(private readonly options: LiveConnectionOptions) {}

  get isOpen(): boolean {
    return this.open
  }

  start(): void {
    this.connect()
  }

  send(message: StationLiveMessage): void {
    if (this.open) this.socket?.send(JSON.stringify(message))
  }

  /** Drops the socket (possibly half-open) and connects again at once. */
  reconnectNow(): void {
    if (this.stopped) return
    this.attempt = 0
    this.drop()
    this.connect()
  }

  stop(): void {
    this.stopped = true
    this.drop()
  }

  private connect(): void {
    if (this.stopped || this.socket) return
    this.options.scheduler.clearTimeout(this.timer)
    this.timer = null
    let socket: LiveSocket
    try {
      socket = this.options.openSocket(this.options.url, [`bearer.${this.options.token}`])
    } catch {
      this.scheduleReconnect()
      return
    }
    this.socket = socket
    socket.onopen = () => {
      if (this.socket !== socket) return
      this.open = true
      this.attempt = 0
      this.options.onOpen()
    }
    socket.onmessage = (event) => {
      if (this.socket !== socket) return
      let data: unknown
      try {
        data = JSON.parse(String(event.data))
      } catch {
        return
      }
      const parsed = serverLiveMessageSchema.safeParse(data)
      if (parsed.success) this.options.onMessage(parsed.data)
    }
    // An error is always followed by a close; reconnecting is the close handler's job.
    socket.onerror = () => undefined
    socket.onclose = () => {
      if (this.socket !== socket) return
      const wasOpen = this.open
      this.socket = null
      this.open = false
      if (wasOpen) this.options.onClose()
      this.scheduleReconnect()
    }
  }

  private drop(): void {
    const socket = this.socket
    const wasOpen = this.open
    this.socket = null
    this.open = false
    this.options.scheduler.clearTimeout(this.timer)
    this.timer = null
    if (socket) {
      socket.onopen = socket.onmessage = socket.onclose = null
      try {
        socket.close()
      } catch {
        // Already closing; nothing to release.
      }
      if (wasOpen) this.options.onClose()
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return
    this.attempt++
    const delay = backoffDelay(this.attempt, this.options.backoff, this.options.random)
    this.timer = this.options.scheduler.setTimeout(() => {
      this.timer = null
      this.connect()
    }, delay)
  }
}

/**
 * The most one message from the server may hold. The server bounds what it sends on the live
 * socket far below this; a larger frame is refused by `ws` with close code 1009, and the
 * connection comes back as after any other drop.
 */
export const LIVE_MAX_PAYLOAD = 16 * 1024 * 1024

/**
 * The `ws` client: Electron's main process and Node 20 have no global WebSocket. A frame it
 * refuses (too large, invalid UTF-8, a protocol violation) reaches `onerror` and then `onclose`,
 * never the process.
 */
export const openNodeSocket: LiveSocketFactory = (url, protocols) =>
  new WebSocket(url, protocols, {
    handshakeTimeout: 10_000,
    maxPayload: LIVE_MAX_PAYLOAD,
  }) as unknown as LiveSocket
