/**
 * The server contract suite's harness: every server test file calls `forEachBackend`, which runs
 * its tests twice, on PGlite and on a real PostgreSQL 15 started for the file. One database per
 * backend per file; tests keep apart by using their own users, stations and tickets.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe } from 'vitest'
import type { Database } from '../../src/server/db/database'
import { migrate } from '../../src/server/db/migrations'
import { openPglite } from '../../src/server/db/pglite'
import { openPostgres } from '../../src/server/db/postgres'
import {
  silentLogger,
  startServer,
  type RunningServer,
  type ServerOptions,
} from '../../src/server/index'
import type { TicketEvent } from '../../src/shared/incident/events'
import { startPostgres, type TestPostgres } from '../support/postgres'

export * from './client'

export interface Backend {
  kind: 'pglite' | 'postgres'
  db: Database
  /** A second connection to the same database, as a second server process would have. */
  openPeer(): Database
  /** Storage flags for the admin command line pointing at a fresh database of this kind. */
  freshStorageFlags(): Promise<string[]>
}

export function forEachBackend(suite: (backend: () => Backend) => void): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    describe(kind, () => {
      let backend: Backend | undefined
      let cluster: TestPostgres | undefined
      const peers: Database[] = []
      beforeAll(async () => {
        if (kind === 'pglite') {
          const db = await openPglite()
          await migrate(db, Date.now)
          // PGlite is in-process: a second server in this process shares the one instance.
          const peer: Database = { ...db, close: async () => {} }
          backend = {
            kind,
            db,
            openPeer: () => peer,
            freshStorageFlags: async () => [
              '--data-dir',
              mkdtempSync(join(tmpdir(), 'warmline-admin-')),
            ],
          }
        } else {
          cluster = await startPostgres()
          const url = await cluster.createDatabase()
          const db = openPostgres(url)
          await migrate(db, Date.now)
          backend = {
            kind,
            db,
            openPeer: () => {
              const peer = openPostgres(url)
              peers.push(peer)
              return peer
            },
            freshStorageFlags: async () => ['--database-url', await cluster!.createDatabase()],
          }
        }
      })
      afterAll(async () => {
        for (const peer of peers) await peer.close().catch(() => {})
        await backend?.db.close()
        await cluster?.stop()
      })
      suite(() => {
        if (!backend) throw new Error('backend not started')
        return backend
      })
    })
  }
}

export function tempDir(prefix = 'warmline-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

export function startTestServer(db: Database, options: ServerOptions = {}): Promise<RunningServer> {
  return startServer({
    db,
    logger: silentLogger,
    port: 0,
    mailDir: tempDir('warmline-mail-'),
    ...options,
  })
}

export async function countRows(
  db: Database,
  table: 'events' | 'tickets' | 'mail_outbox' | 'users',
): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int4 AS n FROM ${table}`)
  return row!.n
}

export async function storedEvent(db: Database, id: string): Promise<TicketEvent | undefined> {
  const [row] = await db.query<{ body: TicketEvent }>(
    'SELECT body FROM events WHERE id = $1::uuid',
    [id],
  )
  return row?.body
}
