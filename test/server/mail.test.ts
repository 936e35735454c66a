/**
 * Customer email through the outbox, against a real SMTP listener: one message per customer note,
 * none for Tech Notes, retried while the mail server is down, and never twice across a crash
 * between sending and marking (see the guarantee in src/server/mail/mailer.ts).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeAll, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import type { Database } from '../../src/server/db/database'
import { migrate, MIGRATIONS } from '../../src/server/db/migrations'
import { openDatabase } from '../../src/server/db/open'
import type { RunningServer, ServerOptions } from '../../src/server/index'
import { messageIdFor, type MailStep } from '../../src/server/mail/mailer'
import { applyEvent } from '../../src/shared/incident'
import { customerNote, openedTicket, stationAuthor, techNote } from './events'
import { forEachBackend, push, startTestServer, station, tempDir, userWithToken } from './harness'
import { eventually, startBreakingSmtp, startSmtp } from './smtp'

const FROM = 'Service Desk <service-desk@example.edu>'
const FAST: ServerOptions['mail'] = { pollMs: 50, backoffMs: 50 }

/** The database as a process sees it; after `crash()` the process is gone and writes nothing more. */
function crashable(db: Database): { db: Database; crash(): void } {
  let crashed = false
  const guard = () => {
    if (crashed) throw new Error('simulated crash: this process is gone')
  }
  const query = (async (sql: string, params?: readonly unknown[]) => {
    guard()
    return db.query(sql, params)
  }) as Database['query']
  return {
    db: {
      ...db,
      query,
      transaction: async (fn) => {
        guard()
        return db.transaction((tx) =>
          fn({
            query: (async (sql: string, params?: readonly unknown[]) => {
              guard()
              return tx.query(sql, params)
            }) as Database['query'],
          }),
        )
      },
      close: async () => {},
    },
    crash: () => {
      crashed = true
    },
  }
}

/** The in-process crash: the process is gone once the mail server has accepted the message. */
const crashWhenReplied =
  (process: { crash(): void }) =>
  (_noteId: string, step: MailStep): void => {
    if (step === 'replied') process.crash()
  }

forEachBackend((backend) => {
  const running: { close(): Promise<void> }[] = []
  const track = <T extends { close(): Promise<void> }>(thing: T) => (running.push(thing), thing)
  let code: string
  let agent: { username: string; token: string }
  beforeAll(async () => {
    code = await station(backend().db)
    agent = await userWithToken(backend().db, 'agent', { stationCode: code })
  })
  afterEach(async () => {
    for (const thing of running.splice(0).reverse()) await thing.close()
  })

  const status = async (noteId: string) => {
    const [row] = await backend().db.query<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM mail_outbox WHERE note_id = $1::uuid',
      [noteId],
    )
    return row
  }

  /** An opened ticket with an email address, pushed; returns what is needed to add notes. */
  async function ticketOn(server: RunningServer) {
    const ctx = stationAuthor(agent.username, code)
    const { event, ticket } = openedTicket(ctx)
    await push(server, agent.token, [event])
    return { ctx, ticket }
  }

  it('sends one email per customer note, none for Tech Notes or unchecked Send Email To', async () => {
    const smtp = track(await startSmtp())
    const server = track(
      await startTestServer(backend().db, { smtp: { url: smtp.url }, mailFrom: FROM, mail: FAST }),
    )
    const { ctx, ticket } = await ticketOn(server)
    const tech = techNote(ctx, ticket, 'Internal: the VPN concentrator was restarted.')
    const unchecked = customerNote(ctx, ticket, 'Noted on the ticket only.', {
      customer: false,
      cc: [],
    })
    const emailed = customerNote(ctx, ticket, 'Your VPN works again; please try to connect.', {
      customer: true,
      cc: ['dept-head@example.edu'],
    })
    await push(server, agent.token, [tech, unchecked, emailed])
    await eventually(
      async () => (await status(emailed.payload.noteId))?.status === 'sent',
      'the email to be sent',
    )
    // Delivered again (a station retrying), concurrently: still one email.
    await Promise.all([
      push(server, agent.token, [emailed]),
      push(server, agent.token, [tech, emailed]),
    ])

    expect(smtp.received).toHaveLength(1)
    const [mail] = smtp.received
    expect(mail!.messageId).toBe(messageIdFor(emailed.payload.noteId, FROM))
    expect(mail!.to.sort()).toEqual(['dana.whitfield@example.edu', 'dept-head@example.edu'])
    expect(mail!.raw).toContain('Your VPN works again')
    expect(mail!.raw).toContain(`Subject: [${ticket.number}] ${ticket.title}`)
    expect(mail!.raw).not.toContain('concentrator')
    expect(await status(tech.payload.noteId)).toBeUndefined()
    expect(await status(unchecked.payload.noteId)).toBeUndefined()
  })

  it('retries while the mail server is down, then sends once', async () => {
    const probe = await startSmtp()
    const port = probe.port
    await probe.close()
    const server = track(
      await startTestServer(backend().db, {
        smtp: { url: `smtp://127.0.0.1:${port}` },
        mail: FAST,
      }),
    )
    const { ctx, ticket } = await ticketOn(server)
    const note = customerNote(ctx, ticket, 'We will call you back this afternoon.')
    await push(server, agent.token, [note])
    await eventually(
      async () => ((await status(note.payload.noteId))?.attempts ?? 0) >= 2,
      'two failed attempts',
    )
    // Never given up on, never marked unconfirmed: a refused connection cannot have delivered anything.
    expect(['pending', 'sending']).toContain((await status(note.payload.noteId))?.status)
    const smtp = track(await startSmtp({ port }))
    await eventually(
      async () => (await status(note.payload.noteId))?.status === 'sent',
      'the email to be sent',
      20_000,
    )
    expect(smtp.received).toHaveLength(1)
  })

  it('gives up on a permanent refusal', async () => {
    const smtp = track(await startSmtp({ rejectRecipient: 'dana.whitfield@example.edu' }))
    const server = track(
      await startTestServer(backend().db, { smtp: { url: smtp.url }, mail: FAST }),
    )
    const { ctx, ticket } = await ticketOn(server)
    const note = customerNote(ctx, ticket, 'This mailbox does not exist.')
    await push(server, agent.token, [note])
    await eventually(
      async () => (await status(note.payload.noteId))?.status === 'failed',
      'the email to fail',
    )
    expect((await status(note.payload.noteId))?.attempts).toBe(1)
    expect(smtp.received).toHaveLength(0)
  })

  it('retries a connection that broke before DATA; one that broke after the final dot is unconfirmed', async () => {
    for (const [breakAt, outcome] of [
      ['rcpt', 'retried'],
      ['dot', 'unconfirmed'],
    ] as const) {
      const smtp = await startBreakingSmtp(breakAt)
      const server = await startTestServer(backend().db, {
        smtp: { url: smtp.url },
        // Two attempts, so the retried one ends (failed) instead of waiting for later tests.
        mail: { ...FAST, maxAttempts: 2 },
      })
      try {
        const { ctx, ticket } = await ticketOn(server)
        const note = customerNote(ctx, ticket, `The connection breaks at ${breakAt}.`)
        await push(server, agent.token, [note])
        if (outcome === 'retried') {
          await eventually(
            async () => (await status(note.payload.noteId))?.status === 'failed',
            'both attempts',
          )
          expect(await status(note.payload.noteId)).toEqual({ status: 'failed', attempts: 2 })
          expect(smtp.conversations).toBe(2)
        } else {
          await eventually(
            async () => (await status(note.payload.noteId))?.status === 'unconfirmed',
            'the email to be unconfirmed',
          )
          expect(smtp.conversations).toBe(1)
        }
      } finally {
        await server.close()
        await smtp.close()
      }
    }
  })

  it('renews the lease while a slow mail server holds a send: a second server process never takes it over', async () => {
    const smtp = track(await startSmtp({ hold: 'rcpt' }))
    const leaseMs = 300
    const options = { smtp: { url: smtp.url }, mail: { ...FAST, leaseMs } }
    const first = track(await startTestServer(backend().db, options))
    track(await startTestServer(backend().openPeer(), options))
    const { ctx, ticket } = await ticketOn(first)
    const note = customerNote(ctx, ticket, 'Your mailbox quota was raised.')
    await push(first, agent.token, [note])
    await eventually(() => smtp.held() === 1, 'the mail server to hold the send')
    // Held well past several leases, with the other process polling all along.
    const lease = async () =>
      (
        await backend().db.query<{ held: number }>(
          'SELECT (lease_until - claimed_at)::int4 AS held FROM mail_outbox WHERE note_id = $1::uuid',
          [note.payload.noteId],
        )
      )[0]?.held ?? 0
    await eventually(async () => (await lease()) > 4 * leaseMs, 'the lease to be renewed')
    smtp.release()
    await eventually(
      async () => (await status(note.payload.noteId))?.status === 'sent',
      'the email to be sent',
    )
    expect(await status(note.payload.noteId)).toEqual({ status: 'sent', attempts: 1 })
    expect(smtp.received).toHaveLength(1)
  })

  it('a sender whose claim was taken over never writes the final dot: one email', async () => {
    const smtp = track(await startSmtp())
    let resume!: () => void
    const paused = new Promise<void>((resolve) => (resume = resolve))
    let connected = false
    const logs: string[] = []
    const first = track(
      await startTestServer(backend().db, {
        smtp: { url: smtp.url },
        logger: { log: (_level, message) => logs.push(message) },
        mail: {
          ...FAST,
          leaseMs: 60_000,
          onStep: async (_noteId, step) => {
            if (step !== 'connected') return
            connected = true
            await paused
          },
        },
      }),
    )
    const { ctx, ticket } = await ticketOn(first)
    const note = customerNote(ctx, ticket, 'Your VPN token was reissued.')
    await push(first, agent.token, [note])
    await eventually(() => connected, 'the first sender to connect')
    // As if its lease had run out (its renewals lost on the way): another process takes over.
    await backend().db.query('UPDATE mail_outbox SET lease_until = 0 WHERE note_id = $1::uuid', [
      note.payload.noteId,
    ])
    track(await startTestServer(backend().openPeer(), { smtp: { url: smtp.url }, mail: FAST }))
    await eventually(
      async () => (await status(note.payload.noteId))?.status === 'sent',
      'the second process to send it',
    )
    resume()
    await eventually(
      () => logs.includes('mail send abandoned: another process took the claim over'),
      'the first sender to give up',
    )
    expect(await status(note.payload.noteId)).toEqual({ status: 'sent', attempts: 2 })
    expect(smtp.received).toHaveLength(1)
  })

  it('sends no second email after a crash between sending and marking (SMTP: left for a person)', async () => {
    const smtp = track(await startSmtp())
    const process1 = crashable(backend().db)
    const first = track(
      await startTestServer(process1.db, {
        smtp: { url: smtp.url },
        mail: { ...FAST, leaseMs: 300, onStep: crashWhenReplied(process1) },
      }),
    )
    const { ctx, ticket } = await ticketOn(first)
    const note = customerNote(ctx, ticket, 'Your new laptop is ready for pick-up.')
    await push(first, agent.token, [note])
    await eventually(() => smtp.received.length === 1, 'the email to arrive')
    await first.close()
    expect((await status(note.payload.noteId))?.status).toBe('sending')

    // The restarted process finds the abandoned claim and cannot know whether it went out.
    const second = track(
      await startTestServer(backend().db, {
        smtp: { url: smtp.url },
        mail: FAST,
      }),
    )
    await eventually(
      async () => (await status(note.payload.noteId))?.status === 'unconfirmed',
      'the email to be marked unconfirmed',
    )
    const other = customerNote(ctx, applyEvent(ticket, note)!, 'A later note is sent as usual.')
    await push(second, agent.token, [other])
    await eventually(
      async () => (await status(other.payload.noteId))?.status === 'sent',
      'the later email',
    )
    expect(smtp.received.map((m) => m.messageId)).toEqual([
      messageIdFor(note.payload.noteId, 'Service Desk <service-desk@warmline.invalid>'),
      messageIdFor(other.payload.noteId, 'Service Desk <service-desk@warmline.invalid>'),
    ])
  })

  it('with the .eml folder, a crash between writing and marking costs nothing: marked sent, not written again', async () => {
    const mailDir = tempDir('warmline-eml-')
    const process1 = crashable(backend().db)
    const first = track(
      await startTestServer(process1.db, {
        mailDir,
        mail: { ...FAST, leaseMs: 300, onStep: crashWhenReplied(process1) },
      }),
    )
    const { ctx, ticket } = await ticketOn(first)
    const note = customerNote(ctx, ticket, 'Your printer queue was cleared.')
    const file = join(mailDir, `${note.payload.noteId}.eml`)
    await push(first, agent.token, [note])
    await eventually(
      () => readdirSync(mailDir).includes(`${note.payload.noteId}.eml`),
      'the .eml file',
    )
    await first.close()
    const written = statSync(file).mtimeMs

    track(await startTestServer(backend().db, { mailDir, mail: FAST }))
    await eventually(
      async () => (await status(note.payload.noteId))?.status === 'sent',
      'the email to be marked sent',
    )
    expect(readdirSync(mailDir).filter((f) => f.endsWith('.eml'))).toEqual([
      `${note.payload.noteId}.eml`,
    ])
    expect(statSync(file).mtimeMs).toBe(written)
    expect(readFileSync(file, 'utf8')).toContain('Your printer queue was cleared.')
  })

  it('migrates outbox rows from before the phases: sent is accepted; a claim of an older server stays uncertain', async () => {
    const flags = await backend().freshStorageFlags()
    const db = await openDatabase(
      flags[0] === '--database-url' ? { databaseUrl: flags[1] } : { dataDir: flags[1] },
    )
    try {
      const t = Date.now()
      await db.transaction(async (tx) => {
        await tx.query(
          'CREATE TABLE schema_migrations (version int4 PRIMARY KEY, name text NOT NULL, applied_at int8 NOT NULL)',
        )
        for (const statement of MIGRATIONS[0]!.statements) await tx.query(statement)
        await tx.query(`INSERT INTO schema_migrations VALUES (1, 'initial', $1)`, [t])
      })
      const rows = {
        sent: ['sent', null],
        unconfirmed: ['unconfirmed', t - 3_600_000],
        abandoned: ['sending', t - 11 * 60_000],
        recent: ['sending', t - 60_000],
      } as const
      const ids = Object.fromEntries(Object.keys(rows).map((k) => [k, randomUUID()]))
      for (const [name, [state, claimedAt]] of Object.entries(rows)) {
        await db.query(
          `INSERT INTO mail_outbox (note_id, event_id, ticket_id, status, attempts, next_attempt_at, claimed_by, claimed_at, created_at)
           VALUES ($1, $2, $3, $4, 1, $5, 'a-server-from-before', $6, $5)`,
          [ids[name], randomUUID(), randomUUID(), state, t, claimedAt],
        )
      }
      await migrate(db, Date.now)
      const phases = async () =>
        Object.fromEntries(
          (
            await db.query<{ note_id: string; status: string; phase: string | null }>(
              'SELECT note_id, status, phase FROM mail_outbox',
            )
          ).map((r) => [Object.keys(ids).find((k) => ids[k] === r.note_id), [r.status, r.phase]]),
        )
      expect(await phases()).toEqual({
        sent: ['sent', 'accepted'],
        unconfirmed: ['unconfirmed', null],
        abandoned: ['sending', null],
        recent: ['sending', null],
      })
      // Nobody knows how far an older server's send got: never resent, and its old lease stands.
      const smtp = track(await startSmtp())
      const server = track(await startTestServer(db, { smtp: { url: smtp.url }, mail: FAST }))
      await eventually(
        async () => (await phases()).abandoned?.[0] === 'unconfirmed',
        'the abandoned claim to be unconfirmed',
      )
      await server.close()
      expect((await phases()).recent).toEqual(['sending', null])
      expect(smtp.received).toHaveLength(0)
    } finally {
      await db.close()
    }
  })
})
