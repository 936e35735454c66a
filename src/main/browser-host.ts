/**
 * The browser host: the station services behind a WebSocket on 127.0.0.1, and the built renderer
 * over http on the same port, so the UI runs in a plain browser exactly as it does in Electron
 * (the Playwright tests, a supervisor's wall screen). Only the page that knows this launch's
 * random token gets in: the token travels in the URL fragment (never sent to the server, never in
 * a log or a Referer) and the page presents it as the WebSocket subprotocol. The Host and Origin
 * headers are checked too, so another web site cannot reach these services through the browser
 * (DNS rebinding, cross-site WebSockets).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { BROWSER_HOST, MAX_HAND_OVER, type StationReply } from '../shared/station-api'
import type { StationServices } from './station/services'

const { socketPath: BROWSER_HOST_SOCKET_PATH, tokenProtocolPrefix: TOKEN_PROTOCOL_PREFIX } =
  BROWSER_HOST
export const LOOPBACK = '127.0.0.1'

export interface BrowserHostOptions {
  services: StationServices
  /** The built renderer (`out/renderer`). */
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  token?: string
}

export interface BrowserHost {
  /** The URL to open, token included. */
  url: string
  origin: string
  port: number
  token: string
  close(): Promise<void>
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

/** Room for a full hand-over of large events. */
const MAX_MESSAGE_BYTES = MAX_HAND_OVER * 24 * 1024

/** The request target's path, or null when it is no URL (`new URL` would throw in a listener). */
function requestPath(request: IncomingMessage): string | null {
  try {
    return new URL(request.url ?? '/', 'http://host').pathname
  } catch {
    return null
  }
}

function decodeOrNull(path: string): string | null {
  try {
    return decodeURIComponent(path)
  } catch {
    return null
  }
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

export async function startBrowserHost(options: BrowserHostOptions): Promise<BrowserHost> {
  const token = options.token ?? randomBytes(24).toString('hex')
  const rendererDir = path.resolve(options.rendererDir)
  let origins = new Set<string>()
  let hosts = new Set<string>()
  let csp = ''

  async function serveFile(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end()
      return
    }
    const target = requestPath(request)
    const pathname = target === null ? null : decodeOrNull(target)
    if (pathname === null) {
      response.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request target')
      return
    }
    let file = path.resolve(rendererDir, `.${pathname}`)
    if (file !== rendererDir && !file.startsWith(rendererDir + path.sep)) {
      response.writeHead(404).end()
      return
    }
    const found = await stat(file).catch(() => null)
    // Paths without a file are the single-page app's own routes: they all get index.html.
    if (!found?.isFile()) file = path.join(rendererDir, 'index.html')
    const body = await readFile(file).catch(() => null)
    if (!body) {
      response
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('The renderer is not built: run `npm run build` first.')
      return
    }
    response.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cache-control': file.endsWith('.html') ? 'no-store' : 'public, max-age=3600',
    })
    response.end(request.method === 'HEAD' ? undefined : body)
  }

  const server = createServer((request, response) => {
    if (!hosts.has(request.headers.host ?? '')) {
      response.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request')
      return
    }
    serveFile(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })

  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    handleProtocols: (protocols) =>
      [...protocols].find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX)) ?? false,
  })

  function reject(socket: Duplex, status: number, reason: string): void {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }

  server.on('upgrade', (request, socket, head) => {
    // Node drops its own error listener from an upgraded socket: a client that resets now must
    // not become an uncaught exception.
    socket.on('error', () => socket.destroy())
    const offered = (request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
    const presented = offered
      .find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))
      ?.slice(TOKEN_PROTOCOL_PREFIX.length)
    const pathname = requestPath(request)
    if (pathname !== BROWSER_HOST_SOCKET_PATH || !hosts.has(request.headers.host ?? ''))
      return reject(socket, 404, 'Not Found')
    // Browsers always send Origin; a page of another site must not ride on a token it learnt.
    const origin = request.headers.origin
    if (origin !== undefined && !origins.has(origin)) return reject(socket, 403, 'Forbidden')
    if (!presented || !sameSecret(presented, token)) return reject(socket, 401, 'Unauthorized')
    sockets.handleUpgrade(request, socket, head, (ws) => serve(ws))
  })

  let pages = 0
  function serve(ws: WebSocket): void {
    pages += 1
    const unsubscribe = options.services.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }))
    })
    ws.on('message', (data) => {
      let message: { id?: unknown; method?: unknown; request?: unknown }
      try {
        message = JSON.parse(String(data)) as typeof message
      } catch {
        return
      }
      if (typeof message !== 'object' || message === null || typeof message.id !== 'number') return
      const id = message.id
      options.services
        .dispatch(message.method, message.request)
        .catch((): StationReply => ({
          ok: false,
          error: { code: 'bad_request', message: 'The request could not be read.' },
        }))
        .then((reply) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, reply }))
        })
    })
    ws.on('close', () => {
      unsubscribe()
      // The last page closed shows no ticket any more: nobody should see this station on one.
      if (--pages === 0)
        void options.services.dispatch('presence.report', { viewing: [], intakeOpen: false })
    })
    // A frame `ws` refuses (too large, invalid UTF-8, a protocol violation) lands here after `ws`
    // has sent the close frame with its code (1009, 1007, 1002); it then closes the socket itself.
    // Terminating here could drop that close frame, and no listener at all would end the process.
    ws.on('error', () => undefined)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, LOOPBACK, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const originUrl = `http://${LOOPBACK}:${port}`
  origins = new Set([originUrl, `http://localhost:${port}`])
  hosts = new Set([`${LOOPBACK}:${port}`, `localhost:${port}`])
  csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://${LOOPBACK}:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ')

  return {
    url: `${originUrl}/#token=${token}`,
    origin: originUrl,
    port,
    token,
    async close() {
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
