/**
 * Rule 11 on the server: once a redaction is stored, the text it removed is gone from the stored
 * log, the pull pages and the projection — not only from the folded note — whatever order the
 * note and its redactions arrive in; the log still shows the note, who redacted it, when and why.
 * A station re-pushing the original note is told "duplicate". An email not yet sent goes out
 * with the redacted text; one already sent is never sent again.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index'
import {
  applyEvent,
  foldTicket,
  redactNote,
  type EventOf,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { ROUTES, type PullResponse } from '../../src/shared/sync/wire'
import { accepted, type TestContext } from '../support/incident-fixtures'
import { customerNote, openedTicket, stationAuthor } from './events'
import { forEachBackend, push, startTestServer, station, userWithToken } from './harness'
import { eventually, startSmtp } from './smtp'

const SECRET = 'Tmp#4821-Blue'
const NOT_EMAILED = { customer: false, cc: [] as string[] }

function redact(
  ctx: TestContext,
  ticket: Ticket,
  noteId: string,
  body: string,
): EventOf<'note_redacted'> {
  return accepted(
    redactNote(ticket, noteId, body, 'A password typed into a customer note', ctx),
  )[0] as EventOf<'note_redacted'>
}

forEachBackend((backend) => {
  const running: { close(): Promise<void> }[] = []
  let server: RunningServer
  let code: string
  let agent: { username: string; token: string }
  let supervisor: { username: string; token: string }
  beforeAll(async () => {
    server = await startTestServer(backend().db)
    code = await station(backend().db)
    agent = await userWithToken(backend().db, 'agent', { stationCode: code })
    supervisor = await userWithToken(backend().db, 'supervisor', { stationCode: code })
  })
  afterEach(async () => {
    for (const thing of running.splice(0).reverse()) await thing.close()
  })
  afterAll(() => server.close())

  /** Every page of `GET /api/v1/events`, as the raw JSON text a station receives. */
  async function pulledText(): Promise<string> {
    const pages: string[] = []
    for (let after = 0, page = 0; page < 1000; page++) {
      const response = await fetch(`${server.url}${ROUTES.events}?after=${after}&limit=50`, {
        headers: { authorization: `Bearer ${supervisor.token}` },
      })
      const text = await response.text()
      pages.push(text)
      const body = JSON.parse(text) as PullResponse
      if (body.upToDate) return pages.join('\n')
      after = body.next
    }
    throw new Error('the pull did not end')
  }

  /** What the database holds for a ticket, as text: its stored events and its projection. */
  async function storedText(ticketId: string): Promise<string> {
    const rows = await backend().db.query<{ text: string }>(
      `SELECT body::text AS text FROM events WHERE ticket_id = $1::uuid
       UNION ALL SELECT coalesce(body::text, '') FROM tickets WHERE id = $1::uuid`,
      [ticketId],
    )
    return rows.map((row) => row.text).join('\n')
  }

  async function storedEvents(ticketId: string): Promise<TicketEvent[]> {
    const rows = await backend().db.query<{ body: TicketEvent }>(
      'SELECT body FROM events WHERE ticket_id = $1::uuid ORDER BY seq',
      [ticketId],
    )
    return rows.map((row) => row.body)
  }

  async function projection(ticketId: string): Promise<Ticket> {
    const [row] = await backend().db.query<{ body: Ticket }>(
      'SELECT body FROM tickets WHERE id = $1::uuid',
      [ticketId],
    )
    return row!.body
  }

  /** A ticket with a customer note carrying the secret, pushed by the agent. */
  async function noteWithSecret(sendEmailTo = NOT_EMAILED) {
    const ctx = stationAuthor(agent.username, code)
    const { event: opened, ticket } = openedTicket(ctx)
    const note = customerNote(
      ctx,
      ticket,
      `Your account is unlocked; I set your password to ${SECRET} and you can sign in now.`,
      sendEmailTo,
    )
    const other = customerNote(ctx, applyEvent(ticket, note)!, 'We will call you tomorrow.', {
      customer: false,
      cc: [],
    })
    const withNotes = [note, other].reduce((t, e) => applyEvent(t, e)!, ticket)
    return { opened, note, other, ticket: withNotes }
  }

  const supervisorCtx = () => stationAuthor(supervisor.username, code, Date.now() + 1000)
  const REDACTED =
    'Your account is unlocked; I set your password to [redacted] and you can sign in now.'

  it('removes the redacted text from the stored log, the pull pages and the projection', async () => {
    const { opened, note, other, ticket } = await noteWithSecret()
    await push(server, agent.token, [opened, note, other])
    expect(await storedText(ticket.id)).toContain(SECRET)

    const redaction = redact(supervisorCtx(), ticket, note.payload.noteId, REDACTED)
    expect((await push(server, supervisor.token, [redaction])).results[0]!.status).toBe('applied')

    expect(await storedText(ticket.id)).not.toContain(SECRET)
    expect(await storedText(ticket.id)).not.toContain('Tmp#4821')
    expect(await pulledText()).not.toContain('Tmp#4821')
    // The log still shows that the note existed, who redacted it, when and why.
    const events = await storedEvents(ticket.id)
    expect(events.map((e) => e.type)).toEqual([
      'opened',
      'customer_note_added',
      'customer_note_added',
      'note_redacted',
    ])
    expect(events[1]).toEqual({
      ...note,
      payload: { ...note.payload, body: REDACTED, redactedBy: redaction.id },
    })
    expect(events[2]).toEqual(JSON.parse(JSON.stringify(other)))
    expect(events[3]).toEqual(JSON.parse(JSON.stringify(redaction)))
    const folded = await projection(ticket.id)
    expect(folded.notes[0]).toMatchObject({
      body: REDACTED,
      author: agent.username,
      redactions: [{ by: supervisor.username, reason: 'A password typed into a customer note' }],
    })
    expect(folded).toEqual(JSON.parse(JSON.stringify(foldTicket(events))))
  })

  it('answers a station pushing the original note again with duplicate, and keeps it redacted', async () => {
    const { opened, note, ticket } = await noteWithSecret()
    const first = await push(server, agent.token, [opened, note])
    const seq = first.results[1]!.status === 'applied' ? first.results[1]!.seq : -1
    await push(server, supervisor.token, [
      redact(supervisorCtx(), ticket, note.payload.noteId, REDACTED),
    ])
    const again = await push(server, agent.token, [note, opened])
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate'])
    expect(again.results[0]).toMatchObject({ seq })
    expect(await storedText(ticket.id)).not.toContain(SECRET)

    // Not a licence to change a note: other differences are still a conflicting duplicate.
    const changed = {
      ...note,
      payload: { ...note.payload, sendEmailTo: { customer: false, cc: ['x@example.edu'] } },
    }
    expect((await push(server, agent.token, [changed])).results[0]).toMatchObject({
      status: 'rejected',
      code: 'conflicting_duplicate',
    })
  })

  it('stores a note that arrives after its redaction redacted from the start', async () => {
    const { opened, note, ticket } = await noteWithSecret()
    const redaction = redact(supervisorCtx(), ticket, note.payload.noteId, REDACTED)
    await push(server, agent.token, [opened])
    await push(server, supervisor.token, [redaction])
    expect((await push(server, agent.token, [note])).results[0]!.status).toBe('applied')
    expect(await storedText(ticket.id)).not.toContain(SECRET)
    const events = await storedEvents(ticket.id)
    expect(await projection(ticket.id)).toEqual(JSON.parse(JSON.stringify(foldTicket(events))))
    expect((await projection(ticket.id)).notes[0]!.body).toBe(REDACTED)
  })

  it('a second redaction rewrites the first one too, in either order of arrival', async () => {
    for (const order of ['in order', 'reversed'] as const) {
      const { opened, note, ticket } = await noteWithSecret()
      const ctx = supervisorCtx()
      const phone = 'Call me on 555 0199 7731.'
      const first = redact(ctx, ticket, note.payload.noteId, `${REDACTED} ${phone}`)
      ctx.advance(1000)
      const second = redact(ctx, applyEvent(ticket, first)!, note.payload.noteId, REDACTED)
      await push(server, agent.token, [opened, note])
      const redactions = order === 'in order' ? [first, second] : [second, first]
      for (const event of redactions) await push(server, supervisor.token, [event])
      const text = await storedText(ticket.id)
      expect(text, order).not.toContain(SECRET)
      expect(text, order).not.toContain('0199')
      const stored = (await storedEvents(ticket.id)).find((e) => e.id === first.id)
      expect(stored, order).toMatchObject({
        payload: { redactedBody: REDACTED, supersededBy: second.id, reason: first.payload.reason },
      })
      // A repeat of either redaction as its author wrote it is the same event, and changes nothing.
      const followUp = customerNote(ctx, ticket, 'Thank you for calling.', NOT_EMAILED)
      const again = await push(server, supervisor.token, [first, second, followUp])
      expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'applied'])
      const latest = (await storedEvents(ticket.id)).find((e) => e.id === second.id)
      expect(latest, order).toEqual(JSON.parse(JSON.stringify(second)))
    }
  })

  it('sends a queued email with the redacted text, and never sends a sent one again', async () => {
    const probe = await startSmtp()
    const port = probe.port
    await probe.close()
    const mailing = await startTestServer(backend().db, {
      smtp: { url: `smtp://127.0.0.1:${port}` },
      mail: { pollMs: 50, backoffMs: 50 },
    })
    running.push(mailing)
    const status = async (noteId: string) =>
      (
        await backend().db.query<{ status: string; attempts: number }>(
          'SELECT status, attempts FROM mail_outbox WHERE note_id = $1::uuid',
          [noteId],
        )
      )[0]
    // The rule 3 guard would refuse to email a password; rule 11 covers any sensitive text.
    const ctx = stationAuthor(agent.username, code)
    const { event: opened, ticket } = openedTicket(ctx)
    const note = customerNote(ctx, ticket, 'Your university ID U8841207 is on file; all set.')
    const withNote = applyEvent(ticket, note)!
    const wholly = customerNote(ctx, withNote, 'Your date of birth is 1990-01-01.')
    await push(mailing, agent.token, [opened, note, wholly])
    // Failed and back to pending, not merely claimed: a claim in flight composed its mail already,
    // and a redaction cannot reach a mail on the wire.
    await eventually(async () => {
      const row = await status(wholly.payload.noteId)
      return row?.status === 'pending' && row.attempts >= 1
    }, 'a failed attempt while the mail server is down')
    const sup = supervisorCtx()
    const first = redact(
      sup,
      applyEvent(withNote, wholly)!,
      note.payload.noteId,
      'Your university ID is on file; all set.',
    )
    const second = redact(
      sup,
      applyEvent(applyEvent(withNote, wholly)!, first)!,
      wholly.payload.noteId,
      '',
    )
    await push(mailing, supervisor.token, [first, second])
    const smtp = await startSmtp({ port })
    running.push(smtp)
    await eventually(
      async () => (await status(note.payload.noteId))?.status === 'sent',
      'the email to be sent',
      20_000,
    )
    // Redacted to nothing before it went out: not sent at all.
    await eventually(
      async () => (await status(wholly.payload.noteId))?.status === 'cancelled',
      'the emptied email to be cancelled',
    )
    expect(smtp.received).toHaveLength(1)
    expect(smtp.received[0]!.raw).toContain('Your university ID is on file; all set.')
    expect(smtp.received[0]!.raw).not.toContain('U8841207')

    // Sent already: a later redaction (and a re-push of the note) sends nothing more.
    const later = customerNote(ctx, withNote, 'Your university ID U5550001 is on file.')
    await push(mailing, agent.token, [later])
    await eventually(
      async () => (await status(later.payload.noteId))?.status === 'sent',
      'the second email',
    )
    const afterLater = applyEvent(withNote, later)!
    await push(mailing, supervisor.token, [
      redact(supervisorCtx(), afterLater, later.payload.noteId, 'Your university ID is on file.'),
    ])
    await push(mailing, agent.token, [later])
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(smtp.received).toHaveLength(2)
    expect(await status(later.payload.noteId)).toMatchObject({ status: 'sent', attempts: 1 })
    expect(await storedText(ticket.id)).not.toContain('U5550001')
  })
})
