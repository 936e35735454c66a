/**
 * The live socket: authentication, each commit's events (across server processes, a poke when too
 * large), presence.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { RunningServer } from '../../src/server/index'
import { MAX_LIVE_EVENT_BYTES } from '../../src/server/live-stream'
import {
  ROUTES,
  type LiveEventsMessage,
  type ServerLiveMessage,
  type StationPresence,
} from '../../src/shared/sync/wire'
import { openedTicket, stationAuthor } from './events'
import {
  call,
  forEachBackend,
  heardUpTo,
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

  it('carries each commit’s events, chained by seq, on this process and on another one', async () => {
    const code = await station(backend().db)
    const agent = await userWithToken(backend().db, 'agent', { stationCode: code })
    // A second server process on the same database, with its own connections.
    const other = await startTestServer(backend().openPeer())
    try {
      const here = await openLive(server, agent.token)
      const there = await openLive(other, agent.token)
      const first = await here.next((m) => m.type === 'poke')
      await there.next((m) => m.type === 'poke')
      const author = stationAuthor(agent.username, code)
      const sent = [openedTicket(author).event, openedTicket(author).event]
      const reply = await push(server, agent.token, sent)
      const seqs = reply.results.map((r) => (r as { seq: number }).seq)
      expect(seqs[0]).toBeGreaterThan((first as { seq: number }).seq)
      const commit = (m: ServerLiveMessage) => m.type === 'events' && m.next === seqs[1]
      for (const live of [here, there]) {
        const heard = (await live.next(commit)) as LiveEventsMessage
        expect(heard.events).toEqual([
          { seq: seqs[0], event: JSON.parse(JSON.stringify(sent[0])) },
          { seq: seqs[1], event: JSON.parse(JSON.stringify(sent[1])) },
        ])
      }

      const back = await push(other, agent.token, [openedTicket(author).event])
      const backSeq = (back.results[0] as { seq: number }).seq
      const heard = (await here.next(heardUpTo(backSeq))) as LiveEventsMessage
      // The next commit follows on from this one: a station at seqs[1] knows it misses nothing.
      expect(heard).toMatchObject({ type: 'events', after: seqs[1], next: backSeq })
      expect(heard.events.map((e) => e.seq)).toEqual([backSeq])
      await here.close()
      await there.close()
    } finally {
      await other.close()
    }
  })

  it('pokes instead when a commit is too large to carry, and a station pulls it', async () => {
    const code = await station(backend().db)
    const agent = await userWithToken(backend().db, 'agent', { stationCode: code })
    const live = await openLive(server, agent.token)
    const author = stationAuthor(agent.username, code)
    const long = 'The caller read out the full error log. '.repeat(400)
    const events = Array.from(
      { length: 30 },
      () => openedTicket(author, { description: long }).event,
    )
    const bytes = JSON.stringify(events).length
    expect(bytes).toBeGreaterThan(MAX_LIVE_EVENT_BYTES)
    const reply = await push(server, agent.token, events)
    const seqs = reply.results.map((r) => (r as { seq: number }).seq)
    const heard = await live.next(heardUpTo(seqs[seqs.length - 1]!))
    expect(heard).toEqual({ type: 'poke', seq: seqs[seqs.length - 1] })
    const pulled = await call<{ events: { seq: number }[] }>(
      server,
      'GET',
      `${ROUTES.events}?after=${seqs[0]! - 1}&limit=30`,
      { token: agent.token },
    )
    expect(pulled.body.events.map((e) => e.seq)).toEqual(seqs)
    await live.close()
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
