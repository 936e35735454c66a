/**
 * PRODUCT.md rule 10 on the server, on PGlite and PostgreSQL: the outage radar's proposal is
 * recorded exactly once however many server processes see the calls commit; the proposal's
 * decisions and the hierarchy's permissions are the server's to check; the major incident's
 * resolve cascade sends each child's caller exactly one email.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index'
import { createServerClock } from '../../src/server/monitoring'
import { runOutageRadar } from '../../src/server/outage-radar'
import {
  directoryImportSchema,
  importDirectory,
  majorIncidentSettings,
} from '../../src/server/directory-store'
import {
  DEFAULT_MAJOR_INCIDENT_SETTINGS,
  type MajorIncidentSettings,
} from '../../src/shared/directory'
import {
  applyEvent,
  escalateToManagement,
  linkCallsToMajor,
  pendingProposals,
  promoteToMajor,
  resolve,
  resolveLinkedCalls,
  dismissOutageProposal,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { accepted, completeResolution } from '../support/incident-fixtures'
import {
  forEachBackend,
  push,
  startTestServer,
  station,
  tempDir,
  userWithToken,
  type Backend,
} from './harness'
import { openedTicket, stationAuthor } from './events'
import { eventually, startSmtp, type TestSmtp } from './smtp'

const MINUTE = 60_000

async function ticketsById(db: Backend['db'], ids: readonly string[]): Promise<Ticket[]> {
  const rows = await db.query<{ body: Ticket }>(
    'SELECT body FROM tickets WHERE id = ANY($1::uuid[]) ORDER BY id',
    [ids],
  )
  return rows.map((r) => r.body)
}

forEachBackend((backend) => {
  let agent: { username: string; token: string }
  let supervisor: { username: string; token: string }
  let agentStation: string
  let supervisorStation: string
  let smtp: TestSmtp
  let servers: RunningServer[] = []
  beforeAll(async () => {
    const db = backend().db
    agentStation = await station(db)
    supervisorStation = await station(db)
    agent = await userWithToken(db, 'agent', { stationCode: agentStation })
    supervisor = await userWithToken(db, 'supervisor', { stationCode: supervisorStation })
    smtp = await startSmtp()
    // Two server processes on one database, as behind a load balancer.
    const options = { smtp: { url: smtp.url }, mail: { pollMs: 50 } }
    servers = [
      await startTestServer(db, { ...options, mailDir: tempDir() }),
      await startTestServer(backend().openPeer(), { ...options, mailDir: tempDir() }),
    ]
  })
  afterAll(async () => {
    for (const server of servers) await server.close()
    await smtp.close()
  })

  /** `count` phone calls on `service`, received a minute apart up to now, pushed by the agent. */
  async function calls(service: string, count: number, via = servers[0]!): Promise<Ticket[]> {
    const now = Date.now()
    const ctx = stationAuthor(agent.username, agentStation, now - count * MINUTE)
    const tickets: Ticket[] = []
    for (let i = 0; i < count; i++) {
      const receivedAt = new Date(now - (count - i) * MINUTE).toISOString()
      const { event, ticket } = openedTicket(ctx, { service, receivedAt })
      const reply = await push(via, agent.token, [event])
      expect(reply.results[0]!.status).toBe('applied')
      tickets.push(ticket)
    }
    return tickets
  }

  it('rule 10: the radar records one proposal for 3 calls in 15 minutes, with two server processes looking at once', async () => {
    const service = `Email ${backend().kind} once`
    const made = await calls(service, 3)
    // Both processes run their radar at the same moment (each also woke on its own commits).
    const clock = createServerClock()
    const peer = servers[1]!.db
    const looks = await Promise.all([
      runOutageRadar(backend().db, Date.now(), clock),
      runOutageRadar(peer, Date.now(), clock),
      runOutageRadar(backend().db, Date.now(), clock),
    ])
    const ids = made.map((t) => t.id)
    await eventually(async () => {
      const rows = await backend().db.query<{ n: number }>(
        `SELECT count(*)::int4 AS n FROM events
          WHERE ticket_id = ANY($1::uuid[]) AND body->>'type' = 'outage_suspected'`,
        [ids],
      )
      return rows[0]!.n >= 3
    }, 'the proposal to be recorded')
    const suspected = await backend().db.query<{ body: TicketEvent }>(
      `SELECT body FROM events WHERE ticket_id = ANY($1::uuid[]) AND body->>'type' = 'outage_suspected'`,
      [ids],
    )
    expect(suspected).toHaveLength(3)
    const proposalIds = new Set(
      suspected.map((r) => (r.body.type === 'outage_suspected' ? r.body.payload.proposalId : '')),
    )
    expect(proposalIds.size).toBe(1)
    expect(looks.filter((l) => l.proposals.length > 0).length).toBeLessThanOrEqual(1)
    const [proposal] = pendingProposals(await ticketsById(backend().db, ids))
    expect(proposal).toMatchObject({ service, calls: 3, minutes: 15 })
    expect(proposal!.tickets.map((t) => t.id).sort()).toEqual([...ids].sort())
  })

  it('rule 10: two calls are no outage; a proposal is written by the server only, dismissed by a supervisor only', async () => {
    const service = `Printing ${backend().kind}`
    const two = await calls(service, 2)
    await runOutageRadar(backend().db, Date.now(), createServerClock())
    expect(
      (
        await ticketsById(
          backend().db,
          two.map((t) => t.id),
        )
      ).every((t) => !t.outage),
    ).toBe(true)
    const third = await calls(service, 1, servers[1])
    const ids = [...two, ...third].map((t) => t.id)
    await eventually(
      async () => pendingProposals(await ticketsById(backend().db, ids)).length === 1,
      'the radar woken by the commit to propose',
    )
    const [proposal] = pendingProposals(await ticketsById(backend().db, ids))
    // A station cannot forge the radar's event.
    const forged = {
      ...accepted(
        dismissOutageProposal(proposal!, '', stationAuthor(supervisor.username, supervisorStation)),
      )[0]!,
    }
    const asSuspected = {
      ...forged,
      type: 'outage_suspected',
      payload: {
        proposalId: proposal!.proposalId,
        service,
        candidateTicketIds: ids,
        calls: 3,
        minutes: 15,
      },
    }
    expect((await push(servers[0]!, supervisor.token, [asSuspected])).results[0]).toMatchObject({
      status: 'rejected',
      code: 'forbidden',
    })
    const agentCtx = stationAuthor(agent.username, agentStation)
    const byAgent = accepted(dismissOutageProposal(proposal!, 'not one thing', agentCtx))
    expect((await push(servers[0]!, agent.token, byAgent)).results.map((r) => r.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ])
    const ctx = stationAuthor(supervisor.username, supervisorStation)
    const dismissed = accepted(dismissOutageProposal(proposal!, 'Three separate printers', ctx))
    expect(
      (await push(servers[1]!, supervisor.token, dismissed)).results.every(
        (r) => r.status === 'applied',
      ),
    ).toBe(true)
    const after = await ticketsById(backend().db, ids)
    expect(after.every((t) => t.outage?.status === 'dismissed')).toBe(true)
    // Dismissed calls are not proposed again.
    await runOutageRadar(backend().db, Date.now(), createServerClock())
    expect(pendingProposals(await ticketsById(backend().db, ids))).toEqual([])
  })

  it('rule 10: the parent’s resolve cascade sends each child’s caller exactly one email, however often it is pushed', async () => {
    const ctx = stationAuthor(supervisor.username, supervisorStation)
    const open = (overrides = {}) =>
      openedTicket(ctx, { service: `VPN ${backend().kind}`, ...overrides })
    const parentOpened = open({ title: 'VPN down' })
    let parent = parentOpened.ticket
    const declared = accepted(promoteToMajor(parent, 'Everyone off campus is cut off', ctx))
    parent = applyEvent(parent, declared[0]!)!
    const kids = [
      open({ caller: { name: 'Ana Lee', email: 'ana.lee@example.edu' } }),
      open({ caller: { name: 'Ben Ode', email: 'ben.ode@example.edu' } }),
      open({ caller: { name: 'Cy Roe' } }),
    ]
    const links = accepted(
      linkCallsToMajor(
        parent,
        kids.map((k) => k.ticket),
        ctx,
      ),
    )
    const children = kids.map((k) =>
      links.filter((e) => e.ticketId === k.ticket.id).reduce((t, e) => applyEvent(t, e)!, k.ticket),
    )
    const resolution = accepted(
      resolve(parent, completeResolution({ firstContactResolution: false }), ctx),
    )
    parent = applyEvent(parent, resolution[0]!)!
    const emailTo = new Set([children[0]!.id, children[1]!.id])
    const cascade = resolveLinkedCalls(parent, children, emailTo, ctx)
    expect(cascade.refused).toEqual([])
    const all = [
      parentOpened.event,
      ...declared,
      ...kids.map((k) => k.event),
      ...links,
      ...resolution,
      ...cascade.events,
    ]
    const first = await push(servers[0]!, supervisor.token, all)
    expect(first.results.every((r) => r.status === 'applied')).toBe(true)
    // A station retrying, through both processes at once.
    await Promise.all([
      push(servers[0]!, supervisor.token, cascade.events),
      push(servers[1]!, supervisor.token, all),
    ])

    const notes = cascade.events.flatMap((e) =>
      e.type === 'customer_note_added' ? [e.payload.noteId] : [],
    )
    expect(notes).toHaveLength(2)
    await eventually(async () => {
      const rows = await backend().db.query<{ status: string }>(
        'SELECT status FROM mail_outbox WHERE note_id = ANY($1::uuid[])',
        [notes],
      )
      return rows.length === 2 && rows.every((r) => r.status === 'sent')
    }, 'both emails to be sent')
    const mine = smtp.received.filter((m) => notes.some((id) => m.messageId.includes(id)))
    expect(mine.map((m) => m.to).sort()).toEqual([['ana.lee@example.edu'], ['ben.ode@example.edu']])
    const stored = await ticketsById(
      backend().db,
      children.map((c) => c.id),
    )
    expect(stored.every((t) => t.state === 'resolved')).toBe(true)
    expect(
      stored.every((t) => t.resolution?.resolutionNotes === parent.resolution!.resolutionNotes),
    ).toBe(true)
  })

  it('rule 10: the director of IT service management is a supervisor’s escalation, after the manager', async () => {
    const settings: MajorIncidentSettings = {
      ...DEFAULT_MAJOR_INCIDENT_SETTINGS,
      serviceDeskManager: supervisor.username,
      directorItsm: 'director1',
    }
    const ctx = stationAuthor(agent.username, agentStation)
    const { event, ticket } = openedTicket(ctx)
    const toManager = accepted(
      escalateToManagement(
        ticket,
        { level: 'service_desk_manager', reason: 'Dean asks' },
        'agent',
        settings,
        ctx,
      ),
    )
    const withManager = applyEvent(ticket, toManager[0]!)!
    // The agent's own station would refuse; a station that does not is refused by the server.
    const forged = accepted(
      escalateToManagement(
        withManager,
        { level: 'director_itsm', reason: 'Still down' },
        'supervisor',
        settings,
        ctx,
      ),
    )
    const reply = await push(servers[0]!, agent.token, [event, ...toManager, ...forged])
    expect(reply.results.map((r) => r.status)).toEqual(['applied', 'applied', 'rejected'])
    expect(reply.results[2]).toMatchObject({ code: 'forbidden' })
    const [stored] = await ticketsById(backend().db, [ticket.id])
    expect(stored!.managementEscalations).toMatchObject([
      { level: 'service_desk_manager', to: supervisor.username, reason: 'Dean asks' },
    ])
  })

  it('rule 10: the radar follows the administrator’s threshold from the directory (2 calls in 5 minutes here)', async () => {
    const db = backend().db
    const set = (majorIncidents: unknown) =>
      db.transaction((tx) => importDirectory(tx, directoryImportSchema.parse({ majorIncidents })))
    await set({ outageRadar: { calls: 2, minutes: 5 }, serviceDeskManager: supervisor.username })
    try {
      expect(await majorIncidentSettings(db)).toMatchObject({
        outageRadar: { calls: 2, minutes: 5 },
        serviceDeskManager: supervisor.username,
        directorItsm: null,
      })
      const two = await calls(`Wi-Fi ${backend().kind}`, 2)
      const ids = two.map((t) => t.id)
      await eventually(
        async () => pendingProposals(await ticketsById(db, ids)).length === 1,
        'two calls to make a proposal',
      )
      expect(pendingProposals(await ticketsById(db, ids))[0]).toMatchObject({
        calls: 2,
        minutes: 5,
      })
    } finally {
      await set({})
    }
  })
})
