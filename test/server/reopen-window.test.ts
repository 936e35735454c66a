/** PRODUCT.md rule 9: a resolved ticket can be reopened for 7 days, then it closes — by the server. */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { closeElapsedResolutions } from '../../src/server/reopen-window'
import { createServerClock } from '../../src/server/monitoring'
import type { RunningServer } from '../../src/server/index'
import { foldTicket, resolve, type Ticket } from '../../src/shared/incident'
import { accepted, completeResolution } from '../support/incident-fixtures'
import { forEachBackend, push, startTestServer, station, userWithToken } from './harness'
import { openedTicket, stationAuthor } from './events'

const DAY = 24 * 60 * 60 * 1000

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

  const ticket = async (id: string) =>
    (
      await backend().db.query<{ body: Ticket }>('SELECT body FROM tickets WHERE id = $1::uuid', [
        id,
      ])
    )[0]!.body

  async function resolvedTicket(resolvedAt: number): Promise<string> {
    const ctx = stationAuthor(agent.username, code, resolvedAt - 60_000)
    const { event: opening, ticket: open } = openedTicket(ctx)
    ctx.advance(60_000)
    const resolution = accepted(resolve(open, completeResolution(), ctx))
    const reply = await push(server, agent.token, [opening, ...resolution])
    expect(reply.results.every((r) => r.status === 'applied')).toBe(true)
    expect(foldTicket([opening, ...resolution])!.state).toBe('resolved')
    return opening.ticketId
  }

  it('closes a resolution older than 7 days, and leaves a younger one open to reopening', async () => {
    const now = Date.now()
    const elapsed = await resolvedTicket(now - 8 * DAY)
    const recent = await resolvedTicket(now - 6 * DAY)
    const { closed, commit } = await closeElapsedResolutions(backend().db, now, createServerClock())
    expect(closed).toContain(elapsed)
    expect(closed).not.toContain(recent)
    expect(commit).not.toBeNull()
    const after = await ticket(elapsed)
    expect(after.state).toBe('closed')
    expect(after.closure).toMatchObject({
      via: 'reopen_window_elapsed',
      by: 'event-management',
      customerSatisfied: null,
    })
    expect((await ticket(recent)).state).toBe('resolved')
    // A second sweep finds nothing more to do: the closure is written once.
    expect(
      (await closeElapsedResolutions(backend().db, now, createServerClock())).closed,
    ).not.toContain(elapsed)
  })
})
