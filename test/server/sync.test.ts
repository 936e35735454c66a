/** Push and pull: idempotence, per-event verdicts, ordering without gaps, the projection. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index'
import { coalescedPuller } from '../../src/server/events/event-log'
import { applyEvent, foldTicket, type Ticket, type TicketEvent } from '../../src/shared/incident'
import { ROUTES, type PullResponse, type PushResult } from '../../src/shared/sync/wire'
import {
  call,
  countRows,
  forEachBackend,
  push,
  startTestServer,
  station,
  storedEvent,
  userWithToken,
} from './harness'
import {
  customerNote,
  openedTicket,
  redaction,
  stationAuthor,
  techNote,
  ticketHistory,
} from './events'

async function pullAll(
  server: RunningServer,
  token: string,
  after: number,
  limit = 100,
): Promise<PullResponse['events']> {
  const seen: PullResponse['events'] = []
  let cursor = after
  for (let page = 0; page < 10_000; page++) {
    const reply = await call<PullResponse>(
      server,
      'GET',
      `${ROUTES.events}?after=${cursor}&limit=${limit}`,
      { token },
    )
    expect(reply.status).toBe(200)
    seen.push(...reply.body.events)
    cursor = reply.body.next
    if (reply.body.upToDate) return seen
  }
  throw new Error('pull did not reach the end')
}

async function projection(server: RunningServer, id: string): Promise<Ticket | null> {
  const [row] = await server.db.query<{ body: Ticket | null }>(
    'SELECT body FROM tickets WHERE id = $1::uuid',
    [id],
  )
  return row?.body ?? null
}

async function latest(server: RunningServer): Promise<number> {
  const [row] = await server.db.query<{ seq: number | null }>('SELECT max(seq) AS seq FROM events')
  return row?.seq ?? 0
}

forEachBackend((backend) => {
  let server: RunningServer
  let agent: { username: string; token: string }
  let code: string
  beforeAll(async () => {
    server = await startTestServer(backend().db)
    code = await station(backend().db)
    agent = await userWithToken(backend().db, 'agent', { stationCode: code })
  })
  afterAll(() => server.close())

  it('applies a batch, answers a repeat as duplicates with the same seq, and pulls it back in order', async () => {
    const events = ticketHistory(stationAuthor(agent.username, code), 4)
    const first = await push(server, agent.token, events)
    expect(first.results.map((r) => r.status)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
      'applied',
    ])
    const seqs = first.results.map((r) => (r as { seq: number }).seq)
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs)

    const again = await push(server, agent.token, events)
    expect(again.results).toEqual(first.results.map((r) => ({ ...r, status: 'duplicate' })))

    const pulled = await pullAll(server, agent.token, seqs[0]! - 1)
    expect(pulled.slice(0, 5).map((p) => (p.event as TicketEvent).id)).toEqual(
      events.map((e) => e.id),
    )
    expect(pulled.slice(0, 5).map((p) => p.seq)).toEqual(seqs)
  })

  it('is idempotent under concurrent delivery of the same events', async () => {
    const events = ticketHistory(stationAuthor(agent.username, code), 9)
    const before = await countRows(backend().db, 'events')
    const replies = await Promise.all(
      Array.from({ length: 6 }, () => push(server, agent.token, events)),
    )
    for (const [i, event] of events.entries()) {
      const answers = replies.map((r) => r.results[i]!)
      expect(answers.filter((a) => a.status === 'applied')).toHaveLength(1)
      expect(answers.filter((a) => a.status === 'duplicate')).toHaveLength(5)
      expect(new Set(answers.map((a) => (a as { seq: number }).seq)).size).toBe(1)
      expect(answers.every((a) => a.id === event.id)).toBe(true)
    }
    expect(await countRows(backend().db, 'events')).toBe(before + events.length)
  })

  it('answers a repeated id within one batch, and a stored id with other content, without storing twice', async () => {
    const ctx = stationAuthor(agent.username, code)
    const { event: opened, ticket } = openedTicket(ctx)
    const note = techNote(ctx, ticket, 'Original text')
    const altered = { ...note, payload: { ...note.payload, body: 'Rewritten text' } }
    const reply = await push(server, agent.token, [opened, note, note, altered])
    expect(reply.results.map((r) => r.status)).toEqual([
      'applied',
      'applied',
      'duplicate',
      'rejected',
    ])
    expect(reply.results[3]).toMatchObject({ code: 'conflicting_duplicate' })
    const later = await push(server, agent.token, [altered])
    expect(later.results[0]).toMatchObject({ status: 'rejected', code: 'conflicting_duplicate' })
    expect((await storedEvent(backend().db, note.id))?.payload).toEqual(note.payload)
  })

  it('rejects bad events one by one and commits the rest of the batch', async () => {
    const supervisor = await userWithToken(backend().db, 'supervisor', { stationCode: code })
    const ctx = stationAuthor(agent.username, code)
    const { event: opened, ticket } = openedTicket(ctx)
    const note = customerNote(ctx, ticket, 'We are looking into it.', { customer: false, cc: [] })
    const good = techNote(ctx, ticket, 'Checked the logs.')
    const otherActor = techNote(
      stationAuthor(supervisor.username, code),
      ticket,
      'Not mine to write.',
    )
    const otherStation = techNote(
      stationAuthor(agent.username, 'ELSEWHERE'),
      ticket,
      'From another station.',
    )
    const forbidden = redaction(ctx, applyEvent(ticket, note)!, note.payload.noteId)
    const futureVersion = { ...techNote(ctx, ticket, 'From a newer station'), schemaVersion: 99 }
    const malformed = { ...techNote(ctx, ticket, 'x'), hlc: 'yesterday' }
    // The station's own rules refuse NUL now; a hostile client writes it anyway.
    const written = techNote(ctx, ticket, 'ab')
    const nul = { ...written, payload: { ...written.payload, body: 'a\u0000b' } }
    const reply = await push(server, agent.token, [
      opened,
      otherActor,
      note,
      forbidden,
      otherStation,
      futureVersion,
      good,
      malformed,
      nul,
      42,
    ])
    const byIndex = (i: number) => reply.results[i] as Extract<PushResult, { status: 'rejected' }>
    expect(reply.results.map((r) => r.status)).toEqual([
      'applied',
      'rejected',
      'applied',
      'rejected',
      'rejected',
      'rejected',
      'applied',
      'rejected',
      'rejected',
      'rejected',
    ])
    expect([1, 3, 4, 5, 7, 8, 9].map((i) => byIndex(i).code)).toEqual([
      'actor_mismatch',
      'forbidden',
      'station_mismatch',
      'unsupported_schema_version',
      'invalid_event',
      'invalid_event',
      'invalid_event',
    ])
    expect(byIndex(5).reason).toMatch(/update this station/)
    for (const rejected of [otherActor, otherStation, forbidden, futureVersion, malformed, nul]) {
      expect(await storedEvent(backend().db, rejected.id)).toBeUndefined()
    }
    const stored = await projection(server, ticket.id)
    expect(stored?.notes.map((n) => n.body)).toEqual([
      'We are looking into it.',
      'Checked the logs.',
    ])
  })

  it('lets a supervisor redact, and keeps the projection equal to the fold of the stored events', async () => {
    const supervisor = await userWithToken(backend().db, 'supervisor', { stationCode: code })
    const ctx = stationAuthor(agent.username, code)
    const { event: opened, ticket } = openedTicket(ctx)
    const note = customerNote(ctx, ticket, 'Your date of birth 1990-01-01 is on file.', {
      customer: false,
      cc: [],
    })
    await push(server, agent.token, [opened, note])
    const current = (await projection(server, ticket.id))!
    const redact = redaction(
      stationAuthor(supervisor.username, code, Date.now() + 1000),
      current,
      note.payload.noteId,
    )
    expect((await push(server, supervisor.token, [redact])).results[0]!.status).toBe('applied')
    const stored = await backend().db.query<{ body: TicketEvent }>(
      'SELECT body FROM events WHERE ticket_id = $1::uuid',
      [ticket.id],
    )
    expect(await projection(server, ticket.id)).toEqual(
      JSON.parse(JSON.stringify(foldTicket(stored.map((r) => r.body)))),
    )
    expect((await projection(server, ticket.id))?.notes[0]?.body).toBe('[redacted]')
  })

  it('re-folds a ticket whose events arrive out of order, including before its opening', async () => {
    const ctx = stationAuthor(agent.username, code)
    const [opened, ...notes] = ticketHistory(ctx, 4)
    await push(server, agent.token, [notes[3]!, notes[1]!])
    expect(await projection(server, opened!.ticketId)).toBeNull()
    await push(server, agent.token, [opened!])
    expect((await projection(server, opened!.ticketId))?.notes).toHaveLength(2)
    await push(server, agent.token, [notes[2]!, notes[0]!])
    const ticket = (await projection(server, opened!.ticketId))!
    expect(ticket.notes.map((n) => n.id)).toEqual(
      notes.map((n) => (n as Extract<TicketEvent, { type: 'tech_note_added' }>).payload.noteId),
    )
    expect(ticket).toEqual(JSON.parse(JSON.stringify(foldTicket([opened!, ...notes]))))
  })

  it('warns about a station clock far ahead, and keeps its events', async () => {
    const ctx = stationAuthor(agent.username, code, Date.now() + 60 * 60_000)
    const reply = await push(server, agent.token, ticketHistory(ctx, 0))
    expect(reply.results[0]!.status).toBe('applied')
    expect(reply.clockWarning).toMatch(/ahead/)
  })

  it('pages: limit, next cursor, upToDate', async () => {
    await push(server, agent.token, ticketHistory(stationAuthor(agent.username, code), 6))
    const end = await latest(server)
    const page = await call<PullResponse>(
      server,
      'GET',
      `${ROUTES.events}?after=${end - 7}&limit=3`,
      { token: agent.token },
    )
    expect(page.body.events.map((e) => e.seq)).toEqual([end - 6, end - 5, end - 4])
    expect(page.body).toMatchObject({ next: end - 4, upToDate: false })
    const last = await call<PullResponse>(
      server,
      'GET',
      `${ROUTES.events}?after=${end - 3}&limit=3`,
      { token: agent.token },
    )
    expect(last.body).toMatchObject({ next: end, upToDate: true })
    const empty = await call<PullResponse>(server, 'GET', `${ROUTES.events}?after=${end}`, {
      token: agent.token,
    })
    expect(empty.body).toEqual({ events: [], next: end, upToDate: true })
  })

  it('serves a floor of identical pulls with one query, but never one begun before a newer commit was known', async () => {
    await push(server, agent.token, ticketHistory(stationAuthor(agent.username, code), 1))
    let known = await latest(server)
    const pull = coalescedPuller(server.db, () => known)
    const floor = Array.from({ length: 20 }, () => pull(known - 2, 50))
    expect(new Set(floor).size).toBe(1)
    // A commit this process has heard of: a pull now must not join the query begun before it.
    const pushed = await push(
      server,
      agent.token,
      ticketHistory(stationAuthor(agent.username, code), 0),
    )
    known = (pushed.results[0] as { seq: number }).seq
    const afterCommit = pull(known - 3, 50)
    const stale = pull(known - 3, 50)
    expect(afterCommit).toBe(stale)
    expect(floor).not.toContain(afterCommit)
    expect((await afterCommit).events.map((e) => e.seq)).toContain(known)
    expect((await floor[0]!).events.length).toBeGreaterThan(0)
  })

  describe('under concurrent pushes from 8 connections', () => {
    it('a reader pulling all the while sees every event exactly once, in increasing seq', async () => {
      const pushers = await Promise.all(
        Array.from({ length: 8 }, async () => {
          const stationCode = await station(backend().db)
          return { stationCode, user: await userWithToken(backend().db, 'agent', { stationCode }) }
        }),
      )
      // Eight separate server processes would each have their own pool: here each pusher gets its
      // own server on its own connection(s) to the one database.
      const servers = await Promise.all(pushers.map(() => startTestServer(backend().openPeer())))
      const start = await latest(server)
      const batches = 6
      const pushed = new Set<string>()
      const seen = new Map<string, number>()
      let writing = true
      let cursor = start
      const reader = (async () => {
        for (let round = 0; round < 100_000; round++) {
          const reply = await call<PullResponse>(
            server,
            'GET',
            `${ROUTES.events}?after=${cursor}&limit=37`,
            { token: agent.token },
          )
          let previous = cursor
          for (const { seq, event } of reply.body.events) {
            expect(seq).toBeGreaterThan(previous)
            previous = seq
            const id = (event as TicketEvent).id
            seen.set(id, (seen.get(id) ?? 0) + 1)
          }
          cursor = reply.body.next
          if (!writing && reply.body.upToDate) return
        }
        throw new Error('reader did not finish')
      })()
      await Promise.all(
        pushers.map(async ({ stationCode, user }, i) => {
          const ctx = stationAuthor(user.username, stationCode)
          for (let b = 0; b < batches; b++) {
            const events = [...ticketHistory(ctx, 9), ...ticketHistory(ctx, 9)]
            events.forEach((e) => pushed.add(e.id))
            const reply = await push(servers[i]!, user.token, events)
            expect(reply.results.every((r) => r.status === 'applied')).toBe(true)
          }
        }),
      )
      writing = false
      await reader
      await Promise.all(servers.map((s) => s.close()))
      expect(pushed.size).toBe(8 * batches * 20)
      const missing = [...pushed].filter((id) => !seen.has(id))
      expect(missing).toEqual([])
      expect([...seen.values()].every((n) => n === 1)).toBe(true)
    })
  })
})
