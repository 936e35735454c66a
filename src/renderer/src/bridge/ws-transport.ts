/**
 * The browser's way to the station services: the browser host's WebSocket, speaking the same
 * envelope as Electron's IPC. It reconnects by itself; requests made while it is down wait for
 * the connection (bounded), and a reconnect is announced to the renderer as `sync.remoteChanged`,
 * because notifications may have been missed while it was away.
 */
import {
  BROWSER_HOST,
  isStationEvent,
  type StationEvent,
  type StationReply,
  type StationTransport,
} from '../../../shared/station-api'

type SocketLike = Pick<WebSocket, 'readyState' | 'send' | 'close'> & {
  onopen: ((event: Event) => void) | null
  onmessage: ((event: MessageEvent) => void) | null
  onclose: ((event: CloseEvent) => void) | null
  onerror: ((event: Event) => void) | null
}
export type SocketConstructor = new (url: string, protocols: string[]) => SocketLike

export interface WebSocketTransportOptions {
  url: string
  token: string
  WebSocket?: SocketConstructor
  /** How long a request waits for an answer, connection included. */
  requestTimeoutMs?: number
  maxReconnectDelayMs?: number
}

export interface WebSocketTransport extends StationTransport {
  close(): void
}

const OPEN = 1

export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const Socket = options.WebSocket ?? (globalThis.WebSocket as unknown as SocketConstructor)
  const timeoutMs = options.requestTimeoutMs ?? 30_000
  const maxDelay = options.maxReconnectDelayMs ?? 5_000
  const listeners = new Set<(event: StationEvent, payload: unknown) => void>()
  /** Requests in call order; `sent` is false while they wait for a connection. */
  const waiting = new Map<
    number,
    {
      message: string
      sent: boolean
      resolve: (reply: StationReply) => void
      timer: ReturnType<typeof setTimeout>
    }
  >()
  let socket: SocketLike | null = null
  let nextId = 1
  let attempt = 0
  let everOpened = false
  let closed = false

  const unavailable = (message: string): StationReply => ({
    ok: false,
    error: { code: 'unavailable', message },
  })

  function deliver(event: StationEvent, payload: unknown): void {
    for (const listener of listeners) listener(event, payload)
  }

  function connect(): void {
    if (closed) return
    const current = new Socket(options.url, [`${BROWSER_HOST.tokenProtocolPrefix}${options.token}`])
    socket = current
    current.onopen = () => {
      attempt = 0
      for (const request of waiting.values()) {
        if (request.sent) continue
        current.send(request.message)
        request.sent = true
      }
      if (everOpened) deliver('sync.remoteChanged', { seq: null })
      everOpened = true
    }
    current.onmessage = (event) => {
      let message: { id?: unknown; reply?: unknown; event?: unknown; payload?: unknown }
      try {
        message = JSON.parse(String(event.data)) as typeof message
      } catch {
        return
      }
      if (typeof message.id === 'number') {
        const request = waiting.get(message.id)
        if (!request) return
        waiting.delete(message.id)
        clearTimeout(request.timer)
        request.resolve(message.reply as StationReply)
      } else if (isStationEvent(message.event)) {
        deliver(message.event, message.payload)
      }
    }
    current.onerror = () => undefined
    current.onclose = () => {
      if (socket !== current) return
      socket = null
      // Requests sent on this socket will never be answered; the caller retries as it sees fit.
      for (const [id, request] of waiting) {
        if (!request.sent) continue
        waiting.delete(id)
        clearTimeout(request.timer)
        request.resolve(unavailable('The connection to the station service was lost; try again.'))
      }
      if (closed) return
      attempt++
      setTimeout(
        connect,
        Math.min(maxDelay, 100 * 2 ** Math.min(attempt, 10)) * (0.5 + Math.random() / 2),
      )
    }
  }

  connect()

  return {
    invoke(method, request) {
      const id = nextId++
      const message = JSON.stringify({ id, method, request })
      return new Promise<StationReply>((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(id)
          resolve(unavailable('The station service did not answer in time.'))
        }, timeoutMs)
        const sent = socket?.readyState === OPEN
        if (sent) socket!.send(message)
        waiting.set(id, { message, sent, resolve, timer })
      })
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },
    close() {
      closed = true
      socket?.close()
      for (const request of waiting.values()) {
        clearTimeout(request.timer)
        request.resolve(unavailable('The station connection was closed.'))
      }
      waiting.clear()
    },
  }
}
