/**
 * `sync.catch_up_50x8h_s`: 50 stations, each holding an 8-hour offline backlog (~300 events of its
 * own tickets: openings, tech and customer notes, escalations, resolutions), get the network back
 * at once; the figure is the time from then until every replica equals the central server.
 *
 * What runs: the central server on PostgreSQL 15 in this process, and the stations in processes
 * of their own (stations.ts), so the server does not share their thread. Each station is whole —
 * the real station services (fsync'd outbox, sync agent, server client, live socket), the
 * renderer's own Dexie store and sync — with the store on fake-indexeddb in Node, not Chromium's
 * IndexedDB: fifty Chromium profiles do not fit two cores, and the store's code is the same.
 * fake-indexeddb is slower per write than Chromium's IndexedDB, and here fifty stores share two
 * cores that a floor spreads over fifty machines, so the figure is pessimistic about the apply.
 *
 * "Equals the server" is checked, not assumed: the clock stops when the last store's cursor
 * reaches the server's highest seq (its pages are contiguous, so it then holds every event),
 * and afterwards each replica's tickets digest must equal the server projection's, its events
 * taken must be the server's count, and nothing may be pending; else the run fails.
 *
 * Beside it, the same run measures the peers it is held against: one station alone doing its share
 * (push its backlog, take the whole log into its store), and the server's own pull rate, as the
 * time the server alone takes to serve every replica the log.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { silentLogger, startServer, type RunningServer } from '../../../src/server/index'
import { ROUTES, pullResponseSchema } from '../../../src/shared/sync/wire'
import { progress, type Emit } from '../bench'
import { centralApi, hashTickets, projectionOf, setUpCentral } from '../../station/support/floor'
import { startPostgres } from '../../support/postgres'
import { startStations, type StationsProcess } from './children'
import type { ReplicaReport, StationsConfig } from './stations'

const STATIONS = 50
const BACKLOG_EVENTS = 300
/** Station processes: a few, so that none of them is a single thread for all fifty. */
const PROCESSES = 4
const SEED = Number(process.env.BENCH_SEED ?? 20261204)
const SETUP_MS = 1_200_000
const CATCH_UP_MS = 900_000

const now = () => performance.timeOrigin + performance.now()
const seconds = (ms: number) => Math.round(ms / 10) / 100

async function serverLog(server: RunningServer): Promise<{ count: number; top: number }> {
  const [row] = await server.db.query<{ count: number; top: number }>(
    'SELECT count(*)::int AS count, coalesce(max(seq), 0)::int AS top FROM events',
  )
  return row!
}

interface CatchUp {
  ms: number
  /** From the go until the server held every backlog. */
  pushedMs: number
  top: number
  count: number
  replicas: ReplicaReport[]
}

/** A process of stations, ready: each station's backlog, in the order of its stations. */
interface Ready {
  process: StationsProcess
  backlog: number[]
}

async function ready(process: StationsProcess): Promise<Ready> {
  return { process, backlog: (await process.next('ready', SETUP_MS)).backlog }
}

/** What each station's store last applied, by station index. */
function watchCursors(processes: readonly StationsProcess[]) {
  const cursors = new Map<number, { cursor: number; at: number }>()
  for (const p of processes)
    p.onMessage((message) => {
      if (message.type === 'cursor') cursors.set(message.index, message)
    })
  return cursors
}

/**
 * Lets the stations of `ready` go at once (numbered from `firstIndex`), waits until every store's
 * cursor reaches the server's highest seq, then checks each replica against the server.
 */
async function catchUp(
  server: RunningServer,
  ready: readonly Ready[],
  cursors: ReadonlyMap<number, { cursor: number; at: number }>,
  firstIndex: number,
): Promise<CatchUp> {
  const processes = ready.map((r) => r.process)
  const stations = ready.flatMap((r) => r.backlog)
  const before = await serverLog(server)
  const total = before.count + stations.reduce((n, b) => n + b, 0)
  const go = now()
  for (const p of processes) p.send('go')
  let log = before
  for (;;) {
    if (now() - go > CATCH_UP_MS) throw new Error(`no catch-up in ${CATCH_UP_MS} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    if (log.count < total) log = await serverLog(server)
    if (log.count < total) continue
    const behind = [...Array(stations.length).keys()].filter(
      (_, i) => (cursors.get(firstIndex + i)?.cursor ?? 0) < log.top,
    )
    if (behind.length === 0) break
  }
  const [received] = await server.db.query<{ at: number }>(
    'SELECT max(received_at)::float8 AS at FROM events',
  )
  const last = Math.max(...[...cursors.values()].map((c) => c.at))
  for (const p of processes) p.send('verify')
  const replicas = (await Promise.all(processes.map((p) => p.next('verified', SETUP_MS)))).flatMap(
    (v) => v.replicas,
  )
  const digest = hashTickets(await projectionOf(server.db))
  for (const r of replicas) {
    const problems = [
      r.digest !== digest && 'its tickets differ from the server projection',
      r.cursor !== log.top && `its cursor is ${r.cursor}, the server's highest seq ${log.top}`,
      r.pending !== 0 && `${r.pending} events still pending`,
      r.pushed.rejected !== 0 && `${r.pushed.rejected} events rejected`,
    ].filter(Boolean)
    if (problems.length > 0) throw new Error(`replica ${r.index}: ${problems.join('; ')}`)
  }
  return {
    ms: last - go,
    pushedMs: Number(received!.at) - go,
    top: log.top,
    count: log.count,
    replicas,
  }
}

/** Pulls the whole log in the largest pages, as one bare client: the server's own pull rate. */
async function pullRate(url: string, token: string): Promise<number> {
  let after = 0
  let events = 0
  const started = now()
  for (let page = 0; page < 10_000; page++) {
    const response = await fetch(`${url}${ROUTES.events}?after=${after}&limit=1000`, {
      headers: { authorization: `Bearer ${token}` },
    })
    const body = pullResponseSchema.parse(await response.json())
    events += body.events.length
    after = body.next
    if (body.upToDate) break
  }
  return events / ((now() - started) / 1000)
}

const sum = (replicas: readonly ReplicaReport[], of: (r: ReplicaReport) => number) =>
  replicas.reduce((n, r) => n + of(r), 0)
const range = (replicas: readonly ReplicaReport[], of: (r: ReplicaReport) => number) => {
  const values = replicas.map(of)
  return `${Math.min(...values)}–${Math.max(...values)}`
}

export async function measureCatchUp(emit: Emit): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'warmline-catch-up-'))
  const cluster = await startPostgres()
  const running: StationsProcess[] = []
  try {
    const server = await startServer({
      databaseUrl: await cluster.createDatabase('catchup'),
      host: '127.0.0.1',
      port: 0,
      logger: silentLogger,
      mailDir: path.join(dir, 'mail'),
    })
    try {
      const api = centralApi(server.url, await setUpCentral(server.url))
      const config = (stations: StationsConfig['stations']): StationsConfig => ({
        url: server.url,
        port: server.port,
        adminToken: api.adminToken,
        dir,
        seed: SEED,
        events: BACKLOG_EVENTS,
        stations,
      })
      const agents = Array.from({ length: STATIONS + 1 }, (_, index) => ({
        index,
        username: `agent${String(index).padStart(2, '0')}`,
      }))
      for (const { username } of agents) await api.createAgent(username)

      progress(
        `sync: ${STATIONS} stations in ${PROCESSES} processes, each taking an 8-hour backlog of ~${BACKLOG_EVENTS} events offline (seed ${SEED}; BENCH_SEED overrides)`,
      )
      // Station i is in process i % PROCESSES; the peer, offline as long, waits in its own.
      const floor = Array.from({ length: PROCESSES }, (_, p) =>
        startStations(config(agents.slice(0, STATIONS).filter((_, i) => i % PROCESSES === p))),
      )
      const alone = startStations(config(agents.slice(STATIONS)))
      running.push(...floor, alone)
      const cursors = watchCursors(running)
      // Every process is waited on from the start: a `ready` nobody waits for yet is not kept.
      const [aloneReady, ...floorReady] = await Promise.all([alone, ...floor].map(ready))
      const all = await catchUp(server, floorReady, cursors, 0)
      await Promise.all(floor.map((p) => p.exited()))

      progress('sync: the peer, one more station catching up alone with the same backlog')
      const single = await catchUp(server, [aloneReady!], cursors, STATIONS)
      await alone.exited()
      const rate = await pullRate(server.url, api.adminToken)

      const r = all.replicas
      const delivered = sum(r, (x) => x.added + x.confirmed)
      progress(
        `sync: catch-up ${seconds(all.ms)} s (every backlog on the server after ${seconds(all.pushedMs)} s); ` +
          `peers, same run: one station alone ${seconds(single.ms)} s (its ${single.replicas[0]!.pushed.applied} events on the server after ${seconds(single.pushedMs)} s; took ${single.count} into its store: ${seconds(single.replicas[0]!.applyMs)} s applying, ${seconds(single.replicas[0]!.pullMs)} s waiting for pages), ` +
          `the server serving all ${delivered} replica events at its own pull rate (${Math.round(rate)} events/s) ${seconds((delivered / rate) * 1000)} s, ` +
          `and this machine's floor for ${STATIONS} replicas applying at the lone station's rate on its ${availableParallelism()} cores ${seconds((single.replicas[0]!.applyMs * STATIONS) / availableParallelism())} s (a floor spreads them over ${STATIONS} machines)`,
      )
      progress(
        `sync: ${sum(r, (x) => x.pushed.applied)} events pushed (${sum(r, (x) => x.pushed.duplicate)} more answered duplicate) in ${sum(r, (x) => x.pushes)} pushes; ` +
          `each replica took ${range(r, (x) => x.added + x.confirmed)} events (${range(r, (x) => x.live)} off the live socket) ` +
          `up to seq ${all.top}; ${sum(r, (x) => x.pulls)} pulls (${range(r, (x) => x.pulls)} a station); ` +
          `per station ${range(r, (x) => Math.round(x.applyMs / 1000))} s applying pages, ${range(r, (x) => Math.round(x.pullMs / 1000))} s waiting for pulled pages; ` +
          `every replica's digest equals the server's over ${r[0]!.tickets} tickets`,
      )
      emit({
        name: 'sync.catch_up_50x8h_s',
        value: seconds(all.ms),
        unit: 's',
        goal: 10,
        better: 'lower',
      })
    } finally {
      await Promise.all(running.map((p) => p.exited()))
      await server.close()
    }
  } finally {
    await cluster.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
