/**
 * The supervisors' live queue (issue 6), in real Chromium on an on-disk profile:
 *   queue.load_10k_ms              a fresh supervisor page loads 10,000 open tickets from IndexedDB
 *   queue.first_render_10k_ms      the Live Queue mounted over them: render, commit, layout (median of 5)
 *   queue.row_update_ms            one live change with 10,000 rows: change feed → row on screen (p95)
 *   sync.save_to_supervisor_p95_ms an agent's save → the supervisor's store has it, through the
 *                                  real station services and the central server, with 200
 *                                  simulated stations connected to the server over WebSocket
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { Page } from 'playwright-core'
import { bundleForBrowser, launchPersistentChromium, routePage } from '../../support/chromium'
import { percentile, progress, type Emit } from '../bench'
import type {} from '../../queue/browser/queue-bench-page'
import { measureSaveToSupervisor } from '../../queue/save-to-supervisor'

const TICKETS = 10_000
const UPDATES = 60
/** Fresh mounts of the panel: the figure is their median, the cold first one is printed. */
const MOUNTS = 5
const ORIGIN = 'http://warmline-queue-bench.test'
const SEED = Number(process.env.BENCH_SEED ?? 20261127)

const round = (ms: number) => Math.round(ms * 100) / 100

function describe(label: string, timings: readonly number[]): string {
  return `${label}: n=${timings.length} p50=${round(percentile(timings, 50))} p95=${round(percentile(timings, 95))} max=${round(Math.max(...timings))} ms`
}

async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.waitForFunction(() => window.queueBench !== undefined)
}

async function measureRendering(emit: Emit): Promise<void> {
  progress(`queue: bundling the page; seed ${SEED} (BENCH_SEED to change)`)
  const script = await bundleForBrowser('test/queue/browser/queue-bench-page.tsx')
  const profile = mkdtempSync(path.join(tmpdir(), 'warmline-queue-bench-'))
  try {
    const context = await launchPersistentChromium(profile, {
      viewport: { width: 1366, height: 900 },
    })
    try {
      const url = await routePage(context, ORIGIN, { script, title: 'queue bench' })
      const page = context.pages()[0] ?? (await context.newPage())
      page.on('pageerror', (error) => progress(`page error: ${error.message}`))
      await openPage(page, url)
      const seconds = await page.evaluate(([n, s]) => window.queueBench.seed(n, s), [
        TICKETS,
        SEED,
      ] as const)
      progress(
        `queue: ${TICKETS.toLocaleString('en')} open tickets stored in ${seconds.toFixed(1)} s`,
      )

      // A new page: nothing in memory, the tickets on disk, as when a supervisor opens the app.
      await openPage(page, url)
      const load = await page.evaluate(() => window.queueBench.load())
      progress(`queue: loaded ${load.tickets.toLocaleString('en')} tickets in ${round(load.ms)} ms`)
      if (load.tickets < TICKETS)
        throw new Error(`the queue holds ${load.tickets} tickets, not ${TICKETS}`)
      emit({
        name: 'queue.load_10k_ms',
        value: round(load.ms),
        unit: 'ms',
        goal: 1500,
        better: 'lower',
      })

      const render = await page.evaluate((n) => window.queueBench.firstRenders(n), MOUNTS)
      progress(
        `queue: first render ${render.ms.map(round).join(', ')} ms (the first one cold), ${render.rowsInDom} rows in the DOM, "${render.shown}" shown`,
      )
      emit({
        name: 'queue.first_render_10k_ms',
        value: round(percentile(render.ms, 50)),
        unit: 'ms',
        goal: 300,
        better: 'lower',
      })

      const updates = await page.evaluate(([n, s]) => window.queueBench.liveUpdates(n, s), [
        UPDATES,
        SEED,
      ] as const)
      progress(describe('queue: live update', updates))
      emit({
        name: 'queue.row_update_ms',
        value: round(percentile(updates, 95)),
        unit: 'ms',
        goal: 16,
        better: 'lower',
      })
      await page.evaluate(() => window.queueBench.close())
    } finally {
      await context.close()
    }
  } finally {
    rmSync(profile, { recursive: true, force: true })
  }
}

export async function run(emit: Emit): Promise<void> {
  await measureRendering(emit)
  await measureSaveToSupervisor(emit)
}
