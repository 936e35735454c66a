/**
 * Email in across a real process death: a server process is killed (kill -9) while it holds a
 * received message with its row, events and attachments written but not committed. The MTA's
 * client sees the connection die, so it delivers again — to a fresh process on the same database
 * (PostgreSQL, and PGlite's data directory reopened) — and again after that, as a client that
 * missed the 250 would: one ticket in the end, with the message on it once.
 */
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/server/db/database'
import { migrate } from '../../src/server/db/migrations'
import { openDatabase } from '../../src/server/db/open'
import { startPostgres, type TestPostgres } from '../support/postgres'
import { kill, startChild, type Child } from './crash-child'
import type { ChildConfig } from './mail-crash-child'
import { tempDir } from './harness'

const TIMING = { leaseMs: 1_000, pollMs: 100 }

const deliver = (port: number, messageId: string) =>
  nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true }).sendMail({
    from: 'kai@example.edu',
    to: 'service-desk@warmline.test',
    subject: 'Cannot print',
    text: 'Since the update.',
    messageId,
    attachments: [{ filename: 'log.txt', content: 'printer log' }],
  })

async function stored(db: Database, messageId: string) {
  const [row] = await db.query<{ events: number; rows: number; attachments: number }>(
    `SELECT (SELECT count(*)::int4 FROM events WHERE body->'payload'->>'messageId' = $1
               OR ticket_id IN (SELECT ticket_id FROM mail_in WHERE message_key = $1)) AS events,
            (SELECT count(*)::int4 FROM mail_in WHERE message_key = $1) AS rows,
            (SELECT count(*)::int4 FROM mail_in_attachments WHERE message_key = $1) AS attachments`,
    [messageId],
  )
  return row!
}

function crashSuite(
  kind: string,
  storage: () => Promise<{
    config: Pick<ChildConfig, 'databaseUrl' | 'dataDir'>
    use<T>(fn: (db: Database) => Promise<T>): Promise<T>
  }>,
) {
  describe(kind, () => {
    it('killed before the commit: delivered again, one ticket; delivered once more, still one', async () => {
      const store = await storage()
      const messageId = `<crash-${Date.now()}@mail.example.edu>`
      const children: Child[] = []
      try {
        const first = await startChild({
          ...store.config,
          ...TIMING,
          mailIn: true,
          mailInHalt: true,
        })
        children.push(first)
        // Settled as it happens: the connection dies with the process, long before it is awaited.
        const lost = deliver(first.mailInPort!, messageId).then(
          () => 'delivered',
          (error: unknown) => error,
        )
        await first.waitFor((l) => l.halted === 'mail_in', 'the message to be held uncommitted')
        await kill(first, 'SIGKILL')
        expect(await lost).toBeInstanceOf(Error)
        expect(await store.use((db) => stored(db, messageId))).toEqual({
          events: 0,
          rows: 0,
          attachments: 0,
        })

        const second = await startChild({ ...store.config, ...TIMING, mailIn: true })
        children.push(second)
        await deliver(second.mailInPort!, messageId)
        await deliver(second.mailInPort!, messageId)
        await kill(second, 'SIGTERM')
        // The opening and the customer's email: once.
        expect(await store.use((db) => stored(db, messageId))).toEqual({
          events: 2,
          rows: 1,
          attachments: 1,
        })
      } finally {
        for (const child of children) await kill(child, 'SIGKILL')
      }
    }, 120_000)
  })
}

let cluster: TestPostgres | undefined
let pgDb: Database | undefined
beforeAll(async () => {
  cluster = await startPostgres()
})
afterAll(async () => {
  await pgDb?.close()
  await cluster?.stop()
})

crashSuite('postgres', async () => {
  const databaseUrl = await cluster!.createDatabase()
  const db = await openDatabase({ databaseUrl })
  await migrate(db, Date.now)
  pgDb = db
  return { config: { databaseUrl }, use: (fn) => fn(db) }
})

crashSuite('pglite (data directory reopened after kill -9)', async () => {
  const dataDir = tempDir('warmline-mail-in-crash-')
  const use = async <T>(fn: (db: Database) => Promise<T>) => {
    const db = await openDatabase({ dataDir })
    try {
      await migrate(db, Date.now)
      return await fn(db)
    } finally {
      await db.close()
    }
  }
  return { config: { dataDir }, use }
})
