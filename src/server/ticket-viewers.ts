/**
 * Who has which ticket open (issue 12, item 5), kept for the live socket (live.ts). Rows live in
 * the database, like station presence, because the two agents on one ticket may be connected to
 * different server processes; each process refreshes `seen_at` for its own connections, so the
 * viewers of a process that died drop out after a few missed heartbeats.
 */
import type { TicketViewer } from '../shared/sync/presence'
import type { Database } from './db/database'

export interface ViewerConnection {
  connectionId: string
  username: string
  stationCode: string | null
}

export type ViewerRow = TicketViewer & { connectionId: string }

/** Replaces what one connection shows. */
export async function setViewing(
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
export async function dropConnection(db: Database, connectionId: string): Promise<boolean> {
  const rows = await db.query<{ ticket_id: string }>(
    'DELETE FROM ticket_viewers WHERE connection_id = $1 RETURNING ticket_id',
    [connectionId],
  )
  return rows.length > 0
}

export async function touchViewers(
  db: Database,
  connectionIds: readonly string[],
  now: number,
): Promise<void> {
  await db.query('UPDATE ticket_viewers SET seen_at = $2 WHERE connection_id = ANY($1::text[])', [
    connectionIds,
    now,
  ])
}

export async function dropServerViewers(db: Database, serverId: string): Promise<void> {
  await db.query('DELETE FROM ticket_viewers WHERE server_id = $1', [serverId])
}

export async function listViewers(db: Database, freshSince: number): Promise<ViewerRow[]> {
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
