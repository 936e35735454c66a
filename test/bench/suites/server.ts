/**
 * The central server on a real PostgreSQL 15 (a throwaway cluster, fsync off as in
 * PERFORMANCE-NOTES.md), over HTTP on loopback, as stations use it:
 *   server.push_events_per_s     4 stations pushing batches of 100 at once (goal ≥ 5,000)
 *   server.pull_events_per_s     one station pulling the whole log in pages of 1,000
 *   server.poke_latency_p95_ms   a one-event push until a WebSocket client on the server hears the poke
 */
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger, startServer } from '../../../src/server/index'
import { ROUTES, type PullResponse } from '../../../src/shared/sync/wire'
import { call, heardUpTo, openLive, push, station, userWithToken } from '../../server/client'
import { stationAuthor, ticketHistory } from '../../server/events'
import { startPostgres } from '../../support/postgres'
import { percentile, progress, type Emit } from '../bench'

const STATIONS = 4
const BATCHES_PER_STATION = 50
const BATCH = 100
const WARMUP_BATCHES = 5
const POKES = 200

export async function run(emit: Emit): Promise<void> {
  const cluster = await startPostgres()
  try {
    const server = await startServer({
      databaseUrl: await cluster.createDatabase('bench'),
      logger: silentLogger,
      mailDir: join(tmpdir(), 'warmline-bench-mail'),
    })
    try {
      const pushers = await Promise.all(
        Array.from({ length: STATIONS }, async () => {
          const code = await station(server.db)
          const user = await userWithToken(server.db, 'agent', { stationCode: code })
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
      emit({
        name: 'server.push_events_per_s',
        value: Math.round((STATIONS * BATCHES_PER_STATION * BATCH) / pushSeconds),
        unit: 'events/s',
        goal: 5000,
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
          await server.db.query<{ station_code: string }>(
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
      await server.close()
    }
  } finally {
    await cluster.stop()
  }
}
