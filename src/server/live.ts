/**
 * The live socket: sends stations each commit's events (live-stream.ts), and keeps the floor's
 * station presence.
 *
 * Commits fan out through PostgreSQL: every commit NOTIFYs `warmline_events` with the seqs it
 * follows and ends at, and every server process LISTENs and sends the events to its own sockets,
 * so a station connected to any process hears about events pushed to any other. Presence lives in the database for the same
 * reason (a supervisor's socket may sit on another process than the station's); each process
 * refreshes `seen_at` for its own sockets, so the stations of a process that died go offline
 * after a few missed heartbeats.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import {
  ROUTES,
  stationLiveMessageSchema,
  type ServerLiveMessage,
  type StationPresence,
} from '../shared/sync/wire'
import { authenticate, type Principal } from './accounts'
import type { Database } from './db/database'
import { EVENTS_CHANNEL, latestSeq, parseLiveNotice } from './events/event-log'
import { requestUrl } from './http/http'
import { createLiveStream, type LiveFrame } from './live-stream'
import { errorFields, type Logger } from './log'
import { startViewerPresence, type ViewerSocket } from './ticket-viewers'

const PRESENCE_CHANNEL = 'warmline_presence'
const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
}
/** Messages for one user's sockets, wherever (on which server process) they are connected. */
const USER_CHANNEL = 'warmline_user'
const PROTOCOL_PREFIX = 'bearer.'
/** Presence changes are coalesced for this long before the watchers hear of them. */
const PRESENCE_DEBOUNCE_MS = 50
/**
 * A socket with this much still unsent is not keeping up (or not reading at all): it gets pokes
 * instead of events, so a station that stops reading cannot make the server hold the log for it.
 */
const MAX_BUFFERED_BYTES = 1024 * 1024

export interface LiveOptions {
  db: Database
  logger: Logger
  now: () => number
  serverId: string
  heartbeatMs?: number
}

export interface LiveHub {
  listStations(): Promise<StationPresence[]>
  /** The highest seq this process knows to be committed (and has poked its stations about). */
  knownSeq(): number
  /** Sends to every socket of this user, on any server process (a screen pop, say). */
  sendToUser(username: string, message: ServerLiveMessage): Promise<void>
  close(): Promise<void>
}

interface Client {
  ws: WebSocket
  principal: Extract<Principal, { kind: 'user' }>
  connectionId: string
  watching: boolean
  alive: boolean
  /** The same connection as ticket presence sees it (ticket-viewers.ts). */
  viewer: ViewerSocket
}

export async function startLive(server: Server, options: LiveOptions): Promise<LiveHub> {
  const { db, logger, now, serverId } = options
  const heartbeatMs = options.heartbeatMs ?? 15_000
  const clients = new Set<Client>()
  let lastPoke = await latestSeq(db)
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    // The token travels as a subprotocol (browsers cannot set headers on a WebSocket); a client
    // that offers a subprotocol must get one back.
    handleProtocols: (protocols) =>
      [...protocols].find((p) => p.startsWith(PROTOCOL_PREFIX)) ?? false,
  })

  const send = (client: Client, message: ServerLiveMessage) => {
    if (client.ws.readyState === client.ws.OPEN) client.ws.send(JSON.stringify(message))
  }

  const poke = (seq: number) => {
    if (seq <= lastPoke) return
    lastPoke = seq
    for (const client of clients) send(client, { type: 'poke', seq })
  }

  const stream = createLiveStream({
    db,
    logger,
    listening: () => clients.size > 0,
    broadcast: (frame: LiveFrame) => {
      for (const { ws } of clients) {
        if (ws.readyState !== ws.OPEN) continue
        ws.send(
          frame.events !== null && ws.bufferedAmount < MAX_BUFFERED_BYTES
            ? frame.events
            : frame.poke,
        )
      }
    },
  })

  const committed = (payload: string) => {
    const notice = parseLiveNotice(payload)
    // A bare seq: a server process of the release before, during a rolling upgrade.
    if (!notice) {
      const seq = Number(payload)
      if (Number.isSafeInteger(seq)) poke(seq)
      return
    }
    lastPoke = Math.max(lastPoke, notice.next)
    stream.committed(notice.after, notice.next)
  }

  async function listStations(): Promise<StationPresence[]> {
    const rows = await db.query<{
      code: string
      username: string | null
      connected_at: number | null
      pending: number | null
      last_sync_at: number | null
      connected: boolean | null
      seen_at: number | null
      set_aside: number | null
      on_call: boolean | null
    }>(
      `SELECT s.code, p.username, p.connected_at, p.pending, p.last_sync_at, p.connected, p.seen_at, p.set_aside, p.on_call
         FROM stations s LEFT JOIN station_presence p ON p.station_code = s.code ORDER BY s.code`,
    )
    const freshSince = now() - 3 * heartbeatMs
    return rows.map((r) => ({
      stationCode: r.code,
      user: r.username,
      // 0: enrolled, never connected.
      connectedAt: r.connected_at ?? 0,
      pending: r.pending ?? 0,
      lastSyncAt: r.last_sync_at,
      online: Boolean(r.connected) && (r.seen_at ?? 0) > freshSince,
      setAside: r.set_aside ?? 0,
      onCall: Boolean(r.on_call),
    }))
  }

  let presenceTimer: NodeJS.Timeout | undefined
  const presenceChanged = () => {
    clearTimeout(presenceTimer)
    presenceTimer = setTimeout(() => {
      const watchers = [...clients].filter((c) => c.watching)
      if (!watchers.length) return
      listStations().then(
        (stations) => watchers.forEach((c) => send(c, { type: 'stations', stations })),
        (error: unknown) => logger.log('error', 'presence broadcast failed', errorFields(error)),
      )
    }, PRESENCE_DEBOUNCE_MS)
  }

  const writePresence = async (sql: string, params: readonly unknown[]) => {
    try {
      await db.query(sql, params)
      await db.query('SELECT pg_notify($1, $2)', [PRESENCE_CHANNEL, serverId])
    } catch (error) {
      logger.log('error', 'presence update failed', errorFields(error))
    }
  }

  const unlistenEvents = await db.listen(
    EVENTS_CHANNEL,
    committed,
    // Notifications sent while the listening connection was down are lost: catch up from the log.
    () => void latestSeq(db).then(poke, () => {}),
  )
  const unlistenPresence = await db.listen(PRESENCE_CHANNEL, presenceChanged, presenceChanged)
  const viewers = await startViewerPresence({
    db,
    logger,
    serverId,
    now,
    freshMs: 3 * heartbeatMs,
    debounceMs: PRESENCE_DEBOUNCE_MS,
    sockets: () => [...clients].map((c) => c.viewer),
  })
  const unlistenUser = await db.listen(USER_CHANNEL, (payload) => {
    const { username, message } = JSON.parse(payload) as {
      username: string
      message: ServerLiveMessage
    }
    for (const client of clients)
      if (client.principal.user.username === username) send(client, message)
  })

  const onMessage = (client: Client, data: string) => {
    let parsed: ReturnType<typeof stationLiveMessageSchema.safeParse>
    try {
      parsed = stationLiveMessageSchema.safeParse(JSON.parse(data))
    } catch {
      return send(client, { type: 'error', code: 'malformed_json', message: 'Messages are JSON.' })
    }
    if (!parsed.success)
      return send(client, { type: 'error', code: 'invalid_message', message: parsed.error.message })
    const message = parsed.data
    if (message.type === 'watch_stations') {
      if (client.principal.user.role === 'agent') {
        return send(client, {
          type: 'error',
          code: 'forbidden',
          message: 'The floor view is for supervisors.',
        })
      }
      client.watching = true
      listStations().then(
        (stations) => send(client, { type: 'stations', stations }),
        (error: unknown) => logger.log('error', 'presence listing failed', errorFields(error)),
      )
      return
    }
    const station = client.principal.stationCode
    if (message.type === 'viewing') return viewers.viewing(client.viewer, message.ticketIds)
    // A session without a station (signed in before enrollment, or a supervisor's browser) has
    // no presence row to report into. Nothing is wrong with the station, so it hears nothing
    // back: an error here would be shown at the desk as a problem nobody can act on.
    if (!station) return
    void writePresence(
      `UPDATE station_presence SET pending = $2, last_sync_at = $3, seen_at = $4, set_aside = $6, on_call = $7 WHERE station_code = $1 AND connection_id = $5`,
      [
        station,
        message.pending,
        message.lastSyncAt,
        now(),
        client.connectionId,
        message.setAside,
        message.onCall,
      ],
    )
  }

  const onConnection = (ws: WebSocket, principal: Extract<Principal, { kind: 'user' }>) => {
    const connectionId = randomUUID()
    const client: Client = {
      ws,
      principal,
      connectionId,
      watching: false,
      alive: true,
      viewer: {
        connectionId,
        username: principal.user.username,
        stationCode: principal.stationCode ?? null,
        send: (message) => send(client, message),
      },
    }
    clients.add(client)
    send(client, { type: 'poke', seq: lastPoke })
    viewers.opened(client.viewer)
    const station = principal.stationCode
    if (station) {
      void writePresence(
        `INSERT INTO station_presence (station_code, username, server_id, connection_id, connected, connected_at, seen_at, on_call)
         VALUES ($1, $2, $3, $4, true, $5, $5, false)
         ON CONFLICT (station_code) DO UPDATE SET username = excluded.username, server_id = excluded.server_id,
           connection_id = excluded.connection_id, connected = true, connected_at = excluded.connected_at, seen_at = excluded.seen_at,
           on_call = false`,
        [station, principal.user.username, serverId, client.connectionId, now()],
      )
    }
    // A frame `ws` refuses (over maxPayload, invalid UTF-8, a protocol violation) arrives here:
    // `ws` has already sent the close frame with the matching code (1009, 1007, 1002). Without a
    // listener the error would be thrown, and one frame from any user would end the server.
    ws.on('error', (error: Error & { code?: string }) =>
      logger.log('warn', 'live socket closed on a bad frame', {
        code: error.code,
        error: error.message,
        user: principal.user.username,
        ...(station ? { station } : {}),
      }),
    )
    ws.on('pong', () => (client.alive = true))
    ws.on('message', (data) => onMessage(client, String(data)))
    ws.on('close', () => {
      clients.delete(client)
      viewers.closed(client.viewer)
      // Only this connection's row: the station may already have reconnected elsewhere.
      if (station) {
        void writePresence(
          `UPDATE station_presence SET connected = false WHERE station_code = $1 AND connection_id = $2`,
          [station, client.connectionId],
        )
      }
    })
  }

  const refuse = (socket: Duplex, status: number, code: string, message: string) => {
    const body = JSON.stringify({ error: { code, message } })
    socket.end(
      `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  }

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Node removes its own error listener from an upgraded socket: a station resetting the
    // connection during the (async) handshake would otherwise crash the whole server.
    socket.on('error', () => socket.destroy())
    const url = requestUrl(req)
    if (!url) return refuse(socket, 400, 'malformed_url', 'The request target is not a valid URL.')
    if (url.pathname !== ROUTES.live) return refuse(socket, 404, 'not_found', 'No WebSocket here.')
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .find((p) => p.startsWith(PROTOCOL_PREFIX))
    if (!offered)
      return refuse(
        socket,
        401,
        'unauthenticated',
        `Send the session token as subprotocol "${PROTOCOL_PREFIX}<token>".`,
      )
    authenticate(db, offered.slice(PROTOCOL_PREFIX.length), now())
      .then((principal) => {
        if (!principal || !('kind' in principal) || principal.kind !== 'user') {
          return refuse(
            socket,
            401,
            'unauthenticated',
            'The session token is unknown, expired or revoked.',
          )
        }
        wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, principal))
      })
      // Whatever failed, in authentication or in the handshake, ends this one socket only.
      .catch((error: unknown) => {
        logger.log('error', 'live upgrade failed', errorFields(error))
        socket.destroy()
      })
  }
  server.on('upgrade', onUpgrade)

  // Dead sockets are found by ping/pong; the live ones keep their presence fresh.
  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.ws.terminate()
        continue
      }
      client.alive = false
      client.ws.ping()
    }
    const mine = [...clients].map((c) => c.connectionId)
    if (mine.length) {
      void writePresence(
        'UPDATE station_presence SET seen_at = $2 WHERE connection_id = ANY($1::text[])',
        [mine, now()],
      )
      viewers.heartbeat(mine)
    }
  }, heartbeatMs).unref()

  return {
    listStations,
    knownSeq: () => lastPoke,
    async sendToUser(username, message) {
      await db.query('SELECT pg_notify($1, $2)', [
        USER_CHANNEL,
        JSON.stringify({ username, message }),
      ])
    },
    async close() {
      server.off('upgrade', onUpgrade)
      clearInterval(heartbeat)
      clearTimeout(presenceTimer)
      await unlistenEvents()
      await unlistenPresence()
      await unlistenUser()
      const closed = [...clients].map(
        (c) =>
          new Promise<void>((resolve) => {
            c.ws.once('close', () => resolve())
            c.ws.close(1001, 'server shutting down')
            setTimeout(() => {
              c.ws.terminate()
              resolve()
            }, 1000).unref()
          }),
      )
      await Promise.all(closed)
      await viewers.close()
      await db
        .query('UPDATE station_presence SET connected = false WHERE server_id = $1', [serverId])
        .catch((error: unknown) =>
          logger.log('error', 'presence cleanup failed', errorFields(error)),
        )
      wss.close()
    },
  }
}
