/**
 * Ticket numbers (ARCHITECTURE.md "Data"): the server refuses an opening whose number another
 * ticket holds, and events that do not come from the session's own station; sign-in and
 * enrollment tell a station the highest number the server holds for it.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index'
import { issueEnrollmentCode } from '../../src/server/accounts'
import { MIGRATIONS, migrate } from '../../src/server/db/migrations'
import { openDatabase } from '../../src/server/db/open'
import {
  applyEvent,
  renumberedOpening,
  type EventOf,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { openTicket } from '../../src/shared/incident/rules'
import { uuidv7 } from '../../src/shared/ids'
import { ROUTES } from '../../src/shared/sync/wire'
import { accepted, phoneCall, type TestContext } from '../support/incident-fixtures'
import { call, forEachBackend, push, startTestServer, station, userWithToken } from './harness'
import { stationAuthor, techNote } from './events'

function opening(ctx: TestContext, number: string): EventOf<'opened'> {
  return accepted(openTicket(phoneCall(), number, ctx))[0] as EventOf<'opened'>
}

async function projection(server: RunningServer, id: string): Promise<Ticket | null> {
  const [row] = await server.db.query<{ body: Ticket | null }>(
    'SELECT body FROM tickets WHERE id = $1::uuid',
    [id],
  )
  return row?.body ?? null
}

forEachBackend((backend) => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startTestServer(backend().db)
  })
  afterAll(() => server.close())

  async function agentOn(code: string) {
    const agent = await userWithToken(backend().db, 'agent', { stationCode: code })
    return { ...agent, ctx: stationAuthor(agent.username, code) }
  }

  it('refuses an opening whose number another ticket holds, with number_taken', async () => {
    const code = await station(backend().db)
    const first = await agentOn(code)
    // A wiped profile of the same station, starting its sequence again.
    const second = await agentOn(code)
    const original = opening(first.ctx, `${code}-1`)
    const duplicate = opening(second.ctx, `${code}-1`)
    expect((await push(server, first.token, [original])).results[0]!.status).toBe('applied')
    const [refused] = (await push(server, second.token, [duplicate])).results
    expect(refused).toMatchObject({ status: 'rejected', code: 'number_taken', highestSequence: 1 })
    expect((refused as { reason: string }).reason).toContain(`${code}-1`)
    expect(await projection(server, duplicate.ticketId)).toBeNull()
    // A repeat of the opening that holds the number is still a duplicate, not a refusal.
    expect((await push(server, first.token, [original])).results[0]!.status).toBe('duplicate')
  })

  it('gives a number to the first of two tickets in one batch', async () => {
    const code = await station(backend().db)
    const agent = await agentOn(code)
    const a = opening(agent.ctx, `${code}-7`)
    const b = opening(agent.ctx, `${code}-7`)
    const reply = await push(server, agent.token, [a, b])
    expect(reply.results.map((r) => r.status)).toEqual(['applied', 'rejected'])
    expect(reply.results[1]).toMatchObject({ code: 'number_taken' })
  })

  it('lets only one of two server processes accept a number pushed to both at once', async () => {
    const code = await station(backend().db)
    const other = await startTestServer(backend().openPeer())
    try {
      const agents = [await agentOn(code), await agentOn(code)]
      const rounds = 5
      for (let i = 1; i <= rounds; i++) {
        const replies = await Promise.all([
          push(server, agents[0]!.token, [opening(agents[0]!.ctx, `${code}-${i}`)]),
          push(other, agents[1]!.token, [opening(agents[1]!.ctx, `${code}-${i}`)]),
        ])
        expect(replies.map((r) => r.results[0]!.status).sort()).toEqual(['applied', 'rejected'])
      }
      const [row] = await backend().db.query<{ n: number; distinct_n: number }>(
        `SELECT count(*)::int4 AS n, count(DISTINCT number)::int4 AS distinct_n
           FROM tickets WHERE number LIKE $1`,
        [`${code}-%`],
      )
      expect(row).toEqual({ n: rounds, distinct_n: rounds })
    } finally {
      await other.close()
    }
  })

  it('refuses a second ticket with a taken number even if written past the check', async () => {
    const code = await station(backend().db)
    const agent = await agentOn(code)
    const held = opening(agent.ctx, `${code}-3`)
    await push(server, agent.token, [held])
    await expect(
      backend().db.query(
        `INSERT INTO ticket_numbers (number, station_code, sequence, ticket_id, event_id, claimed_at)
         VALUES ($1, $2, 3, $3, $4, 0)`,
        [`${code}-3`, code, uuidv7(), uuidv7()],
      ),
    ).rejects.toThrow(/duplicate key|unique/i)
  })

  it('refuses events from a session without a station, another station, or another station’s clock', async () => {
    const code = await station(backend().db)
    const otherCode = await station(backend().db)
    const agent = await agentOn(code)
    const stationless = await userWithToken(backend().db, 'agent')

    const fromNowhere = opening(stationAuthor(stationless.username, code), `${code}-1`)
    const [nowhere] = (await push(server, stationless.token, [fromNowhere])).results
    expect(nowhere).toMatchObject({ status: 'rejected', code: 'station_mismatch' })
    expect((nowhere as { reason: string }).reason).toMatch(/signed in on an enrolled station/)

    const elsewhere = opening(stationAuthor(agent.username, otherCode), `${otherCode}-1`)
    // Station field right, clock of another node.
    const wrongNode = {
      ...opening(agent.ctx, `${code}-2`),
      hlc: stationAuthor(agent.username, otherCode).nextHlc(),
    }
    // Another station's sequence, from this station.
    const foreignNumber = opening(agent.ctx, `${otherCode}-5`)
    const foreignAlias = {
      ...opening(agent.ctx, `${code}-3`),
    }
    foreignAlias.payload = { ...foreignAlias.payload, previousNumbers: [`${otherCode}-9`] }
    const fine = opening(agent.ctx, `${code}-4`)
    const reply = await push(server, agent.token, [
      elsewhere,
      wrongNode,
      foreignNumber,
      foreignAlias,
      fine,
    ])
    expect(reply.results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual([
      'station_mismatch',
      'station_mismatch',
      'station_mismatch',
      'station_mismatch',
      'applied',
    ])
    const reasons = reply.results.map((r) => (r.status === 'rejected' ? r.reason : ''))
    expect(reasons[1]).toContain(`clock is station ${otherCode}'s`)
    expect(reasons[2]).toContain(`${otherCode}-5`)
    expect(reasons[3]).toContain(`${otherCode}-9`)
  })

  it('folds a renumbered ticket with the events pushed behind its refused opening', async () => {
    const code = await station(backend().db)
    const holder = await agentOn(code)
    const agent = await agentOn(code)
    await push(server, holder.token, [opening(holder.ctx, `${code}-1`)])
    const refused = opening(agent.ctx, `${code}-1`)
    const note = techNote(agent.ctx, applyEvent(null, refused)!, 'Asked the caller to reboot.')
    const first = await push(server, agent.token, [refused, note])
    expect(first.results.map((r) => r.status)).toEqual(['rejected', 'applied'])
    expect(await projection(server, refused.ticketId)).toBeNull()

    const replacement = renumberedOpening(refused, `${code}-2`, uuidv7())
    expect((await push(server, agent.token, [replacement])).results[0]!.status).toBe('applied')
    const ticket = await projection(server, refused.ticketId)
    expect(ticket).toMatchObject({ number: `${code}-2`, previousNumbers: [`${code}-1`] })
    expect(ticket!.notes.map((n) => n.body)).toEqual(['Asked the caller to reboot.'])
    expect(ticket!.conflicts).toEqual([])
    expect(ticket!.history.map((h: { type: TicketEvent['type'] }) => h.type)).toEqual([
      'opened',
      'tech_note_added',
    ])
  })

  it('gives a number the log already holds twice to its earliest opening when migrating', async () => {
    const flags = await backend().freshStorageFlags()
    const fresh = await openDatabase(
      flags[0] === '--database-url' ? { databaseUrl: flags[1]! } : { dataDir: flags[1]! },
    )
    try {
      // A database of the version before numbers were claimed, holding a duplicate number.
      await fresh.transaction(async (tx) => {
        await tx.query(
          'CREATE TABLE schema_migrations (version int4 PRIMARY KEY, name text NOT NULL, applied_at int8 NOT NULL)',
        )
        for (const statement of MIGRATIONS[0]!.statements) await tx.query(statement)
        await tx.query(`INSERT INTO schema_migrations VALUES (1, 'initial', 0)`)
      })
      const ctx = stationAuthor('agent1', 'S1')
      const [first, second, other] = [
        opening(ctx, 'S1-1'),
        opening(ctx, 'S1-1'),
        opening(ctx, 'S1-2'),
      ]
      for (const event of [first!, second!, other!]) {
        await fresh.query(
          'INSERT INTO events (id, ticket_id, body, received_at) VALUES ($1, $2, $3, 0)',
          [event.id, event.ticketId, JSON.stringify(event)],
        )
      }
      await migrate(fresh, Date.now)
      const rows = await fresh.query<{ number: string; ticket_id: string; sequence: number }>(
        'SELECT number, ticket_id, sequence FROM ticket_numbers ORDER BY number',
      )
      expect(rows).toEqual([
        { number: 'S1-1', ticket_id: first!.ticketId, sequence: 1 },
        { number: 'S1-2', ticket_id: other!.ticketId, sequence: 2 },
      ])
    } finally {
      await fresh.close()
    }
  })

  it('tells a station at sign-in and enrollment the highest number it holds for it', async () => {
    const { code: enrollment } = await issueEnrollmentCode(backend().db, 'test', Date.now())
    const enrolled = await call(server, 'POST', ROUTES.enroll, {
      body: { code: enrollment, name: 'Desk 9' },
    })
    expect(enrolled.status).toBe(200)
    const code = enrolled.body.stationCode as string
    expect(enrolled.body.highestSequence).toBe(0)

    const agent = await agentOn(code)
    await push(server, agent.token, [
      opening(agent.ctx, `${code}-4`),
      opening(agent.ctx, `${code}-12`),
    ])
    const signIn = (stationCode?: string) =>
      call(server, 'POST', ROUTES.session, {
        body: {
          username: agent.username,
          password: 'test-password-1',
          ...(stationCode ? { stationCode } : {}),
        },
      })
    const onStation = await signIn(code)
    expect(onStation.status).toBe(200)
    expect(onStation.body.highestSequence).toBe(12)
    expect((await signIn()).body.highestSequence).toBeUndefined()
  })
})
