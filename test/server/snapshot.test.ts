/**
 * GET /api/v1/snapshot: the server's projections for a new station (issue 13) — the open tickets,
 * then all of them, in id order, each page with the log position it is consistent with; bad
 * queries get a 400 naming the field; no session gets a 401.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index'
import { resolve } from '../../src/shared/incident'
import { ROUTES, type SnapshotResponse } from '../../src/shared/sync/wire'
import { accepted, completeResolution } from '../support/incident-fixtures'
import { openedTicket, stationAuthor } from './events'
import { call, forEachBackend, push, startTestServer, station, userWithToken } from './harness'

forEachBackend((backend) => {
  let server: RunningServer
  let token: string
  const open: string[] = []
  const resolved: string[] = []
  beforeAll(async () => {
    server = await startTestServer(backend().db)
    const code = await station(backend().db)
    const agent = await userWithToken(backend().db, 'agent', { stationCode: code })
    token = agent.token
    const ctx = stationAuthor(agent.username, code)
    for (let i = 0; i < 7; i++) {
      const { event, ticket } = openedTicket(ctx)
      const events = [event]
      if (i % 2 === 0) {
        ctx.advance(1)
        events.push(...accepted(resolve(ticket, completeResolution(), ctx)))
        resolved.push(ticket.id)
      } else open.push(ticket.id)
      await push(server, token, events)
    }
  })
  afterAll(() => server.close())

  async function pages(scope: 'open' | 'all', limit: number): Promise<SnapshotResponse[]> {
    const out: SnapshotResponse[] = []
    let after: string | null = null
    for (let n = 0; n < 100; n++) {
      const query: URLSearchParams = new URLSearchParams({
        scope,
        limit: String(limit),
        ...(after ? { after } : {}),
      })
      const reply: { status: number; body: SnapshotResponse } = await call<SnapshotResponse>(
        server,
        'GET',
        `${ROUTES.snapshot}?${query}`,
        {
          token,
        },
      )
      expect(reply.status).toBe(200)
      out.push(reply.body)
      after = reply.body.next
      if (!after) return out
    }
    throw new Error('the snapshot did not end')
  }

  it('pages the open tickets, then all, in id order, each with its last seq and the position', async () => {
    const openPages = await pages('open', 2)
    const openIds = openPages.flatMap((p) => p.tickets.map((t) => t.ticket.id))
    expect(openIds).toEqual([...open].sort())
    expect(openPages[0]!.total).toBe(open.length)
    expect(openPages[1]!.total).toBeUndefined()

    const all = (await pages('all', 3)).flatMap((p) => p.tickets)
    expect(all.map((t) => t.ticket.id)).toEqual([...open, ...resolved].sort())
    const log = await backend().db.query<{ seq: number; ticket_id: string }>(
      'SELECT seq, ticket_id::text FROM events',
    )
    for (const { seq, ticket } of all) {
      const seqs = log.filter((row) => row.ticket_id === ticket.id).map((row) => row.seq)
      expect(seq).toBe(Math.max(...seqs))
      expect(ticket.state).toBe(resolved.includes(ticket.id) ? 'resolved' : 'open')
    }
    expect(openPages[0]!.position).toBe(Math.max(...log.map((row) => row.seq)))
  })

  it('gives named tickets by id, and says nothing of ids it does not hold', async () => {
    const ids = [resolved[0]!, open[0]!, '0190a2b4-0000-7000-8000-000000000000']
    const reply = await call<SnapshotResponse>(
      server,
      'GET',
      `${ROUTES.snapshot}?ids=${ids.join(',')}`,
      { token },
    )
    expect(reply.status).toBe(200)
    expect(reply.body.tickets.map((t) => t.ticket.id).sort()).toEqual([ids[0], ids[1]].sort())
    expect(reply.body.next).toBeNull()
  })

  it('refuses a bad scope, id, limit or id list with a 400 naming the field, and no session with a 401', async () => {
    for (const [query, field] of [
      ['scope=closed', 'scope'],
      ['after=not-a-uuid', 'after'],
      ['limit=0', 'limit'],
      ['limit=2001', 'limit'],
      ['limit=ten', 'limit'],
      ['ids=', 'ids'],
      ['ids=abc,def', 'ids'],
      [`ids=${Array.from({ length: 101 }, () => open[0]).join(',')}`, 'ids'],
    ] as const) {
      const reply = await call(server, 'GET', `${ROUTES.snapshot}?${query}`, { token })
      expect([reply.status, reply.body.error.code], query).toEqual([400, 'invalid_request'])
      expect(reply.body.error.message, query).toContain(field)
    }
    expect((await call(server, 'GET', ROUTES.snapshot)).status).toBe(401)
  })

  it('an empty open set still says the position it holds as of', async () => {
    const reply = await call<SnapshotResponse>(
      server,
      'GET',
      `${ROUTES.snapshot}?scope=open&after=ffffffff-ffff-7fff-bfff-ffffffffffff`,
      { token },
    )
    expect(reply.body).toMatchObject({ tickets: [], next: null })
    expect(reply.body.position).toBeGreaterThan(0)
  })
})
