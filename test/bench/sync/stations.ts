/**
 * A process of catch-up stations for `sync.catch_up_50x8h_s`. Each is a whole station as the
 * integration tests run one (test/station/support/floor.ts): the real station services (outbox,
 * sync agent, server client, live socket), the renderer's Dexie store on fake-indexeddb and the
 * renderer's sync, behind its own TCP link to the server.
 *
 *   tsx test/bench/sync/stations.ts '<json: {url, port, adminToken, dir, seed, events, stations}>'
 *
 * Talks JSON lines. Out: `ready` once every station is enrolled, signed in, cut off and holds its
 * backlog (recorded in its store, handed over to main's outbox); then one `cursor` line per page a
 * store applies; `verified` with each replica's digest and counts. In (stdin): `go` restores every
 * link and tells each agent to retry now (the network is back); `verify`; `exit`.
 */
import { createInterface } from 'node:readline'
import type { TicketEvent } from '../../../src/shared/incident/events'
import {
  centralApi,
  enrollAndSignIn,
  hashTickets,
  openStation,
  type TestStation,
} from '../../station/support/floor'
import { DEFAULT_BACKOFF } from '../../../src/main/station/scheduler'
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../../../src/main/station/server-client'
import { eventually } from '../../station/support/station'
import { shiftBacklog } from './backlog'

export interface StationsConfig {
  url: string
  port: number
  adminToken: string
  dir: string
  seed: number
  /** Events in each station's backlog (about: whole tickets). */
  events: number
  stations: { index: number; username: string }[]
}

export type StationsMessage =
  | { type: 'ready'; backlog: number[] }
  | { type: 'cursor'; index: number; cursor: number; at: number }
  | { type: 'verified'; replicas: ReplicaReport[] }

export interface ReplicaReport {
  index: number
  cursor: number
  digest: string
  tickets: number
  /** Events the store took from pages: others' (added) and its own confirmed. */
  added: number
  confirmed: number
  /** Of those, the ones that came on the live socket rather than a pull. */
  live: number
  pending: number
  pushed: { applied: number; duplicate: number; rejected: number }
  /** Wall time inside the store applying pages, and waiting on main for pulled pages. */
  applyMs: number
  pullMs: number
  pushes: number
  pulls: number
}

const config = JSON.parse(process.argv[2] ?? '') as StationsConfig
const say = (message: StationsMessage) => process.stdout.write(`${JSON.stringify(message)}\n`)
const now = () => performance.timeOrigin + performance.now()

/** Requests the server answered, per station: told apart by the port of the station's link. */
const requests = new Map<string, { pushes: number; pulls: number }>()
const fetchThrough = globalThis.fetch
globalThis.fetch = async (input, init) => {
  const response = await fetchThrough(input, init)
  const url = new URL(input instanceof Request ? input.url : String(input))
  if (url.pathname.endsWith('/events')) {
    const counts = requests.get(url.port) ?? { pushes: 0, pulls: 0 }
    requests.set(url.port, counts)
    if ((init?.method ?? 'GET') === 'POST') counts.pushes++
    else counts.pulls++
  }
  return response
}

interface Replica {
  index: number
  station: TestStation
  backlog: number
  counts: Omit<ReplicaReport, 'index' | 'cursor' | 'digest' | 'tickets' | 'pending' | 'pulls' | 'pushes'>
}

async function open({ index, username }: StationsConfig['stations'][number]): Promise<Replica> {
  const central = centralApi(config.url, config.adminToken)
  const station = await openStation({
    name: `S${index}`,
    baseDir: config.dir,
    central: { port: config.port },
    username,
    onError: (error) => console.error(`[station ${index}]`, error),
    // A station's own timeouts and backoff, not the tests' quick ones: under a floor's load, a
    // push that times out is pushed again, and how soon is part of what is measured.
    services: { backoff: DEFAULT_BACKOFF, requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS },
  })
  await enrollAndSignIn(station, central)
  const counts: Replica['counts'] = {
    added: 0,
    confirmed: 0,
    live: 0,
    pushed: { applied: 0, duplicate: 0, rejected: 0 },
    applyMs: 0,
    pullMs: 0,
  }
  station.api.on('sync.results', ({ results }) => {
    for (const result of results) counts.pushed[result.status]++
  })
  // The store the renderer's sync applies into, watched from outside: each page it applies.
  const store = station.store
  const apply = store.applyRemotePage.bind(store)
  let last = -1
  store.applyRemotePage = async (page) => {
    const started = now()
    const result = await apply(page)
    counts.applyMs += now() - started
    counts.added += result.added
    counts.confirmed += result.confirmed
    if (page.after !== undefined) counts.live += result.added + result.confirmed
    if (result.cursor !== last) {
      last = result.cursor
      say({ type: 'cursor', index, cursor: result.cursor, at: now() })
    }
    return result
  }

  const nextPage = station.api.sync.nextPage.bind(station.api.sync)
  station.api.sync.nextPage = async (request) => {
    const started = now()
    try {
      return await nextPage(request)
    } finally {
      counts.pullMs += now() - started
    }
  }

  // Eight hours offline: the cable is pulled, the agent works on.
  await station.link.cut()
  const stationCode = (await station.store.stationCode())!
  const backlog: TicketEvent[] = shiftBacklog(
    username,
    stationCode,
    config.events,
    config.seed + index,
  )
  const { recorded } = await station.store.recordEvents(backlog)
  await station.sync.handOver(recorded)
  await eventually(
    `station ${index}'s outbox to hold its backlog`,
    async () => (await station.api.sync.status({})).pending === backlog.length,
  )
  return { index, station, backlog: backlog.length, counts }
}

async function verify(replica: Replica): Promise<ReplicaReport> {
  const { station, index, counts } = replica
  const tickets = await station.tickets()
  const fetched = requests.get(String(station.link.port)) ?? { pushes: 0, pulls: 0 }
  return {
    index,
    cursor: await station.store.getCursor(),
    digest: hashTickets(tickets),
    tickets: tickets.length,
    ...counts,
    pending: (await station.store.pendingCount()) + (await station.api.sync.status({})).pending,
    ...fetched,
  }
}

const replicas: Replica[] = []
for (const station of config.stations) replicas.push(await open(station))
say({ type: 'ready', backlog: replicas.map((r) => r.backlog) })

for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'go') {
    await Promise.all(replicas.map((r) => r.station.link.restore()))
    for (const { station } of replicas) await station.api.sync.retryNow({})
  } else if (line === 'verify') {
    const reports: ReplicaReport[] = []
    for (const replica of replicas) reports.push(await verify(replica))
    say({ type: 'verified', replicas: reports })
  } else if (line === 'exit') {
    for (const { station } of replicas) await station.close()
    break
  }
}
