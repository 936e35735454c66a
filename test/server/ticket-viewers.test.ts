/**
 * Issue 12, item 5: who else has a ticket open, through the live socket — across server processes,
 * gone when the ticket is closed or the socket is, and never the receiving connection itself.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index'
import { uuidv7 } from '../../src/shared/ids'
import type { TicketViewer } from '../../src/shared/sync/presence'
import type { ServerLiveMessage } from '../../src/shared/sync/wire'
import type { LiveClient } from './client'
import { forEachBackend, openLive, startTestServer, station, userWithToken } from './harness'

/** Waits until the newest `viewers` message the client got satisfies `check`. */
function viewersNow(live: LiveClient, check: (viewers: TicketViewer[]) => boolean) {
  const newest = () =>
    live.messages.findLast(
      (m): m is Extract<ServerLiveMessage, { type: 'viewers' }> => m.type === 'viewers',
    )
  return live.next((m) => m === newest() && check(m.viewers))
}

forEachBackend((backend) => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startTestServer(backend().db, { heartbeatMs: 200 })
  })
  afterAll(() => server.close())

  it('shows each agent who else has their ticket open, on another server process too, until they close it or go', async () => {
    const db = backend().db
    const [codeA, codeB] = [await station(db), await station(db)]
    const alice = await userWithToken(db, 'agent', { stationCode: codeA })
    const bob = await userWithToken(db, 'agent', { stationCode: codeB })
    const other = await startTestServer(backend().openPeer(), { heartbeatMs: 200 })
    try {
      const ticket = uuidv7()
      const a = await openLive(server, alice.token)
      const b = await openLive(other, bob.token)
      a.ws.send(JSON.stringify({ type: 'viewing', ticketIds: [ticket] }))
      await viewersNow(b, (v) =>
        v.some(
          (x) => x.ticketId === ticket && x.user === alice.username && x.stationCode === codeA,
        ),
      )
      b.ws.send(JSON.stringify({ type: 'viewing', ticketIds: [ticket] }))
      await viewersNow(a, (v) => v.some((x) => x.ticketId === ticket && x.user === bob.username))
      // Never oneself: each side hears of the other only.
      await viewersNow(a, (v) => !v.some((x) => x.user === alice.username))

      b.ws.send(JSON.stringify({ type: 'viewing', ticketIds: [] }))
      await viewersNow(a, (v) => !v.some((x) => x.user === bob.username))
      b.ws.send(JSON.stringify({ type: 'viewing', ticketIds: [ticket] }))
      await viewersNow(a, (v) => v.some((x) => x.user === bob.username))
      await b.close()
      await viewersNow(a, (v) => !v.some((x) => x.user === bob.username))
      await a.close()
    } finally {
      await other.close()
    }
  })

  it('refuses a viewing message that is not a list of ticket ids, and keeps the socket', async () => {
    const agent = await userWithToken(backend().db, 'agent')
    const live = await openLive(server, agent.token)
    const refusals = () =>
      live.messages.filter((m) => m.type === 'error' && m.code === 'invalid_message').length
    live.ws.send(JSON.stringify({ type: 'viewing', ticketIds: ['not-an-id'] }))
    live.ws.send(JSON.stringify({ type: 'viewing', ticketIds: Array.from({ length: 9 }, uuidv7) }))
    await live.next(() => refusals() === 2)
    expect(live.ws.readyState).toBe(live.ws.OPEN)
    await live.close()
  })
})
