/**
 * The snapshot route (issue 13): a new station takes the server's ticket projections instead of
 * folding the whole log from seq 0 — the working tickets first, to be usable in a second or two,
 * then every ticket in the background.
 *
 * Consistency: each page is read by one statement, so its rows and its `position` (the highest
 * seq) come from one database snapshot. Seqs become visible in commit order (ARCHITECTURE.md
 * "Global order"), so every event up to `position` is folded into the rows of that page, and a
 * station that pulls after the position of its first page misses nothing. Later pages are read
 * later; each row carries its own `last_seq`, which tells the station which of the events it
 * pulls are in the row already.
 */
import {
  ROUTES,
  snapshotQuerySchema,
  snapshotResponseSchema,
  type SnapshotResponse,
} from '../shared/sync/wire'
import type { Queryable } from './db/database'
import { route, type Route } from './http/router'

/** Tickets a station works on; the rest is history. */
const WORKING = `state IN ('open', 'on_hold')`

type PageRow = {
  position: number
  id: string | null
  last_seq: number | null
  body: SnapshotResponse['tickets'][number]['ticket'] | null
}

async function readPage(
  db: Queryable,
  filter: string,
  params: readonly unknown[],
  limit: number,
): Promise<Pick<SnapshotResponse, 'tickets' | 'position'> & { full: boolean }> {
  // The LEFT JOIN keeps the position when the page is empty: an empty open set is a fact as of it.
  const rows = await db.query<PageRow>(
    `WITH pos AS (SELECT coalesce(max(seq), 0)::int8 AS position FROM events),
          page AS (SELECT id, last_seq, body FROM tickets
                    WHERE body IS NOT NULL AND ${filter} ORDER BY id LIMIT ${limit})
     SELECT pos.position, page.id, page.last_seq, page.body
       FROM pos LEFT JOIN page ON true ORDER BY page.id`,
    params,
  )
  const tickets = rows.flatMap((row) =>
    row.id && row.body && row.last_seq !== null ? [{ seq: row.last_seq, ticket: row.body }] : [],
  )
  return { tickets, position: rows[0]?.position ?? 0, full: tickets.length === limit }
}

export async function readSnapshot(
  db: Queryable,
  query: { scope: 'open' | 'all'; after?: string; limit: number; ids?: string[] },
): Promise<SnapshotResponse> {
  if (query.ids) {
    const page = await readPage(db, 'id = ANY($1::uuid[])', [query.ids], query.ids.length)
    return { tickets: page.tickets, position: page.position, next: null }
  }
  const scope = query.scope === 'open' ? WORKING : 'true'
  const page = await readPage(
    db,
    `${scope} AND ($1::uuid IS NULL OR id > $1::uuid)`,
    [query.after ?? null],
    query.limit,
  )
  const last = page.tickets[page.tickets.length - 1]
  const next = page.full && last ? last.ticket.id : null
  if (query.after !== undefined) return { tickets: page.tickets, position: page.position, next }
  const [count] = await db.query<{ total: number }>(
    `SELECT count(*)::int8 AS total FROM tickets WHERE body IS NOT NULL AND ${scope}`,
  )
  return { tickets: page.tickets, position: page.position, next, total: count?.total ?? 0 }
}

export function snapshotRoutes(db: Queryable): Route[] {
  return [
    route({
      method: 'GET',
      path: ROUTES.snapshot,
      operationId: 'getSnapshot',
      tag: 'events',
      summary: "A page of the server's ticket projections, for a new station's first sync",
      description:
        '`scope=open` pages through the tickets open or on hold, `scope=all` through every ticket, in id order: ask again with `after` set to `next` until `next` is null. `ids` asks for up to 100 named tickets instead. Each page is consistent with the log up to its `position`; each ticket carries the last seq folded into it.',
      access: 'user',
      query: snapshotQuerySchema,
      responses: { 200: { description: 'A page', schema: snapshotResponseSchema } },
      handle: async ({ query }) => ({ status: 200, body: await readSnapshot(db, query) }),
    }),
  ]
}
