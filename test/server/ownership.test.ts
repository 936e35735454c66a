/**
 * Rule 4's owner on the server, on PGlite and PostgreSQL: an incident the mail-in intake opened
 * is owned by the server account; an agent's take-over is accepted and moves the projection's
 * owner, a take-over of a colleague's ticket is refused per event — naming `payload.from` — unless
 * a supervisor sends it, and a second take-over of the same ticket is kept as a conflict.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index'
import { receiveMail } from '../../src/server/mail-in/intake'
import { createServerClock } from '../../src/server/monitoring'
import { awaitsOwner, type Ticket } from '../../src/shared/incident'
import { takeOwnership } from '../../src/shared/incident/rules'
import { accepted, emailMessage } from '../support/incident-fixtures'
import { forEachBackend, push, startTestServer, station, userWithToken } from './harness'
import { stationAuthor } from './events'

type Person = { username: string; token: string; station: string }

forEachBackend((backend) => {
  let server: RunningServer
  let agent: Person
  let colleague: Person
  let supervisor: Person
  const person = async (role: 'agent' | 'supervisor'): Promise<Person> => {
    const code = await station(backend().db)
    return { ...(await userWithToken(backend().db, role, { stationCode: code })), station: code }
  }

  beforeAll(async () => {
    server = await startTestServer(backend().db)
    agent = await person('agent')
    colleague = await person('agent')
    supervisor = await person('supervisor')
  })
  afterAll(() => server.close())

  const stored = async (id: string): Promise<Ticket> => {
    const [row] = await backend().db.query<{ body: Ticket }>(
      'SELECT body FROM tickets WHERE id = $1::uuid',
      [id],
    )
    return row!.body
  }

  let mails = 0
  /** An email the intake opens a ticket from, a minute ago. */
  async function emailTicket(): Promise<Ticket> {
    const { result } = await receiveMail(
      backend().db,
      {
        message: emailMessage({
          messageId: `<own-${process.pid}-${++mails}@mail.example.edu>`,
          receivedAt: Date.now() - 60_000,
        }),
        automatic: null,
        contents: new Map(),
      },
      createServerClock(),
    )
    if (result.outcome !== 'opened') throw new Error(`not opened: ${JSON.stringify(result)}`)
    return stored(result.ticketId)
  }

  const takeAs = (who: Person, role: 'agent' | 'supervisor', ticket: Ticket) =>
    accepted(takeOwnership(ticket, role, stationAuthor(who.username, who.station)))

  it('rule 4: an agent takes over an email-opened incident; the server’s projection names them owner', async () => {
    const ticket = await emailTicket()
    expect(awaitsOwner(ticket)).toBe(true)
    const reply = await push(server, agent.token, takeAs(agent, 'agent', ticket))
    expect(reply.results).toMatchObject([{ status: 'applied' }])
    expect(await stored(ticket.id)).toMatchObject({
      owner: agent.username,
      ownerStation: agent.station,
      assignee: agent.username,
    })
  })

  it('rule 4: a colleague’s ticket is refused to an agent, naming payload.from; a supervisor takes it', async () => {
    const ticket = await emailTicket()
    await push(server, agent.token, takeAs(agent, 'agent', ticket))
    const owned = await stored(ticket.id)
    // The colleague's own station would refuse; one that does not is refused by the server.
    const forged = takeAs(colleague, 'supervisor', owned)
    const refused = await push(server, colleague.token, forged)
    expect(refused.results).toMatchObject([
      { id: forged[0]!.id, status: 'rejected', code: 'forbidden' },
    ])
    expect(refused.results[0]).toMatchObject({ reason: expect.stringMatching(/^payload\.from: /) })
    expect((await stored(ticket.id)).owner).toBe(agent.username)

    const reply = await push(server, supervisor.token, takeAs(supervisor, 'supervisor', owned))
    expect(reply.results).toMatchObject([{ status: 'applied' }])
    expect((await stored(ticket.id)).owner).toBe(supervisor.username)
  })

  it('rule 4: of two agents taking the same ticket, the second is kept as a conflict, not applied', async () => {
    const ticket = await emailTicket()
    const first = takeAs(agent, 'agent', ticket)
    const second = takeAs(colleague, 'agent', ticket)
    expect((await push(server, agent.token, first)).results).toMatchObject([{ status: 'applied' }])
    // Accepted into the log (it was valid when made), and judged by the fold against what came first.
    expect((await push(server, colleague.token, second)).results).toMatchObject([
      { status: 'applied' },
    ])
    const after = await stored(ticket.id)
    expect(after.owner).toBe(agent.username)
    expect(after.conflicts).toMatchObject([{ eventId: second[0]!.id, type: 'ownership_taken' }])
  })
})
