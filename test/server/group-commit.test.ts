/**
 * Group commit (src/server/events/group-commit.ts), on PGlite and PostgreSQL: pushes arriving at
 * once share a transaction, and each gets what it would have got alone, one after the other — seqs
 * in order, a number to one claimant only, a repeated event id answered as a repeat — and a push
 * the database fails on fails alone.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index'
import { groupCommit, MAX_GROUP_EVENTS } from '../../src/server/events/group-commit'
import type { EventOf, TicketEvent } from '../../src/shared/incident'
import { openTicket } from '../../src/shared/incident/rules'
import type { PullResponse, PushResponse } from '../../src/shared/sync/wire'
import { ROUTES } from '../../src/shared/sync/wire'
import { accepted, phoneCall } from '../support/incident-fixtures'
import { stationAuthor, ticketHistory } from './events'
import { call, forEachBackend, push, startTestServer, station, userWithToken } from './harness'

forEachBackend((backend) => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startTestServer(backend().db)
  })
  afterAll(() => server.close())

  async function agentOn(code?: string) {
    const stationCode = code ?? (await station(backend().db))
    const agent = await userWithToken(backend().db, 'agent', { stationCode })
    return { ...agent, code: stationCode, ctx: stationAuthor(agent.username, stationCode) }
  }

  const seqOf = (reply: PushResponse) =>
    reply.results.map((r) => (r.status === 'applied' ? r.seq : NaN))

  it('stores pushes arriving at once as their serial run would: every event, seqs in push order', async () => {
    const agents = await Promise.all(Array.from({ length: 6 }, () => agentOn()))
    const batches = agents.map((a) => [...ticketHistory(a.ctx, 4), ...ticketHistory(a.ctx, 4)])
    const replies = await Promise.all(agents.map((a, i) => push(server, a.token, batches[i]!)))
    const seqs = replies.map(seqOf)
    for (const s of seqs) {
      expect(s.every(Number.isInteger)).toBe(true)
      // One push's events are consecutive in the log, in the order sent.
      expect(s).toEqual(s.map((_, i) => s[0]! + i))
    }
    expect(new Set(seqs.flat()).size).toBe(seqs.flat().length)
    const after = Math.min(...seqs.flat()) - 1
    const page = await call<PullResponse>(
      server,
      'GET',
      `${ROUTES.events}?after=${after}&limit=500`,
      { token: agents[0]!.token },
    )
    const pulled = new Map(page.body.events.map((e) => [(e.event as TicketEvent).id, e.seq]))
    batches.flat().forEach((event, i) => expect(pulled.get(event.id)).toBe(seqs.flat()[i]))
    const tickets = await backend().db.query<{ id: string; notes: number }>(
      `SELECT id, jsonb_array_length(body->'notes') AS notes FROM tickets WHERE id = ANY($1::uuid[])`,
      [[...new Set(batches.flat().map((e) => e.ticketId))]],
    )
    expect(tickets).toHaveLength(12)
    expect(tickets.every((t) => t.notes === 4)).toBe(true)
  })

  it('answers a repeat of an event id pushed at the same moment as a repeat, same content or not', async () => {
    const agent = await agentOn()
    const [opened] = ticketHistory(agent.ctx, 0)
    const altered = {
      ...opened!,
      payload: { ...(opened as EventOf<'opened'>).payload, title: 'Another title' },
    }
    const sent = [opened!, opened!, altered]
    const replies = await Promise.all(sent.map((event) => push(server, agent.token, [event])))
    const results = replies.map((r) => r.results[0]!)
    // Whichever arrived first is stored; the others are judged against it, as repeats.
    const first = results.findIndex((r) => r.status === 'applied')
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(1)
    const seq = (results[first] as { seq: number }).seq
    results.forEach((result, i) => {
      if (i === first) return
      if (sent[i] === sent[first]) expect(result).toMatchObject({ status: 'duplicate', seq })
      else expect(result).toMatchObject({ status: 'rejected', code: 'conflicting_duplicate' })
    })
  })

  it('gives a number claimed by two pushes at once to one of them, and the other the highest held', async () => {
    const first = await agentOn()
    // A wiped profile of the same station, starting its sequence again.
    const second = await agentOn(first.code)
    const number = `${first.code}-7`
    const open = (ctx: typeof first.ctx) =>
      accepted(openTicket(phoneCall(), number, ctx))[0] as EventOf<'opened'>
    const replies = await Promise.all([
      push(server, first.token, [open(first.ctx)]),
      push(server, second.token, [open(second.ctx)]),
    ])
    const results = replies.map((r) => r.results[0]!)
    expect(results.filter((r) => r.status === 'applied')).toHaveLength(1)
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      code: 'number_taken',
      highestSequence: 7,
    })
  })

  it('fails only the push the database refuses when pushes share a transaction', async () => {
    const agents = await Promise.all(Array.from({ length: 5 }, () => agentOn()))
    const batches = agents.map((a) => ticketHistory(a.ctx, 2))
    const poisoned = batches[2]![0]!.ticketId
    const db = backend().db
    // A fault only this push meets, inside the commit: what a bug or a constraint would raise.
    await db.query(`CREATE FUNCTION refuse_poisoned() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.ticket_id = '${poisoned}'::uuid THEN RAISE EXCEPTION 'poisoned ticket'; END IF;
        RETURN NEW;
      END $$`)
    await db.query(
      'CREATE TRIGGER refuse_poisoned BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_poisoned()',
    )
    try {
      const replies = await Promise.all(
        agents.map((a, i) =>
          call<PushResponse>(server, 'POST', ROUTES.events, {
            token: a.token,
            body: { events: batches[i] },
          }),
        ),
      )
      expect(replies.map((r) => r.status)).toEqual([200, 200, 500, 200, 200])
      for (const i of [0, 1, 3, 4])
        expect(replies[i]!.body.results.every((r) => r.status === 'applied')).toBe(true)
      const stored = await db.query<{ n: number }>(
        'SELECT count(*)::int4 AS n FROM events WHERE ticket_id = $1::uuid',
        [poisoned],
      )
      expect(stored[0]!.n).toBe(0)
    } finally {
      await db.query('DROP TRIGGER refuse_poisoned ON events')
      await db.query('DROP FUNCTION refuse_poisoned()')
    }
  })

  it('takes the pushes waiting at the lock into one transaction, up to the size of a live message', async () => {
    const agents = await Promise.all(Array.from({ length: 4 }, () => agentOn()))
    const commit = groupCommit(backend().db)
    const size = MAX_GROUP_EVENTS / 2
    const batches = agents.map((a) =>
      Array.from({ length: size / 5 }, () => ticketHistory(a.ctx, 4)).flat(),
    )
    // All four wait for the first transaction to reach the lock: two fit in it, two in the next.
    const outcomes = await Promise.all(batches.map((events) => commit(events, Date.now())))
    const seqs = batches.map((events, i) =>
      events.map((e) => {
        const result = outcomes[i]!.results.get(e.id)
        return result?.status === 'applied' ? result.seq : NaN
      }),
    )
    expect(seqs.flat().every(Number.isInteger)).toBe(true)
    // maxSeq is the transaction's: the same for the pushes that shared one.
    expect(outcomes.map((o) => o.maxSeq)).toEqual([
      Math.max(...seqs[1]!),
      Math.max(...seqs[1]!),
      Math.max(...seqs[3]!),
      Math.max(...seqs[3]!),
    ])
  })
})
