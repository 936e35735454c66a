/**
 * The central server on a real PostgreSQL 15 (a throwaway cluster, fsync off as in
 * PERFORMANCE-NOTES.md), over HTTP on loopback, as stations use it:
 *   server.push_events_per_s     4 stations pushing batches of 100 at once (goal ≥ 20,000)
 *   server.push_vs_raw_ratio     that rate over a bare unnest insert of the same rows, same run
 *   server.pull_events_per_s     one station pulling the whole log in pages of 1,000
 *   server.poke_latency_p95_ms   a one-event push until a WebSocket client on the server hears of it
 *
 * The server is its command line in a process of its own (request log and all), as on a floor,
 * where the stations are other machines: what is measured is the server's work, not its clients'.
 * The stations (and the peer's inserts) run in this process. The peer is the same rows, batch for
 * batch, 4 at once over a pool of this process, so both sides pay the same client and loopback.
 * Beside the push rate it prints the CPU each event pushed cost the server process and PostgreSQL,
 * which a loaded machine moves far less than the rate. To profile the server:
 * WARMLINE_SERVER_CPU_PROF=<folder> (server-process.ts).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Database } from '../../../src/server/db/database'
import { openPostgres } from '../../../src/server/db/postgres'
import type { TicketEvent } from '../../../src/shared/incident/events'
import { ROUTES, type PullResponse } from '../../../src/shared/sync/wire'
import { call, heardUpTo, openLive, push, station, userWithToken } from '../../server/client'
import { stationAuthor, ticketHistory } from '../../server/events'
import { centralServer, stop } from '../../server/server-process'
import { startPostgres } from '../../support/postgres'
import { percentile, progress, type Emit } from '../bench'

const STATIONS = 4
const BATCHES_PER_STATION = 50
const BATCH = 100
const WARMUP_BATCHES = 5
const POKES = 200

/**
 * The peer figure for the push: the same rows, batch for batch and as many batches at once, put
 * into a copy of the events table (same indexes, same identity) by one bare `unnest` insert each,
 * with no validation, projection or lock. What the push costs above this is the server's own.
 */
async function rawInsertRate(db: Database, batches: readonly TicketEvent[][][]): Promise<number> {
  await db.query('CREATE TABLE raw_events (LIKE events INCLUDING ALL)')
  try {
    const started = performance.now()
    await Promise.all(
      batches.map(async (mine) => {
        for (const batch of mine) {
          await db.query(
            `INSERT INTO raw_events (id, ticket_id, body, received_at)
             SELECT u.id, u.ticket_id, u.body, $4 FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) AS u(id, ticket_id, body)`,
            [
              batch.map((e) => e.id),
              batch.map((e) => e.ticketId),
              batch.map((e) => JSON.stringify(e)),
              Date.now(),
            ],
          )
        }
      }),
    )
    const rows = batches.reduce((n, mine) => n + mine.reduce((m, batch) => m + batch.length, 0), 0)
    return rows / ((performance.now() - started) / 1000)
  } finally {
    await db.query('DROP TABLE raw_events')
  }
}

/**
 * CPU seconds a process has used (Linux /proc, at 100 ticks a second), 0 where it cannot be read:
 * what a push costs each side however loaded the machine is, which its rate is not.
 */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const [utime, stime] = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 13)
    return (Number(utime) + Number(stime)) / 100
  } catch {
    return 0
  }
}

/** The server process's CPU and its database's (every backend serving it) so far. */
async function cpuSoFar(db: Database, server: number): Promise<{ server: number; db: number }> {
  const backends = await db.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  )
  return {
    server: cpuSeconds(server),
    db: backends.reduce((sum, { pid }) => sum + cpuSeconds(pid), 0),
  }
}

export async function run(emit: Emit): Promise<void> {
  const cluster = await startPostgres()
  const dir = mkdtempSync(join(tmpdir(), 'warmline-server-bench-'))
  try {
    const databaseUrl = await cluster.createDatabase('bench')
    const { child, url } = await centralServer(dir, databaseUrl)
    const server = { url }
    // The bench's own connection: users, stations and the peer's inserts.
    const db = openPostgres(databaseUrl)
    try {
      const pushers = await Promise.all(
        Array.from({ length: STATIONS }, async () => {
          const code = await station(db)
          const user = await userWithToken(db, 'agent', { stationCode: code })
          const ctx = stationAuthor(user.username, code)
          // Ten tickets of ten events (an opening and nine notes) per batch.
          const batches = Array.from({ length: BATCHES_PER_STATION + WARMUP_BATCHES }, () =>
            Array.from({ length: BATCH / 10 }, () => ticketHistory(ctx, 9)).flat(),
          )
          return { user, batches }
        }),
      )
      progress(`server: pushing ${STATIONS} × ${BATCHES_PER_STATION} batches of ${BATCH}`)
      for (const { user, batches } of pushers) {
        for (const batch of batches.splice(0, WARMUP_BATCHES)) await push(server, user.token, batch)
      }
      const measured = pushers.map(({ batches }) => [...batches])
      const cpuBefore = await cpuSoFar(db, child.pid!)
      const pushStart = performance.now()
      await Promise.all(
        pushers.map(async ({ user, batches }) => {
          for (const batch of batches) {
            const reply = await push(server, user.token, batch)
            if (!reply.results.every((r) => r.status === 'applied'))
              throw new Error('a bench event was not applied')
          }
        }),
      )
      const pushSeconds = (performance.now() - pushStart) / 1000
      const cpuAfter = await cpuSoFar(db, child.pid!)
      const pushRate = (STATIONS * BATCHES_PER_STATION * BATCH) / pushSeconds
      const perEvent = (seconds: number) =>
        Math.round((seconds * 1e6) / (STATIONS * BATCHES_PER_STATION * BATCH))
      progress(
        `server: CPU per event pushed: ${perEvent(cpuAfter.server - cpuBefore.server)} µs in the server process, ${perEvent(cpuAfter.db - cpuBefore.db)} µs in PostgreSQL`,
      )
      const rawRate = await rawInsertRate(db, measured)
      progress(
        `server: push ${Math.round(pushRate)} events/s; raw unnest insert of the same rows, as many at once: ${Math.round(rawRate)} events/s`,
      )
      emit({
        name: 'server.push_events_per_s',
        value: Math.round(pushRate),
        unit: 'events/s',
        goal: 20000,
        better: 'higher',
      })
      emit({
        name: 'server.push_vs_raw_ratio',
        value: Math.round((pushRate / rawRate) * 100) / 100,
        unit: 'ratio',
        goal: 0.5,
        better: 'higher',
      })

      const reader = pushers[0]!.user
      let cursor = 0
      let pulled = 0
      const pullStart = performance.now()
      for (let page = 0; page < 1000; page++) {
        const reply = await call<PullResponse>(
          server,
          'GET',
          `${ROUTES.events}?after=${cursor}&limit=1000`,
          { token: reader.token },
        )
        pulled += reply.body.events.length
        cursor = reply.body.next
        if (reply.body.upToDate) break
      }
      emit({
        name: 'server.pull_events_per_s',
        value: Math.round(pulled / ((performance.now() - pullStart) / 1000)),
        unit: 'events/s',
        goal: 20000,
        better: 'higher',
      })

      const live = await openLive(server, reader.token)
      const ctx = stationAuthor(
        reader.username,
        (
          await db.query<{ station_code: string }>(
            'SELECT station_code FROM sessions WHERE username = $1',
            [reader.username],
          )
        )[0]!.station_code,
      )
      const latencies: number[] = []
      for (let i = 0; i < POKES; i++) {
        const [event] = ticketHistory(ctx, 0)
        const started = performance.now()
        const reply = await push(server, reader.token, [event])
        const seq = (reply.results[0] as { seq: number }).seq
        await live.next(heardUpTo(seq))
        latencies.push(performance.now() - started)
      }
      await live.close()
      emit({
        name: 'server.poke_latency_p95_ms',
        value: Math.round(percentile(latencies, 95) * 10) / 10,
        unit: 'ms',
        goal: 50,
        better: 'lower',
      })
    } finally {
      await db.close()
      await stop(child)
    }
  } finally {
    await cluster.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
