import pg from 'pg'
import type { Database, Queryable, QueryOptions, Row } from './database'

const INT8_OID = 20

/** `seq` and epoch-millisecond columns are int8; they stay far below 2^53, so numbers are safe. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID
      ? Number
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

const RECONNECT_DELAY_MS = 1000

function queryable(client: pg.Pool | pg.PoolClient | pg.Client): Queryable {
  return {
    query: async <R extends Row>(
      sql: string,
      params: readonly unknown[] = [],
      options: QueryOptions = {},
    ) =>
      (
        await client.query<R>(
          options.name ? { name: options.name, text: sql, values: [...params] } : sql,
          options.name ? undefined : [...params],
        )
      ).rows,
  }
}

export function openPostgres(connectionString: string, poolSize = 10): Database {
  const pool = new pg.Pool({ connectionString, max: poolSize, types })
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  const listeners = new Set<pg.Client>()
  let closed = false

  return {
    kind: 'postgres',
    ...queryable(pool),
    async transaction(fn) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await fn(queryable(client))
        await client.query('COMMIT')
        client.release()
        return result
      } catch (error) {
        // A client whose ROLLBACK fails is broken: release it with the error so the pool drops it.
        const rollbackError = await client.query('ROLLBACK').then(
          () => undefined,
          (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
        )
        client.release(rollbackError)
        throw error
      }
    },
    /** LISTEN needs a connection of its own that stays open; it is re-opened when it breaks. */
    async listen(channel, onPayload, onReconnect) {
      let client: pg.Client | null = null
      let stopped = false
      const connect = async (): Promise<void> => {
        const next = new pg.Client({ connectionString, types })
        next.on('notification', (message) => {
          if (message.channel === channel) onPayload(message.payload ?? '')
        })
        // Until connected, a failure is reported by the rejected promise below, not as an event.
        const ignore = () => {}
        next.on('error', ignore)
        try {
          await next.connect()
          await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
        } catch (error) {
          void next.end().catch(() => {})
          throw error
        }
        next.off('error', ignore)
        next.on('error', () => {
          listeners.delete(next)
          void next.end().catch(() => {})
          reconnectLater()
        })
        client = next
        listeners.add(next)
      }
      const reconnectLater = () => {
        if (stopped || closed) return
        setTimeout(() => {
          if (stopped || closed) return
          connect().then(() => onReconnect?.(), reconnectLater)
        }, RECONNECT_DELAY_MS).unref()
      }
      await connect()
      return async () => {
        stopped = true
        if (client) {
          listeners.delete(client)
          await client.end().catch(() => {})
        }
      }
    },
    async close() {
      closed = true
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})))
      await pool.end()
    },
  }
}
