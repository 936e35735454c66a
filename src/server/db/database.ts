/**
 * The database port: the little the server needs from PostgreSQL, with one adapter for PGlite
 * (embedded, in-process) and one for node-postgres. Everything above this file writes plain
 * parameterised SQL that runs unchanged on both.
 */

export type Row = Record<string, unknown>

export interface QueryOptions {
  /**
   * Prepares the statement under this name, once per connection, and reuses it after: for the
   * statements on the hot path, whose planning would otherwise be paid on every call. One name,
   * one SQL text. PGlite, one connection in process, ignores it.
   */
  name?: string
}

export interface Queryable {
  query<R extends Row = Row>(
    sql: string,
    params?: readonly unknown[],
    options?: QueryOptions,
  ): Promise<R[]>
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres'
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>
  /**
   * Calls `onPayload` for every NOTIFY on `channel` after it commits, from any process on the same
   * database. `onReconnect` runs when the listening connection had to be re-established, so the
   * caller can catch up on what it may have missed meanwhile.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onReconnect?: () => void,
  ): Promise<() => Promise<void>>
  close(): Promise<void>
}
