import { PGlite } from '@electric-sql/pglite'
import type { Database, Row } from './database'

/**
 * PGlite is one connection in this process; its own mutex serialises queries and transactions,
 * so a query from another request waits for an open transaction instead of joining it.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  const pg = await PGlite.create(dataDir)
  return {
    kind: 'pglite',
    query: async <R extends Row>(sql: string, params: readonly unknown[] = []) =>
      (await pg.query<R>(sql, [...params])).rows,
    transaction: (fn) =>
      pg.transaction((tx) =>
        fn({
          query: async <R extends Row>(sql: string, params: readonly unknown[] = []) =>
            (await tx.query<R>(sql, [...params])).rows,
        }),
      ),
    // In-process notifications cannot be lost to a broken connection: there is never a reconnect.
    listen: async (channel, onPayload) => {
      const unlisten = await pg.listen(channel, onPayload)
      return () => unlisten()
    },
    close: () => pg.close(),
  }
}
