/** The live socket: authentication, pokes after commits (across server processes), presence. */
import { afterAll, beforeAll, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { RunningServer } from '../../src/server/index'
import { ROUTES, type StationPresence } from '../../src/shared/sync/wire'
import { openedTicket, stationAuthor } from './events'
import {
  call,
  forEachBackend,
  openLive,
  push,
  startTestServer,
  station,
  userWithToken,
} from './harness'

function upgradeStatus(server: RunningServer, protocols: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + ROUTES.live, protocols)
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      ws.terminate()
    })
    ws.once('open', () => {
      ws.close()
      resolve(101)
    })
    ws.once('error', () => {})
    setTimeout(() => reject(new Error('no answer to the upgrade')), 5000).unref()
  })
}

forEachBackend((backend) => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startTestServer(backend().db, { heartbeatMs: 200 })
  })
  afterAll(() => server.close())

  it('refuses a socket without a valid token', async () => {
    const { token } = await userWithToken(backend().db, 'agent')
    expect(await upgradeStatus(server, [])).toBe(401)
    expect(await upgradeStatus(server, ['bearer.nonsense'])).toBe(401)
    expect(await upgradeStatus(server, [`bearer.${token}`])).toBe(101)
  })

  it('pokes with the newest seq after a push, on this process and on another one', async () => {
    const code = await station(backend().db)
    const agent = await userWithToken(backend().db, 'agent', { stationCode: code })
    // A second server process on the same database, with its own connections.
    const other = await startTestServer(backend().openPeer())
    try {
      const here = await openLive(server, agent.token)
      const there = await openLive(other, agent.token)
      const first = await here.next((m) => m.type === 'poke')
      await there.next((m) => m.type === 'poke')
      const reply = await push(server, agent.token, [
        openedTicket(stationAuthor(agent.username, code)).event,
      ])
      const seq = (reply.results[0] as { seq: number }).seq
      expect(seq).toBeGreaterThan((first as { seq: number }).seq)
      await here.next((m) => m.type === 'poke' && m.seq >= seq)
      await there.next((m) => m.type === 'poke' && m.seq >= seq)

      const back = await push(other, agent.token, [
        openedTicket(stationAuthor(agent.username, code)).event,
      ])
      const backSeq = (back.results[0] as { seq: number }).seq
      await here.next((m) => m.type === 'poke' && m.seq >= backSeq)
      await here.close()
      await there.close()
    } finally {
      await other.close()
    }
  })

  it('shows supervisors which stations are online and what they hold', async () => {
    const code = await station(backend().db)
    const agent = await userWithToken(backend().db, 'agent', { stationCode: code })
    const supervisor = await userWithToken(backend().db, 'supervisor')
    const floor = await openLive(server, supervisor.token)
    floor.ws.send(JSON.stringify({ type: 'watch_stations' }))
    const mine = (
      m: { type: string; stations?: StationPresence[] },
      check: (s: StationPresence) => boolean,
    ) => m.type === 'stations' && (m.stations ?? []).some((s) => s.stationCode === code && check(s))
    await floor.next((m) => mine(m, (s) => !s.online && s.connectedAt === 0))

    const desk = await openLive(server, agent.token)
    await floor.next((m) => mine(m, (s) => s.online && s.user === agent.username))
    desk.ws.send(
      JSON.stringify({ type: 'report', pending: 7, lastSyncAt: 1_700_000_000_000, setAside: 2 }),
    )
    await floor.next((m) =>
      mine(m, (s) => s.pending === 7 && s.lastSyncAt === 1_700_000_000_000 && s.setAside === 2),
    )
    const listed = await call<{ stations: StationPresence[] }>(server, 'GET', ROUTES.stations, {
      token: supervisor.token,
    })
    expect(listed.body.stations.find((s) => s.stationCode === code)).toMatchObject({
      online: true,
      pending: 7,
      setAside: 2,
    })

    await desk.close()
    await floor.next((m) => mine(m, (s) => !s.online && s.pending === 7))
    await floor.close()
  })

  it('answers an agent asking for the floor view with an error, and ignores a report from a session without a station', async () => {
    const agent = await userWithToken(backend().db, 'agent')
    const live = await openLive(server, agent.token)
    live.ws.send(JSON.stringify({ type: 'watch_stations' }))
    await live.next((m) => m.type === 'error' && m.code === 'forbidden')
    live.ws.send(JSON.stringify({ type: 'report', pending: 1, lastSyncAt: null }))
    live.ws.send('{not json')
    await live.next((m) => m.type === 'error' && m.code === 'malformed_json')
    // Messages are handled in order: had the report been answered, its error would be listed here.
    const errors = live.messages.flatMap((m) => (m.type === 'error' ? [m.code] : []))
    expect(errors).toEqual(['forbidden', 'malformed_json'])
    await live.close()
  })
})
