/**
 * The open tickets in keyset windows: each window is the next `limit` entries of the tickets'
 * `[state+priority+updatedAt]` index after the last key read, one `getAll` each. The store's
 * repository offers offset windows (`queueWindow`), which IndexedDB can only serve by walking a
 * cursor row by row: loading 10,000 open tickets that way took 10 s in Chromium, against well
 * under one with `getAll`. Until the repository offers keyset windows, this reads the station's
 * own database read-only, through its schema class.
 *
 * A keyset window cannot skip a ticket that did not change while the windows were read: its key
 * stays put relative to the last key read. A ticket that changed meanwhile comes through the
 * change feed.
 */
import { Dexie } from 'dexie'
import type { Ticket } from '../../../shared/incident/ticket'
import { StationDb, ticketOfRow, type StationDbOptions } from '../store/db'

export type OpenState = 'open' | 'on_hold'

export interface OpenTicketReader {
  /** All tickets in `state`, P1 first, oldest change first, handed over a window at a time. */
  read(
    state: OpenState,
    limit: number,
    onWindow: (tickets: Ticket[]) => void | Promise<void>,
  ): Promise<void>
  close(): void
}

/** Tickets sharing one index key beyond this many in a row would stop the reading: a guard. */
const MAX_WINDOWS = 10_000

export function openTicketReader(
  databaseName: string,
  options: Pick<StationDbOptions, 'indexedDB' | 'IDBKeyRange'> = {},
): OpenTicketReader {
  const db = new StationDb(databaseName, options)
  return {
    async read(state, limit, onWindow) {
      let after: [string, string, number] | null = null
      /** Ids read at exactly the key `after`: the next window starts at that key again. */
      let atKey = new Set<string>()
      let size = limit
      for (let i = 0; i < MAX_WINDOWS; i++) {
        const rows = await db.tickets
          .where('[state+priority+updatedAt]')
          .between(
            after ?? [state, Dexie.minKey, Dexie.minKey],
            [state, Dexie.maxKey, Dexie.maxKey],
            true,
            true,
          )
          .limit(size)
          .toArray()
        const fresh = rows.filter((row) => !atKey.has(row.id))
        if (fresh.length > 0) await onWindow(fresh.map(ticketOfRow))
        if (rows.length < size) return
        const last = rows[rows.length - 1]!
        const key: [string, string, number] = [state, last.priority, last.updatedAt]
        const sameKey = after !== null && key[1] === after[1] && key[2] === after[2]
        // A window all at one key would be read again as it is: take a larger one instead.
        size = sameKey ? size * 2 : limit
        atKey = new Set([
          ...(sameKey ? atKey : []),
          ...rows
            .filter((row) => row.priority === key[1] && row.updatedAt === key[2])
            .map((row) => row.id),
        ])
        after = key
      }
    },
    close: () => db.close(),
  }
}
