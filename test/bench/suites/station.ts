/**
 * A new station against a central server on PostgreSQL 15 holding 100,000 tickets of history
 * (issue 13), in real Chromium on an on-disk profile:
 *   station.bootstrap_open_s  from an empty profile until usable: the open tickets stored, the
 *                             queue's first window read and a call logged
 *   station.bootstrap_100k_s  after that, the whole history in the background until the store
 *                             holds all of it and search finds it (its progress is what the
 *                             status bar shows); when the open tickets' words and the history's
 *                             rows were in is printed beside it
 * Each is printed beside its floors from the same run: the same snapshot pages asked for and
 * dropped (server and hand-over alone), and what the bootstrap writes put with bare IndexedDB,
 * relaxed, in transactions of the same size: the rows into an object store with the station's
 * ticket indexes, and for the history the search words of every row.
 *
 * The history is written straight into the server's tables (one unnest per batch, as a commit
 * writes them), from events made by the real rules and folded by the real fold.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { createSession, createUser } from '../../../src/server/accounts'
import { migrate } from '../../../src/server/db/migrations'
import { openPostgres } from '../../../src/server/db/postgres'
import type { Database } from '../../../src/server/db/database'
import { silentLogger, startServer } from '../../../src/server/index'
import { ServerClient } from '../../../src/main/station/server-client'
import { openTicket, resolve, type TicketEvent } from '../../../src/shared/incident'
import { applyEvent } from '../../../src/shared/incident/fold'
import type { Ticket } from '../../../src/shared/incident/ticket'
import type { SnapshotRequest } from '../../../src/shared/sync/wire'
import { bundleForBrowser, launchPersistentChromium, routePage } from '../../support/chromium'
import {
  accepted,
  completeResolution,
  phoneCall,
  testContext,
} from '../../support/incident-fixtures'
import { startPostgres } from '../../support/postgres'
import { progress, type Emit } from '../bench'
import type {} from '../browser/station-bench'

const TICKETS = 100_000
const OPEN = 3_000
const BATCH = 5_000
const PAGE = 2_000
const CHUNK = 500
const WORDS_CHUNK = 250
const ORIGIN = 'http://warmline-station-bench.test'
const NAMES = ['Dana Whitfield', 'James Smith', 'Mary Johnson', 'Robert Garcia', 'Linda Nguyen']
const WHAT = ['VPN', 'printer', 'email', 'wifi', 'password reset', 'projector', 'badge', 'Canvas']

const seconds = (ms: number) => Math.round(ms / 10) / 100

/** Ticket `i`: opened, and resolved unless it is one of the last OPEN. */
function history(i: number, ctx: ReturnType<typeof testContext>) {
  ctx.advance(60_000)
  const [opening] = accepted(
    openTicket(
      phoneCall({
        title: `${WHAT[i % WHAT.length]} not working in building ${i % 40}`,
        impact: (1 + (i % 4)) as 1 | 2 | 3 | 4,
        urgency: (1 + ((i >> 2) % 4)) as 1 | 2 | 3 | 4,
        caller: {
          ...phoneCall().caller,
          name: NAMES[i % NAMES.length]!,
          phone: `555${String(i).padStart(7, '0')}`,
        },
      }),
      `${ctx.station}-${i + 1}`,
      ctx,
    ),
  )
  const events: TicketEvent[] = [opening!]
  let ticket: Ticket = applyEvent(null, opening!)!
  if (i < TICKETS - OPEN) {
    ctx.advance(60_000)
    const resolved = accepted(resolve(ticket, completeResolution(), ctx))
    for (const event of resolved) ticket = applyEvent(ticket, event)!
    events.push(...resolved)
  }
  return { events, ticket }
}

async function seedHistory(db: Database): Promise<void> {
  const ctx = testContext('bench-agent', 'H1', Date.parse('2026-06-01T07:00:00.000Z'))
  const started = performance.now()
  for (let start = 0; start < TICKETS; start += BATCH) {
    const made = Array.from({ length: Math.min(BATCH, TICKETS - start) }, (_, k) =>
      history(start + k, ctx),
    )
    const events = made.flatMap((m) => m.events)
    const tickets = made.map((m) => m.ticket)
    await db.query(
      `WITH inserted AS (
         INSERT INTO events (id, ticket_id, body, received_at)
         SELECT u.id, u.ticket_id, u.body, $4
           FROM unnest($1::uuid[], $2::uuid[], $3::jsonb[]) WITH ORDINALITY AS u(id, ticket_id, body, ord)
          ORDER BY u.ord
         RETURNING ticket_id, seq)
       INSERT INTO tickets (id, body, number, state, updated_at, last_seq)
       SELECT t.id, t.body, t.number, t.state, t.updated_at,
              (SELECT max(i.seq) FROM inserted i WHERE i.ticket_id = t.id)
         FROM unnest($5::uuid[], $6::jsonb[], $7::text[], $8::text[], $9::int8[])
           AS t(id, body, number, state, updated_at)`,
      [
        events.map((e) => e.id),
        events.map((e) => e.ticketId),
        events.map((e) => JSON.stringify(e)),
        Date.now(),
        tickets.map((t) => t.id),
        tickets.map((t) => JSON.stringify(t)),
        tickets.map((t) => t.number),
        tickets.map((t) => t.state),
        tickets.map((t) => t.updatedAt),
      ],
    )
  }
  progress(
    `station: the server holds ${TICKETS.toLocaleString('en')} tickets (${OPEN.toLocaleString('en')} open), written in ${seconds(performance.now() - started)} s`,
  )
}

export async function run(emit: Emit): Promise<void> {
  const cluster = await startPostgres()
  const profile = mkdtempSync(path.join(tmpdir(), 'warmline-station-bench-'))
  try {
    const db = openPostgres(await cluster.createDatabase('station_bench'))
    await migrate(db, Date.now)
    await seedHistory(db)
    const server = await startServer({
      db,
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
      mailDir: path.join(profile, 'mail'),
    })
    try {
      const user = await createUser(
        db,
        {
          username: 'newstation',
          displayName: 'New Station',
          role: 'agent',
          password: 'bench-password-1',
        },
        Date.now(),
      )
      const { token } = await createSession(db, user, null, Date.now(), 3_600_000)
      const client = new ServerClient({ baseUrl: server.url, fetch: globalThis.fetch })
      const script = await bundleForBrowser('test/bench/browser/station-bench.ts')
      /** A fresh on-disk profile; main's part: the station's own client asks the server, and the page gets JSON, as over IPC. */
      async function inChromium<T>(name: string, work: (page: Page) => Promise<T>): Promise<T> {
        const context = await launchPersistentChromium(path.join(profile, name))
        try {
          await context.exposeFunction('warmlineSnapshot', async (request: SnapshotRequest) =>
            JSON.stringify(await client.snapshot(token, request)),
          )
          const url = await routePage(context, ORIGIN, { script, title: 'station bench' })
          const page = context.pages()[0] ?? (await context.newPage())
          page.on('pageerror', (error) => progress(`page error: ${error.message}`))
          await page.goto(url)
          await page.waitForFunction(() => window.stationBench !== undefined)
          return await work(page)
        } finally {
          await context.close()
        }
      }

      const { open, loaded } = await inChromium('station', async (page) => ({
        open: await page.evaluate(([p, c, w]) => window.stationBench.open(p, c, w), [
          PAGE,
          CHUNK,
          WORDS_CHUNK,
        ] as const),
        loaded: await page.evaluate(() => window.stationBench.history()),
      }))
      if (loaded.loaded < TICKETS)
        throw new Error(`history ended with ${loaded.loaded} of ${TICKETS} tickets`)
      // The floors in a browser of their own: the station's database, just written, is still
      // being compacted on disk, and would slow a write measured beside it.
      const floors = await inChromium('floor', async (page) => ({
        open: await page.evaluate(([p, c, w]) => window.stationBench.floor('open', p, c, w), [
          PAGE,
          CHUNK,
          WORDS_CHUNK,
        ] as const),
        all: await page.evaluate(([p, c, w]) => window.stationBench.floor('all', p, c, w), [
          PAGE,
          CHUNK,
          WORDS_CHUNK,
        ] as const),
      }))
      progress(
        `station: usable in ${seconds(open.ms)} s (${open.firstWindow} rows in the queue's first window); floors for the same ${floors.open.rows.toLocaleString('en')} open tickets: pages alone ${seconds(floors.open.fetchMs)} s, bare IndexedDB put ${seconds(floors.open.writeMs)} s (sum ${seconds(floors.open.fetchMs + floors.open.writeMs)} s, ratio ${(open.ms / (floors.open.fetchMs + floors.open.writeMs)).toFixed(2)})`,
      )
      emit({
        name: 'station.bootstrap_open_s',
        value: seconds(open.ms),
        unit: 's',
        goal: 2,
        better: 'lower',
      })
      progress(`station: history progress as shown: ${loaded.samples.slice(0, 6).join(' · ')} …`)
      progress(
        `station: the open tickets searchable ${seconds(loaded.ended.openWords ?? 0)} s after usable; the history's rows in at ${seconds(loaded.ended.history ?? 0)} s (floors: pages alone ${seconds(floors.all.fetchMs)} s, bare IndexedDB put of the rows ${seconds(floors.all.writeMs)} s)`,
      )
      const floor = Math.max(floors.all.fetchMs, floors.all.writeMs) + floors.all.wordsMs
      progress(
        `station: ${loaded.total.toLocaleString('en')} tickets of history in and searchable in ${seconds(loaded.ms)} s; floor: the larger of pages and rows, then the bare put of every row's search words ${seconds(floors.all.wordsMs)} s (sum ${seconds(floor)} s, ratio ${(loaded.ms / floor).toFixed(2)})`,
      )
      emit({
        name: 'station.bootstrap_100k_s',
        value: seconds(loaded.ms),
        unit: 's',
        goal: 30,
        better: 'lower',
      })
    } finally {
      await server.close()
    }
  } finally {
    await cluster.stop()
    rmSync(profile, { recursive: true, force: true })
  }
}
