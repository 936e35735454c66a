/**
 * Email in (issue 11, item 7): a real SMTP client (nodemailer) delivers to the server's own
 * listener. A new message opens an incident (source email, the sender as the directory's caller),
 * a reply to Warmline's email threads into its ticket, a machine's message opens nothing, a
 * message delivered twice — also after a crash before the commit, and after one between the
 * commit and the 250 — is one ticket, and hostile MIME is stored, not fatal.
 */
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { importDirectory, directoryImportSchema } from '../../src/server/directory-store'
import type { RunningServer } from '../../src/server/index'
import type { EventOf, Ticket, TicketEvent } from '../../src/shared/incident'
import { mailAttachmentResponseSchema } from '../../src/shared/sync/mail-in-wire'
import { ROUTES } from '../../src/shared/sync/wire'
import {
  call,
  forEachBackend,
  push,
  startTestServer,
  station,
  uniqueName,
  userWithToken,
} from './harness'
import { customerNote, stationAuthor } from './events'
import { eventually, startSmtp, type TestSmtp } from './smtp'
import { runSeed, seededRandom } from '../support/random'

forEachBackend((backend) => {
  let server: RunningServer
  let smtp: TestSmtp
  const crash: { before?: () => void; after?: () => void } = {}
  const db = () => backend().db

  beforeAll(async () => {
    smtp = await startSmtp()
    server = await startTestServer(db(), {
      smtp: { url: smtp.url },
      mailFrom: 'Service Desk <service-desk@warmline.test>',
      mail: { pollMs: 50 },
      mailIn: {
        port: 0,
        maxMessageBytes: 256 * 1024,
        maxAttachmentBytes: 1024,
        beforeCommit: () => crash.before?.(),
        afterCommit: () => crash.after?.(),
      },
    })
    await importDirectory(
      db(),
      directoryImportSchema.parse({
        callers: [
          {
            id: 'c-mail-1',
            name: 'Priya Natarajan',
            email: 'Priya.Natarajan@example.edu',
            phone: '+1 555 010 7788',
            department: 'Physics',
          },
        ],
      }),
    )
  })
  afterAll(async () => {
    await server.close()
    await smtp.close()
  })

  const send = (mail: Mail.Options) =>
    nodemailer
      .createTransport({
        host: '127.0.0.1',
        port: server.mailInPort!,
        secure: false,
        ignoreTLS: true,
      })
      .sendMail({ to: 'service-desk@warmline.test', ...mail })

  const eventsWith = async (messageId: string) =>
    (
      await db().query<{ body: TicketEvent }>(
        `SELECT body FROM events WHERE body->>'type' = 'customer_message_received'
           AND body->'payload'->>'messageId' = $1 ORDER BY seq`,
        [messageId],
      )
    ).map((r) => r.body as EventOf<'customer_message_received'>)
  const ticket = async (id: string) =>
    (await db().query<{ body: Ticket }>('SELECT body FROM tickets WHERE id = $1::uuid', [id]))[0]!
      .body
  const openingsFrom = async (address: string) =>
    (
      await db().query<{ body: EventOf<'opened'> }>(
        `SELECT body FROM events WHERE body->>'type' = 'opened'
           AND body->'payload'->>'source' = 'email' AND body->'payload'->'caller'->>'email' ILIKE $1`,
        [address],
      )
    ).map((r) => r.body)
  const messageId = (what: string) => `<${uniqueName(what)}@mail.example.edu>`

  it('a new message opens an incident: source email, the directory caller, subject and text', async () => {
    const id = messageId('new')
    await send({
      from: '"Priya N." <priya.natarajan@example.edu>',
      subject: 'Projector in room 204 shows no signal',
      text: 'Since this morning the projector says "no signal".\nWe teach at 10.',
      messageId: id,
      attachments: [
        { filename: 'photo.txt', content: 'a small one' },
        { filename: 'huge.bin', content: Buffer.alloc(4096, 1) },
      ],
    })
    const [received] = await eventsWith(id)
    expect(received).toBeDefined()
    const opened = await ticket(received!.ticketId)
    expect(opened).toMatchObject({
      source: 'email',
      kind: 'incident',
      number: expect.stringMatching(/^SRV-\d+$/),
      title: 'Projector in room 204 shows no signal',
      description: 'Since this morning the projector says "no signal".\nWe teach at 10.',
      caller: { callerId: 'c-mail-1', name: 'Priya Natarajan', department: 'Physics' },
    })
    expect(received!.payload).toMatchObject({ from: 'priya.natarajan@example.edu', messageId: id })
    // Within the limit kept (and served to a signed-in user); over it listed, not kept.
    const [small, huge] = received!.payload.attachments
    expect(huge).toMatchObject({ name: 'huge.bin', size: 4096, id: null })
    expect(small).toMatchObject({ name: 'photo.txt', size: 11, id: expect.any(String) })
    const agent = await userWithToken(db(), 'agent')
    const reply = await call(server, 'GET', `${ROUTES.mailAttachment}?id=${small!.id}`, {
      token: agent.token,
    })
    expect(reply.status).toBe(200)
    const file = mailAttachmentResponseSchema.parse(reply.body)
    expect(Buffer.from(file.contentBase64, 'base64').toString()).toBe('a small one')
    expect((await call(server, 'GET', `${ROUTES.mailAttachment}?id=${small!.id}`)).status).toBe(401)
    // The notes show the email from the customer.
    expect(opened.notes).toMatchObject([
      { kind: 'customer', fromCustomer: { from: 'priya.natarajan@example.edu' } },
    ])
  })

  it('a reply to Warmline’s email threads into its ticket as the customer’s email', async () => {
    const sender = `${uniqueName('kai')}@example.edu`
    const first = messageId('first')
    await send({ from: sender, subject: 'Printer jams', text: 'Every page.', messageId: first })
    const [opening] = await eventsWith(first)
    const opened = await ticket(opening!.ticketId)
    expect(opened.caller).toEqual({ name: sender, email: sender })

    // The agent answers by email from a station; the server's mailer sends it.
    const code = await station(db())
    const agent = await userWithToken(db(), 'agent', { stationCode: code })
    const note = customerNote(stationAuthor(agent.username, code), opened, 'Which tray?')
    expect((await push(server, agent.token, [note])).results[0]).toMatchObject({
      status: 'applied',
    })
    await eventually(() => smtp.received.some((m) => m.to.includes(sender)), 'the outbound email')
    const outbound = smtp.received.find((m) => m.to.includes(sender))!
    expect(outbound.messageId).toContain(note.payload.noteId)

    const reply = messageId('reply')
    await send({
      from: sender,
      subject: `Re: [${opened.number}] Printer jams`,
      text: 'Tray 2.',
      messageId: reply,
      inReplyTo: outbound.messageId,
      references: [outbound.messageId],
    })
    const [threaded] = await eventsWith(reply)
    expect(threaded!.ticketId).toBe(opened.id)
    const after = await ticket(opened.id)
    expect(after.notes.map((n) => [n.kind, n.body, n.fromCustomer?.from])).toEqual([
      ['customer', 'Every page.', sender],
      ['customer', 'Which tray?', undefined],
      ['customer', 'Tray 2.', sender],
    ])
    expect(await openingsFrom(sender)).toHaveLength(1)

    // The ticket number alone threads for the ticket's caller, never for a stranger.
    const byNumber = messageId('number')
    await send({
      from: sender,
      subject: `ticket ${opened.number}: still`,
      text: 'x',
      messageId: byNumber,
    })
    expect((await eventsWith(byNumber))[0]!.ticketId).toBe(opened.id)
    const stranger = `${uniqueName('eve')}@example.org`
    const guessed = messageId('guess')
    await send({ from: stranger, subject: `[${opened.number}] hi`, text: 'y', messageId: guessed })
    expect((await eventsWith(guessed))[0]!.ticketId).not.toBe(opened.id)
    expect(await openingsFrom(stranger)).toHaveLength(1)
  })

  it('auto-replies and bounces open nothing', async () => {
    const before = (await db().query<{ n: number }>('SELECT count(*)::int4 AS n FROM events'))[0]!.n
    const ids: string[] = []
    const machine = async (mail: Mail.Options) => {
      const id = messageId('auto')
      ids.push(id)
      await send({ subject: 'Out of office', text: 'Back Monday.', messageId: id, ...mail })
    }
    await machine({ from: 'jo@example.edu', headers: { 'Auto-Submitted': 'auto-replied' } })
    await machine({ from: 'jo@example.edu', headers: { Precedence: 'bulk' } })
    await machine({ from: 'jo@example.edu', headers: { Precedence: 'auto_reply' } })
    await machine({ from: 'MAILER-DAEMON@mx.example.edu' })
    await machine({ from: 'postmaster@example.edu' })
    await machine({
      from: 'jo@example.edu',
      envelope: { from: '', to: 'service-desk@warmline.test' },
    })
    const after = (await db().query<{ n: number }>('SELECT count(*)::int4 AS n FROM events'))[0]!.n
    expect(after).toBe(before)
    const rows = await db().query<{ outcome: string; reason: string }>(
      'SELECT outcome, reason FROM mail_in WHERE message_key = ANY($1::text[]) ORDER BY reason',
      [ids],
    )
    expect(rows).toHaveLength(ids.length)
    expect(rows.every((r) => r.outcome === 'ignored')).toBe(true)
    // Auto-Submitted: no is a person's message after all.
    const person = messageId('person')
    await send({
      from: 'jo@example.edu',
      subject: 'Help',
      text: 'Real.',
      messageId: person,
      headers: { 'Auto-Submitted': 'no' },
    })
    expect(await eventsWith(person)).toHaveLength(1)
  })

  it('a message delivered twice, or again after a crash before the commit or before the 250, is one ticket', async () => {
    const mail = (id: string) => ({
      from: 'dup@example.edu',
      subject: 'Wi-Fi drops',
      text: 'In the library.',
      messageId: id,
    })
    const twice = messageId('twice')
    await send(mail(twice))
    await send(mail(twice))
    expect(await eventsWith(twice)).toHaveLength(1)

    // The process dies with everything written but not committed: the MTA is told to retry.
    const beforeCommit = messageId('crash-before')
    crash.before = () => {
      throw new Error('simulated crash before the commit')
    }
    await expect(send(mail(beforeCommit))).rejects.toMatchObject({ responseCode: 451 })
    crash.before = undefined
    expect(await eventsWith(beforeCommit)).toHaveLength(0)
    await send(mail(beforeCommit))
    expect(await eventsWith(beforeCommit)).toHaveLength(1)

    // It dies after the commit, before answering: the MTA delivers again, and that changes nothing.
    const afterCommit = messageId('crash-after')
    crash.after = () => {
      throw new Error('simulated crash after the commit')
    }
    await expect(send(mail(afterCommit))).rejects.toMatchObject({ responseCode: 451 })
    crash.after = undefined
    await send(mail(afterCommit))
    expect(await eventsWith(afterCommit)).toHaveLength(1)

    // Without a Message-ID the message's hash is its key.
    const raw =
      'From: dup@example.edu\r\nTo: service-desk@warmline.test\r\nSubject: No id\r\n\r\nHello.\r\n'
    const envelope = { from: 'dup@example.edu', to: 'service-desk@warmline.test' }
    await send({ envelope, raw })
    await send({ envelope, raw })
    const hashed = await db().query(
      `SELECT 1 FROM mail_in WHERE message_key LIKE 'sha256:%' AND subject = 'No id'`,
    )
    expect(hashed).toHaveLength(1)
  })

  it('random hostile MIME: every message is answered 250 and recorded once, and the server lives on', async () => {
    const seed = runSeed('mail-in-hostile')
    const random = seededRandom(seed)
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => random.int(256)))
    const pieces = [
      () => bytes(1 + random.int(200)),
      () =>
        Buffer.from(
          `=?${random.pick(['utf-8', 'x-bogus', 'utf-16', 'iso-2022-jp'])}?${random.pick(['B', 'Q'])}?`,
        ),
      () =>
        Buffer.from(
          random.pick(['\r\n', '\n', '\r', '\u0000', '\ud800', '?=', '"', '<', '>', ';']),
        ),
      () =>
        Buffer.from(
          `${random.pick(['Content-Type: multipart/mixed; boundary=', 'Content-Transfer-Encoding: ', 'Subject: ', 'References: <'])}`,
        ),
    ]
    const junk = () =>
      Buffer.concat(Array.from({ length: 1 + random.int(12) }, () => random.pick(pieces)()))
    const envelope = { from: 'fuzz@example.edu', to: 'service-desk@warmline.test' }
    const before = (await db().query<{ n: number }>('SELECT count(*)::int4 AS n FROM mail_in'))[0]!
      .n
    const count = 25
    for (let i = 0; i < count; i++) {
      const raw = Buffer.concat([
        Buffer.from(`From: fuzz@example.edu\r\nSubject: fuzz ${seed} ${i} `),
        junk(),
        Buffer.from('\r\n'),
        junk(),
        Buffer.from('\r\n\r\n'),
        junk(),
      ])
      await expect(send({ envelope, raw }), `seed ${seed}, message ${i}`).resolves.toBeDefined()
    }
    const after = (await db().query<{ n: number }>('SELECT count(*)::int4 AS n FROM mail_in'))[0]!.n
    expect(after - before, `seed ${seed}`).toBe(count)
    expect((await call(server, 'GET', ROUTES.health)).status).toBe(200)
  })

  it('one message handed to two server processes at once is still one ticket', async () => {
    const peer = await startTestServer(backend().openPeer(), { mailIn: { port: 0 } })
    try {
      const id = messageId('two-processes')
      const mail = { from: 'twice@example.edu', subject: 'VPN', text: 'Down.', messageId: id }
      const to = (port: number) =>
        nodemailer
          .createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true })
          .sendMail({ to: 'service-desk@warmline.test', ...mail })
      await Promise.all([to(server.mailInPort!), to(peer.mailInPort!), to(peer.mailInPort!)])
      expect(await eventsWith(id)).toHaveLength(1)
    } finally {
      await peer.close()
    }
  })

  it('hostile MIME is stored as far as it can be; an oversized message gets 552; the listener lives on', async () => {
    const envelope = { from: 'hostile@example.edu', to: 'service-desk@warmline.test' }
    const id = messageId('hostile')
    const raw = Buffer.concat([
      Buffer.from(
        [
          'From: "Nul\u0000 Name" <hostile@example.edu>',
          `Message-ID: ${id}`,
          `X-Huge: ${'h'.repeat(100_000)}`,
          'Subject: =?utf-8?B?' +
            Buffer.from('Broken \u0000 subject').toString('base64') +
            '?= =?x-unknown?Q?=FF=FE?=',
          'MIME-Version: 1.0',
          'Content-Type: text/plain; charset=utf-16le',
          'Content-Transfer-Encoding: base64',
          '',
          // A lone surrogate (D800) and a NUL in UTF-16LE, then garbage base64.
          Buffer.from([0x41, 0x00, 0x00, 0xd8, 0x42, 0x00, 0x00, 0x00, 0x43, 0x00]).toString(
            'base64',
          ) + '!!!',
          '',
        ].join('\r\n'),
        'utf8',
      ),
    ])
    await send({ envelope, raw })
    const [stored] = await eventsWith(id)
    expect(stored).toBeDefined()
    const opened = await ticket(stored!.ticketId)
    expect(opened.title).toMatch(/^Broken +subject/)
    expect(stored!.payload.body).toMatch(/^A\uFFFDB C/)

    // Not MIME at all, and a message that is only headers: still a ticket each.
    await send({
      envelope,
      raw: Buffer.from('\u0000\u0001\u00ff garbage with no headers\r\n', 'latin1'),
    })
    await send({
      envelope,
      raw: `Message-ID: ${messageId('headers-only')}\r\nFrom: <hostile@example.edu>\r\n\r\n`,
    })

    const big = messageId('big')
    await expect(
      send({
        from: 'hostile@example.edu',
        subject: 'Big',
        text: 'x'.repeat(300 * 1024),
        messageId: big,
      }),
    ).rejects.toMatchObject({ responseCode: 552 })
    expect(await eventsWith(big)).toHaveLength(0)

    // The listener still takes mail after all that.
    const fine = messageId('fine')
    await send({
      from: 'hostile@example.edu',
      subject: 'Still here?',
      text: 'yes',
      messageId: fine,
    })
    expect(await eventsWith(fine)).toHaveLength(1)
  })
})
