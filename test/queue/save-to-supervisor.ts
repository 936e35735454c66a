/**
 * `sync.save_to_supervisor_p95_ms`: from an agent's save to the supervisor's store holding it,
 * through everything in between as on the floor — the agent's store, its browser host (the real
 * station services: outbox, sync agent, live socket), the central server on PostgreSQL, the
 * live message, the supervisor's station services, and the supervisor's renderer applying it
 * — while 200 more stations are connected to the server over WebSocket, each taking the events
 * off the live socket (pulling only to fill a gap) and reporting its presence, as stations do.
 * `sync.pulls_per_save` counts those stations' pulls per save and station.
 *
 * The central server and the 200 stations run in processes of their own, as they would on a
 * floor; the two measured stations' services run in this one, their pages in Chromium.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { startBrowserHost, type BrowserHost } from '../../src/main/browser-host'
import { MemoryCredentialStore } from '../../src/main/station/credentials'
import { launchStation, type LaunchedStation } from '../../src/main/station/launch'
import { openNodeSocket } from '../../src/main/station/live'
import { DEMO_PASSWORD } from '../../src/server/setup'
import { percentile, progress, type Emit } from '../bench/bench'
import { bundleForBrowser, launchPersistentChromium } from '../support/chromium'
import { centralServer, spawnTs, stop } from '../server/server-process'
import { startPostgres } from '../support/postgres'
import { seededRandom } from '../support/random'
import type {} from './browser/sync-bench-page'
import { serverApi } from './server-api'

const SIMULATED_STATIONS = 200
const SAVES = 60
const SEED = Number(process.env.BENCH_SEED ?? 20261127)

/** A station as `npm run web` runs it, serving the bench page instead of the desk. */
async function stationHost(
  server: string,
  dir: string,
  pageDir: string,
): Promise<{ station: LaunchedStation; host: BrowserHost }> {
  const station = await launchStation({
    dataDir: dir,
    serverUrl: server,
    startEmbeddedServer: () => Promise.reject(new Error('the bench runs its own central server')),
    shell: 'browser',
    version: 'bench',
    fetch: globalThis.fetch,
    openSocket: openNodeSocket,
    credentials: new MemoryCredentialStore(),
  })
  const host = await startBrowserHost({ services: station.services, rendererDir: pageDir, port: 0 })
  return { station, host }
}

async function openStationPage(context: BrowserContext, url: string): Promise<Page> {
  const page = context.pages()[0] ?? (await context.newPage())
  page.on('pageerror', (error) => progress(`page error: ${error.message}`))
  await page.goto(url)
  await page.waitForFunction(() => window.syncBench !== undefined)
  return page
}

export async function measureSaveToSupervisor(emit: Emit): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'warmline-sync-bench-'))
  const closers: (() => Promise<unknown> | void)[] = []
  try {
    progress('sync: bundling the station page')
    const pageDir = path.join(dir, 'page')
    mkdirSync(pageDir)
    writeFileSync(
      path.join(pageDir, 'entry.js'),
      await bundleForBrowser('test/queue/browser/sync-bench-page.ts'),
    )
    writeFileSync(
      path.join(pageDir, 'index.html'),
      '<!doctype html><html><head><meta charset="utf-8"><title>sync bench</title></head><body><script src="/entry.js"></script></body></html>',
    )

    const postgres = await startPostgres()
    closers.push(() => postgres.stop())
    const central = await centralServer(path.join(dir, 'server'), await postgres.createDatabase())
    closers.push(() => stop(central.child))
    const server = central.url
    const api = serverApi(server)
    const admin = await api.setUp('bench-admin-password')

    progress(`sync: connecting ${SIMULATED_STATIONS} simulated stations`)
    const simulated = spawnTs('test/queue/simulated-stations.ts', [
      server,
      admin,
      String(SIMULATED_STATIONS),
    ])
    closers.push(() => stop(simulated.child))
    if ((await simulated.lines.next()).value !== 'ready')
      throw new Error('the simulated stations did not connect')

    const pages: Page[] = []
    for (const [role, username] of [
      ['agent', 'agent1'],
      ['supervisor', 'super1'],
    ] as const) {
      const { station, host } = await stationHost(server, path.join(dir, role), pageDir)
      closers.push(
        () => station.close(),
        () => host.close(),
      )
      const context = await launchPersistentChromium(path.join(dir, `${role}-profile`))
      closers.push(() => context.close())
      const page = await openStationPage(context, host.url)
      const code = await api.issueCode(admin)
      await page.evaluate((c) => window.syncBench.start(c), {
        username,
        password: DEMO_PASSWORD,
        code,
        name: `Bench ${role}`,
      })
      pages.push(page)
    }
    const [agent, supervisor] = pages as [Page, Page]

    progress(`sync: ${SAVES} saves at the agent's station, one at a time`)
    const random = seededRandom(SEED)
    const latencies: number[] = []
    for (let i = 0; i < SAVES; i++) {
      const { ticketId, savedAt } = await agent.evaluate((n) => window.syncBench.save(n), i)
      const arrivedAt = await supervisor.evaluate((id) => window.syncBench.arrival(id), ticketId)
      latencies.push(arrivedAt - savedAt)
      await new Promise((resolve) => setTimeout(resolve, 100 + random.int(200)))
    }
    await stop(simulated.child)
    const counted = (await simulated.lines.next()).value as string | undefined
    const pulls = Number(/^pulls (\d+)$/.exec(counted ?? '')?.[1] ?? NaN)
    const round = (ms: number) => Math.round(ms * 10) / 10
    progress(
      `sync: save → supervisor n=${latencies.length} p50=${round(percentile(latencies, 50))} p95=${round(percentile(latencies, 95))} max=${round(Math.max(...latencies))} ms; simulated stations: ${pulls} pulls for ${SAVES} saves`,
    )
    emit({
      name: 'sync.save_to_supervisor_p95_ms',
      value: round(percentile(latencies, 95)),
      unit: 'ms',
      goal: 60,
      better: 'lower',
    })
    // Per save and station: 1 would be every station pulling after every save.
    emit({
      name: 'sync.pulls_per_save',
      value: Math.round((pulls / (SAVES * SIMULATED_STATIONS)) * 1000) / 1000,
      unit: 'pulls',
      goal: 0.1,
      better: 'lower',
    })
  } finally {
    for (const close of closers.reverse()) await close()
    rmSync(dir, { recursive: true, force: true })
  }
}
