/**
 * The store's write as the call intake makes it, in real Chromium on an on-disk profile holding
 * 100,000 tickets (the store bench's synthetic floor), with the whole desk running around it:
 *   store.record_event_intake_p95_ms     the opening of a call, committed in the background by the intake
 *   intake.log_call_to_number_p95_ms     Ctrl+Enter to the ticket number painted (the commit follows)
 * Each call is typed the keyboard way: Ctrl+N, the caller's username, Enter, the template digit,
 * Ctrl+Enter. In turns with each call, the same opening is written straight to the store, so the
 * UI's cost shows against a baseline taken on the same machine at the same moment. The loaded
 * profile is cached in .bench/ (gitignored) and copied for each run.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { STATION_DB_VERSION } from '../../src/renderer/src/store'
import { bundleForBrowser, launchPersistentChromium, routePage } from '../support/chromium'
import { percentile, progress, type Emit } from './bench'
import type {} from './browser/intake-bench'
import type {} from './browser/store-bench'

const TICKETS = 100_000
const CHUNK = 5_000
/** Tickets per page.evaluate: progress shows between blocks. */
const BLOCK = 20_000
const CALLS = 120
const WARMUP = 10
const ORIGIN = 'http://warmline-intake-bench.test'

const benchDir = path.resolve(import.meta.dirname, '../../.bench')
const seedProfile = path.join(benchDir, `intake-${TICKETS}-schema${STATION_DB_VERSION}`)
const READY = 'warmline-ready.json'

async function openPage(context: BrowserContext, script: string): Promise<Page> {
  const url = await routePage(context, ORIGIN, { script, title: 'intake bench' })
  const page = context.pages()[0] ?? (await context.newPage())
  await page.setViewportSize({ width: 1366, height: 768 })
  page.on('pageerror', (error) => progress(`page error: ${error.message}`))
  await page.goto(url)
  await page.waitForFunction(() => window.intakeBench !== undefined)
  return page
}

async function buildSeedProfile(script: string): Promise<void> {
  const partial = `${seedProfile}.partial`
  rmSync(partial, { recursive: true, force: true })
  mkdirSync(partial, { recursive: true })
  const context = await launchPersistentChromium(partial)
  try {
    const page = await openPage(context, script)
    for (let start = 0; start < TICKETS; start += BLOCK) {
      const end = Math.min(start + BLOCK, TICKETS)
      await page.evaluate(([s, e, c]) => window.storeBench.loadRange(s, e, c), [
        start,
        end,
        CHUNK,
      ] as const)
      progress(
        `intake: loaded ${end.toLocaleString('en')} / ${TICKETS.toLocaleString('en')} tickets`,
      )
    }
  } finally {
    await context.close()
  }
  writeFileSync(path.join(partial, READY), JSON.stringify({ tickets: TICKETS }))
  rmSync(seedProfile, { recursive: true, force: true })
  renameSync(partial, seedProfile)
}

/** One call the keyboard way; resolves once its number is on screen. */
async function logCall(page: Page, previous: string): Promise<string> {
  await page.keyboard.press('Control+n')
  await page.getByRole('heading', { name: 'New call' }).waitFor()
  await page.keyboard.type('dwhit')
  await page.getByRole('option', { name: /Dana Whitfield/ }).waitFor()
  await page.keyboard.press('Enter')
  await page.keyboard.press('5')
  // An agent talks before logging: the draft is on disk by then (a burst of keys with no pause
  // measures the draft writes queued ahead of the opening instead).
  await page.getByText('Draft saved').waitFor()
  await page.keyboard.press('Control+Enter')
  await page.waitForFunction((before) => {
    const shown = document.querySelector('[aria-label="Ticket number"]')?.textContent ?? ''
    return shown !== '' && shown !== before
  }, previous)
  return (await page.getByLabel('Ticket number').textContent()) ?? ''
}

const round = (ms: number) => Math.round(ms * 100) / 100

function describe(label: string, timings: readonly number[]): string {
  return `${label}: n=${timings.length} p50=${round(percentile(timings, 50))} p95=${round(percentile(timings, 95))} max=${round(Math.max(...timings))} ms`
}

export async function runIntakePath(emit: Emit): Promise<void> {
  progress('intake: bundling the desk')
  const script = await bundleForBrowser('test/bench/browser/intake-bench.ts')
  if (!existsSync(path.join(seedProfile, READY))) {
    progress(
      `intake: building a profile with ${TICKETS.toLocaleString('en')} tickets (first run only)`,
    )
    await buildSeedProfile(script)
  }
  const runProfile = path.join(benchDir, `intake-run-${process.pid}`)
  rmSync(runProfile, { recursive: true, force: true })
  cpSync(seedProfile, runProfile, { recursive: true })
  try {
    const context = await launchPersistentChromium(runProfile)
    try {
      const page = await openPage(context, script)
      await page.evaluate(() => window.intakeBench.mount())
      await page.getByRole('heading', { name: 'My tickets' }).waitFor()
      progress(`intake: ${CALLS} calls typed (after ${WARMUP} warm-up)`)
      let number = ''
      const call = async () => {
        number = await logCall(page, number)
        await page.evaluate(() => window.intakeBench.bareRecord())
      }
      for (let i = 0; i < WARMUP; i++) await call()
      await page.evaluate(() => window.intakeBench.reset())
      for (let i = 0; i < CALLS; i++) await call()
      const { record, toNumber, bare } = await page.evaluate(() => window.intakeBench.timings())
      progress(describe('store.record from the intake', record))
      progress(describe('store.record of the same opening, no UI, in turns with it', bare))
      progress(describe('Ctrl+Enter to the number on screen', toNumber))
      emit({
        name: 'store.record_event_intake_p95_ms',
        value: round(percentile(record, 95)),
        unit: 'ms',
        goal: 10,
        better: 'lower',
      })
      emit({
        name: 'intake.log_call_to_number_p95_ms',
        value: round(percentile(toNumber, 95)),
        unit: 'ms',
        goal: 16,
        better: 'lower',
      })
    } finally {
      await context.close()
    }
  } finally {
    rmSync(runProfile, { recursive: true, force: true })
  }
}
