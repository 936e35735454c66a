/**
 * Who has which ticket open (issue 12, item 5), kept for the live socket (live.ts). Rows live in
 * the database, like station presence, because the two agents on one ticket may be connected to
 * different server processes; each process refreshes `seen_at` for its own connections, so the
 * viewers of a process that died drop out after a few missed heartbeats.
 */
import type { TicketViewer } from '../shared/sync/presence'
import type { ServerLiveMessage } from '../shared/sync/wire'
import type { Database } from './db/database'
import { errorFields, type Logger } from './log'

/** Who has which ticket open changed, on some server process. */
const VIEWERS_CHANNEL = 'warmline_viewers'

export interface ViewerConnection {
  connectionId: string
  username: string
  stationCode: string | null
}

/** A live socket as presence sees it. */
export interface ViewerSocket extends ViewerConnection {
  send(message: ServerLiveMessage): void
}

export type ViewerRow = TicketViewer & { connectionId: string }

export interface ViewerPresenceOptions {
  db: Database
  logger: Logger
  serverId: string
  now: () => number
  /** Rows not refreshed for this long belong to a process that died. */
  freshMs: number
  debounceMs: number
  /** This process's open sockets. */
  sockets(): Iterable<ViewerSocket>
}

export interface ViewerPresence {
  /** A new socket hears at once who has what open. */
  opened(socket: ViewerSocket): void
  viewing(socket: ViewerSocket, ticketIds: readonly string[]): void
  closed(socket: ViewerSocket): void
  /** Keeps this process's rows fresh (the live socket's heartbeat). */
  heartbeat(connectionIds: readonly string[]): void
  close(): Promise<void>
}

export async function startViewerPresence(options: ViewerPresenceOptions): Promise<ViewerPresence> {
  const { db, logger, serverId, now } = options
  const fail = (what: string) => (error: unknown) => logger.log('error', what, errorFields(error))
  /** Per connection, its changes stored one after another in the order they came. */
  const chains = new Map<string, Promise<void>>()
  let timer: NodeJS.Timeout | undefined

  const sendTo = (sockets: readonly ViewerSocket[]) => {
    if (!sockets.length) return
    listViewers(db, now() - options.freshMs).then(
      (rows) =>
        sockets.forEach((s) =>
          s.send({ type: 'viewers', viewers: viewersFor(rows, s.connectionId) }),
        ),
      fail('ticket viewers listing failed'),
    )
  }
  const changed = () => {
    clearTimeout(timer)
    timer = setTimeout(() => sendTo([...options.sockets()]), options.debounceMs)
  }
  /** Runs a change after the connection's earlier ones, then tells every process (`false`: no change). */
  const enqueue = (connectionId: string, change: () => Promise<unknown>) => {
    const next = (chains.get(connectionId) ?? Promise.resolve())
      .then(async () => {
        if ((await change()) === false) return
        await db.query('SELECT pg_notify($1, $2)', [VIEWERS_CHANNEL, serverId])
      })
      .catch(fail('ticket viewers update failed'))
    chains.set(connectionId, next)
    void next.then(() => {
      if (chains.get(connectionId) === next) chains.delete(connectionId)
    })
  }
  const unlisten = await db.listen(VIEWERS_CHANNEL, changed, changed)

  return {
    opened: (socket) => sendTo([socket]),
    viewing: (socket, ticketIds) =>
      enqueue(socket.connectionId, () => setViewing(db, socket, serverId, ticketIds, now())),
    closed: (socket) => enqueue(socket.connectionId, () => dropConnection(db, socket.connectionId)),
    heartbeat(connectionIds) {
      if (connectionIds.length)
        touchViewers(db, connectionIds, now()).catch(fail('ticket viewers refresh failed'))
    },
    async close() {
      clearTimeout(timer)
      await unlisten()
      await Promise.all(chains.values())
      await dropServerViewers(db, serverId).catch(fail('ticket viewers cleanup failed'))
    },
  }
}

/** Replaces what one connection shows. */
async function setViewing(
  db: Database,
  connection: ViewerConnection,
  serverId: string,
  ticketIds: readonly string[],
  now: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM ticket_viewers WHERE connection_id = $1', [connection.connectionId])
    if (ticketIds.length === 0) return
    await tx.query(
      `INSERT INTO ticket_viewers (connection_id, ticket_id, username, station_code, server_id, seen_at)
       SELECT $1, t, $2, $3, $4, $5 FROM unnest($6::text[]) AS t ON CONFLICT DO NOTHING`,
      [
        connection.connectionId,
        connection.username,
        connection.stationCode,
        serverId,
        now,
        [...new Set(ticketIds)],
      ],
    )
  })
}

/** Whether a connection was showing anything (a closed socket then needs a broadcast). */
async function dropConnection(db: Database, connectionId: string): Promise<boolean> {
  const rows = await db.query<{ ticket_id: string }>(
    'DELETE FROM ticket_viewers WHERE connection_id = $1 RETURNING ticket_id',
    [connectionId],
  )
  return rows.length > 0
}

async function touchViewers(
  db: Database,
  connectionIds: readonly string[],
  now: number,
): Promise<void> {
  await db.query('UPDATE ticket_viewers SET seen_at = $2 WHERE connection_id = ANY($1::text[])', [
    connectionIds,
    now,
  ])
}

async function dropServerViewers(db: Database, serverId: string): Promise<void> {
  await db.query('DELETE FROM ticket_viewers WHERE server_id = $1', [serverId])
}

async function listViewers(db: Database, freshSince: number): Promise<ViewerRow[]> {
  const rows = await db.query<{
    connection_id: string
    ticket_id: string
    username: string
    station_code: string | null
  }>(
    `SELECT connection_id, ticket_id, username, station_code FROM ticket_viewers
      WHERE seen_at > $1 ORDER BY ticket_id, username, station_code`,
    [freshSince],
  )
  return rows.map((r) => ({
    connectionId: r.connection_id,
    ticketId: r.ticket_id,
    user: r.username,
    stationCode: r.station_code,
  }))
}

/** What one connection hears: everyone else's open tickets, one entry per user and station. */
export function viewersFor(rows: readonly ViewerRow[], connectionId: string): TicketViewer[] {
  const seen = new Set<string>()
  const viewers: TicketViewer[] = []
  for (const row of rows) {
    if (row.connectionId === connectionId) continue
    const key = `${row.ticketId}\u0000${row.user}\u0000${row.stationCode ?? ''}`
    if (seen.has(key)) continue
    seen.add(key)
    viewers.push({ ticketId: row.ticketId, user: row.user, stationCode: row.stationCode })
  }
  return viewers
}
