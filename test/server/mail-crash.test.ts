/**
 * Customer email across a real process death (kill -9) at each step of a send, against a real SMTP
 * listener, on PostgreSQL and on PGlite (its data directory reopened by the next process). A
 * fresh server process on the same database then finishes the job: a send that died before the
 * final `.` of DATA is sent again (one email in total); one that may have been handed over is
 * `unconfirmed`, never sent twice. See the guarantee in src/server/mail/mailer.ts.
 *
 * How each kill lands in its step: the SMTP listener holds its answer (at RCPT, or after the
 * message before its 250) and the test kills while it holds; a silent TCP listener (accepts,
 * never greets) pins "before connecting"; the child's `haltAt` stops a send right after a step was
 * committed (see mail-crash-child.ts).
 */
import { createServer, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runAdmin } from '../../src/server/admin-cli'
import type { Database } from '../../src/server/db/database'
import { migrate } from '../../src/server/db/migrations'
import { openDatabase } from '../../src/server/db/open'
import type { MailStep } from '../../src/server/mail/mailer'
import { startPostgres, type TestPostgres } from '../support/postgres'
import { customerNote, openedTicket, stationAuthor } from './events'
import { push, station, tempDir, userWithToken } from './harness'
import { kill, startChild, type Child } from './crash-child'
import type { ChildConfig } from './mail-crash-child'
import { eventually, startSmtp, type SmtpOptions, type TestSmtp } from './smtp'

const TIMING = { leaseMs: 1_000, pollMs: 100 }

/** Accepts TCP connections and never greets: a client connected to it has not reached SMTP yet. */
async function silentListener(): Promise<{ url: string; sockets: Socket[]; server: Server }> {
  const sockets: Socket[] = []
  const server = createServer((socket) => {
    socket.on('error', () => {})
    sockets.push(socket)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return { url: `smtp://127.0.0.1:${port}`, sockets, server }
}

interface Storage {
  config: Pick<ChildConfig, 'databaseUrl' | 'dataDir'>
  /** The same database for `npm run admin`. */
  adminFlags: string[]
  /** Runs `fn` on the database while no child holds it (PGlite's files open in one process only). */
  use<T>(fn: (db: Database) => Promise<T>): Promise<T>
}

type Outcome = 'sent again' | 'unconfirmed'
interface Case {
  name: string
  /** How the kill is made to land there. */
  at: { smtp: SmtpOptions['hold'] } | { halt: MailStep } | 'silent listener'
  phase: 'claimed' | 'connected' | 'data_sent'
  outcome: Outcome
  /** Messages the listener holds in the end. */
  received: number
}

const CASES: Case[] = [
  {
    name: 'before connecting',
    at: 'silent listener',
    phase: 'claimed',
    outcome: 'sent again',
    received: 1,
  },
  {
    name: 'connected, before DATA',
    at: { smtp: 'rcpt' },
    phase: 'connected',
    outcome: 'sent again',
    received: 1,
  },
  {
    name: 'DATA committed, before the final dot was written',
    at: { halt: 'data_sent' },
    phase: 'data_sent',
    outcome: 'unconfirmed',
    received: 0,
  },
  {
    name: 'after the final dot, before the reply',
    at: { smtp: 'reply' },
    phase: 'data_sent',
    outcome: 'unconfirmed',
    received: 1,
  },
  {
    name: 'after the reply, before marking sent',
    at: { halt: 'replied' },
    phase: 'data_sent',
    outcome: 'unconfirmed',
    received: 1,
  },
]

async function admin(args: string[]): Promise<string> {
  const lines: string[] = []
  await runAdmin(args, { env: {}, out: (line) => lines.push(line), readSecret: async () => '' })
  return lines.join('\n')
}

const outboxRow = (db: Database, noteId: string) =>
  db
    .query<{ status: string; phase: string | null; attempts: number }>(
      'SELECT status, phase, attempts FROM mail_outbox WHERE note_id = $1::uuid',
      [noteId],
    )
    .then((rows) => rows[0])

function crashSuite(kind: string, cases: readonly Case[], storage: () => Promise<Storage>) {
  describe(kind, () => {
    for (const c of cases) {
      it(`killed ${c.name}: ${c.outcome}`, async () => {
        const store = await storage()
        const { token, code } = await store.use(async (db) => {
          const code = await station(db)
          const { token, username } = await userWithToken(db, 'agent', { stationCode: code })
          return { token, code: { station: code, username } }
        })
        const smtp: TestSmtp = await startSmtp(
          typeof c.at === 'object' && 'smtp' in c.at ? { hold: c.at.smtp } : {},
        )
        const silent = c.at === 'silent listener' ? await silentListener() : undefined
        const children: Child[] = []
        try {
          const first = await startChild({
            ...store.config,
            ...TIMING,
            smtpUrl: silent?.url ?? smtp.url,
            ...(typeof c.at === 'object' && 'halt' in c.at ? { haltAt: c.at.halt } : {}),
          })
          children.push(first)
          const ctx = stationAuthor(code.username, code.station)
          const { event, ticket } = openedTicket(ctx)
          const note = customerNote(ctx, ticket, 'Your account is unlocked; please sign in again.')
          const noteId = note.payload.noteId
          await push(first, token, [event, note])

          const at = c.at
          if (silent) await eventually(() => silent.sockets.length > 0, 'a TCP connection', 30_000)
          else if (typeof at === 'object' && 'halt' in at)
            await first.waitFor((l) => l.halted === at.halt, `the send to halt at ${at.halt}`)
          else await eventually(() => smtp.held() > 0, 'the listener to hold', 30_000)
          await kill(first, 'SIGKILL')
          smtp.release()

          // What the dead process left behind, durably.
          expect(await store.use((db) => outboxRow(db, noteId))).toMatchObject({
            status: 'sending',
            phase: c.phase,
            attempts: 1,
          })

          const second = await startChild({ ...store.config, ...TIMING, smtpUrl: smtp.url })
          children.push(second)
          await second.waitFor(
            (l) =>
              l.noteId === noteId &&
              l.message ===
                (c.outcome === 'sent again'
                  ? 'mail sent'
                  : 'mail unconfirmed: check the mail server log, then resend if it is not there'),
            `the email to be ${c.outcome}`,
          )
          await kill(second, 'SIGTERM')

          expect(smtp.received.map((m) => m.raw.includes(noteId))).toEqual(
            Array<boolean>(c.received).fill(true),
          )
          expect(await store.use((db) => outboxRow(db, noteId))).toMatchObject(
            c.outcome === 'sent again'
              ? { status: 'sent', phase: 'accepted', attempts: 2 }
              : { status: 'unconfirmed', phase: 'data_sent', attempts: 1 },
          )
          if (c.outcome === 'unconfirmed') {
            // What an administrator sees, and the way out once the mail server's log was read.
            expect(await admin(['mail-status', ...store.adminFlags])).toContain(
              `${noteId}  unconfirmed  phase data_sent  attempts 1`,
            )
            const found = c.received > 0
            expect(
              await admin([found ? 'confirm-mail' : 'resend-mail', noteId, ...store.adminFlags]),
            ).toBe(found ? `Marked ${noteId} sent.` : `Queued ${noteId} again.`)
            expect(await store.use((db) => outboxRow(db, noteId))).toMatchObject(
              found ? { status: 'sent', phase: 'accepted' } : { status: 'pending', phase: null },
            )
          }
        } finally {
          for (const child of children) await kill(child, 'SIGKILL')
          silent?.sockets.forEach((s) => s.destroy())
          silent?.server.close()
          await smtp.close()
        }
      }, 120_000)
    }
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

crashSuite('postgres', CASES, async () => {
  const databaseUrl = await cluster!.createDatabase()
  const db = await openDatabase({ databaseUrl })
  await migrate(db, Date.now)
  await pgDb?.close()
  pgDb = db
  return {
    config: { databaseUrl },
    adminFlags: ['--database-url', databaseUrl],
    use: (fn) => fn(db),
  }
})

// Each PGlite open takes seconds here: the two cases the listener holds, either side of the
// final dot, not all five.
crashSuite(
  'pglite (data directory reopened after kill -9)',
  CASES.filter((c) => typeof c.at === 'object' && 'smtp' in c.at),
  async () => {
    const dataDir = tempDir('warmline-mail-crash-')
    const use = async <T>(fn: (db: Database) => Promise<T>) => {
      const db = await openDatabase({ dataDir })
      try {
        await migrate(db, Date.now)
        return await fn(db)
      } finally {
        await db.close()
      }
    }
    return { config: { dataDir }, adminFlags: ['--data-dir', dataDir], use }
  },
)
