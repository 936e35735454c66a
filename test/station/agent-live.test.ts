/**
 * The agent relays a commit's events off the live socket to the renderer, except while the
 * renderer is pulling: then the pull brings those events, and the agent only says a commit
 * landed (`sync.remoteChanged` with its seq), so a station catching up does not take every
 * commit's events across the process boundary twice. And the pull itself is answered from the
 * commits the live socket brought, where they follow the cursor asked for, not from the server.
 */
import path from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { SyncAgent } from '../../src/main/station/agent'
import type { LiveSocket } from '../../src/main/station/live'
import { Outbox } from '../../src/main/station/outbox'
import { systemScheduler } from '../../src/main/station/scheduler'
import { ServerClient } from '../../src/main/station/server-client'
import { SetAsideEvents } from '../../src/main/station/set-aside'
import type { StationEvent } from '../../src/shared/station-api'
import { stationAuthor, ticketHistory } from '../server/events'
import { tempDir } from './support/station'

let dir: Awaited<ReturnType<typeof tempDir>>
let agent: SyncAgent
let outbox: Outbox
let socket: LiveSocket
let answerPull: () => void
let pulls = 0
const heard: { event: StationEvent; payload: unknown }[] = []

const page = { events: [], next: 0, upToDate: true }

beforeEach(async () => {
  dir = await tempDir('agent-live')
  heard.length = 0
  pulls = 0
  outbox = await Outbox.open(path.join(dir.dir, 'outbox.jsonl'))
  agent = new SyncAgent({
    outbox,
    setAside: await SetAsideEvents.open(path.join(dir.dir, 'set-aside.json')),
    client: new ServerClient({
      baseUrl: 'http://127.0.0.1:9',
      // A pull that the server answers when the test says so.
      fetch: () =>
        new Promise((resolve) => {
          pulls++
          answerPull = () => resolve(Response.json(page))
        }),
    }),
    credentials: () => ({ username: 'ann', token: 't', stationCode: 'A1' }),
    tokenRejected: async () => undefined,
    openSocket: () => {
      socket = {
        onopen: null,
        onmessage: null,
        onclose: null,
        onerror: null,
        send: () => undefined,
        close: () => undefined,
      }
      return socket
    },
    scheduler: systemScheduler,
    random: Math.random,
    emit: (event, payload) => heard.push({ event, payload }),
  })
  agent.start()
  socket.onopen!({})
})

afterEach(async () => {
  await agent.stop()
  await outbox.close()
  await dir.remove()
})

function commit(after: number): { seq: number; event: unknown }[] {
  const events = ticketHistory(stationAuthor('bob', 'B1'), 1).map((event, i) => ({
    seq: after + i + 1,
    event,
  }))
  socket.onmessage!({
    data: JSON.stringify({ type: 'events', after, next: after + events.length, events }),
  })
  return events
}

const live = () => heard.filter((h) => h.event.startsWith('sync.remote'))

it('relays a commit while no pull runs, and only its news during a pull', async () => {
  heard.length = 0
  const first = commit(0)
  expect(live()).toEqual([
    { event: 'sync.remoteEvents', payload: { after: 0, next: 2, events: first } },
  ])

  heard.length = 0
  const pulling = agent.nextPage(2)
  commit(2)
  expect(live()).toEqual([{ event: 'sync.remoteChanged', payload: { seq: 4 } }])

  answerPull()
  await pulling
  heard.length = 0
  const third = commit(4)
  expect(live()).toEqual([
    { event: 'sync.remoteEvents', payload: { after: 4, next: 6, events: third } },
  ])
})

it('answers a pull from the live commits that follow its cursor, and asks the server for the rest', async () => {
  const first = commit(0)
  const second = commit(2)
  expect(await agent.nextPage(0)).toEqual({
    events: [...first, ...second],
    next: 4,
    upToDate: false,
  })
  expect(await agent.nextPage(0, 3)).toEqual({ events: first, next: 2, upToDate: false })
  expect(pulls).toBe(0)

  // Past what the socket brought, and from a cursor no commit starts at: the server answers.
  for (const after of [4, 1]) {
    const pulled = agent.nextPage(after)
    answerPull()
    expect(await pulled).toEqual(page)
  }
  expect(pulls).toBe(2)
})
