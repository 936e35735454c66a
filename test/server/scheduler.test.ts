/**
 * The server's scheduler (PRODUCT.md "Priority" targets, rule 9): breaches and automatic
 * inactive-ticket resolutions are ordinary events, recorded exactly once — also with two server
 * processes on one database running the scheduler side by side.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { importDirectory } from '../../src/server/directory-store'
import type { RunningServer } from '../../src/server/index'
import { createServerClock } from '../../src/server/monitoring'
import { runDueTickets } from '../../src/server/scheduler'
import { recordContact, type Ticket } from '../../src/shared/incident'
import { accepted } from '../support/incident-fixtures'
import { openedTicket, stationAuthor } from './events'
import { forEachBackend, push, startTestServer, station, userWithToken } from './harness'

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

forEachBackend((backend) => {
  let server: RunningServer
  let agent: { username: string; token: string }
  let code: string
  beforeAll(async () => {
    // Its own scheduler stays out of the way: these tests run the jobs themselves.
    server = await startTestServer(backend().db, { dueTicketsMs: DAY, timeZone: 'UTC' })
    code = await station(backend().db)
    agent = await userWithToken(backend().db, 'agent', { stationCode: code })
  })
  afterAll(() => server.close())

  const ticket = async (id: string) =>
    (
      await backend().db.query<{ body: Ticket }>('SELECT body FROM tickets WHERE id = $1::uuid', [
        id,
      ])
    )[0]!.body

  const eventsOf = async (id: string, type: string) =>
    (
      await backend().db.query<{ body: { payload: Record<string, unknown> } }>(
        `SELECT body FROM events WHERE ticket_id = $1::uuid AND body->>'type' = $2`,
        [id, type],
      )
    ).map((r) => r.body.payload)

  /** A P1 phone call received `ago` ms before now (due 2 h after the call). */
  async function p1Call(ago: number): Promise<string> {
    const ctx = stationAuthor(agent.username, code, Date.now() - ago)
    const { event } = openedTicket(ctx, {
      impact: 1,
      urgency: 1,
      receivedAt: new Date(Date.now() - ago).toISOString(),
    })
    const reply = await push(server, agent.token, [event])
    expect(reply.results[0]).toMatchObject({ status: 'applied' })
    return event.ticketId
  }

  /** An email ticket whose customer did not answer a call 5 days ago. */
  async function unanswered(): Promise<string> {
    const start = Date.now() - 5 * DAY
    const ctx = stationAuthor(agent.username, code, start)
    const { event, ticket: open } = openedTicket(ctx, {
      source: 'email',
      receivedAt: new Date(start).toISOString(),
    })
    ctx.advance(HOUR)
    const contact = accepted(recordContact(open, { channel: 'phone', outcome: 'no_answer' }, ctx))
    const reply = await push(server, agent.token, [event, ...contact])
    expect(reply.results.every((r) => r.status === 'applied')).toBe(true)
    return event.ticketId
  }

  it('records the default calendar, Mon–Fri 08:00–17:00, in the zone the server is configured with', async () => {
    const [row] = await backend().db.query<{ value: { timeZone: string } }>(
      `SELECT value FROM settings WHERE key = 'business_calendar'`,
    )
    expect(row!.value).toMatchObject({ timeZone: 'UTC', hours: { fri: [{ start: '08:00' }] } })
  })

  it('records a breach once, in the ticket history, and leaves a ticket within its target alone', async () => {
    const late = await p1Call(3 * HOUR)
    const onTime = await p1Call(10 * 60 * 1000)
    const clock = createServerClock()
    const first = await runDueTickets(backend().db, Date.now(), clock)
    expect(first.breaches).toContainEqual({ ticketId: late, target: 'resolution' })
    expect(first.breaches.map((b) => b.ticketId)).not.toContain(onTime)
    const again = await runDueTickets(backend().db, Date.now(), clock)
    expect(again.breaches.map((b) => b.ticketId)).not.toContain(late)

    const after = await ticket(late)
    expect(after.slaBreaches).toEqual([
      expect.objectContaining({ target: 'resolution', dueAt: after.resolutionDueAt }),
    ])
    expect(after.history.at(-1)).toMatchObject({
      type: 'sla_breached',
      actor: 'event-management',
      station: 'SRV',
    })
    expect(await eventsOf(late, 'sla_breached')).toHaveLength(1)
    expect((await ticket(onTime)).slaBreaches ?? []).toEqual([])
  })

  it('proposes, and does not make, the inactive resolution unless the administrator says so', async () => {
    const quiet = await unanswered()
    await runDueTickets(backend().db, Date.now(), createServerClock())
    expect((await ticket(quiet)).state).toBe('open')
  })

  it('two server processes sharing the scheduler record each breach and each automatic resolution exactly once', async () => {
    await backend().db.transaction((tx) =>
      importDirectory(tx, {
        teams: [],
        routingGuidance: [],
        templates: [],
        callers: [],
        followUp: { autoResolveInactive: true },
      }),
    )
    const breaching = await Promise.all([1, 2, 3, 4].map((h) => p1Call((h + 2) * HOUR)))
    const quiet = await Promise.all([1, 2, 3].map(() => unanswered()))
    const peer = backend().openPeer()
    const options = { dueTicketsMs: 20, timeZone: 'UTC' }
    const servers = await Promise.all([
      startTestServer(backend().db, options),
      startTestServer(peer, options),
    ])
    try {
      const done = async () =>
        (await Promise.all(breaching.map(ticket))).every((t) => t.slaBreaches?.length) &&
        (await Promise.all(quiet.map(ticket))).every((t) => t.state === 'resolved')
      for (let i = 0; i < 200 && !(await done()); i++) await new Promise((r) => setTimeout(r, 50))
      expect(await done()).toBe(true)
      // Both keep running a while longer: nothing more may be written.
      await new Promise((r) => setTimeout(r, 400))
    } finally {
      await Promise.all(servers.map((s) => s.close()))
    }
    for (const id of breaching) {
      const breaches = await eventsOf(id, 'sla_breached')
      expect(breaches.map((b) => b.target)).toEqual(['resolution'])
    }
    for (const id of quiet) {
      expect(await eventsOf(id, 'resolved')).toEqual([
        expect.objectContaining({ resolutionCode: 'inactive_ticket' }),
      ])
      const resolved = await ticket(id)
      expect(resolved.resolution).toMatchObject({ by: 'event-management' })
      // An email ticket's first assignment (2 h, business hours) ran out days ago: recorded once
      // (its resolution target may have run out too, by now: once as well).
      const targets = (await eventsOf(id, 'sla_breached')).map((b) => b.target)
      expect(targets).toContain('first_assignment')
      expect(new Set(targets).size).toBe(targets.length)
    }
  })
})
