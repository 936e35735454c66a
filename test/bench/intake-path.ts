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
import { seededRandom, type Random } from '../support/random'
import { percentile, progress, type Emit } from './bench'
import type { KeyToPaint } from './browser/intake-bench'
import type {} from './browser/store-bench'

const TICKETS = 100_000
const CHUNK = 5_000
/** Tickets per page.evaluate: progress shows between blocks. */
const BLOCK = 20_000
const CALLS = 120
const WARMUP = 10
const ORIGIN = 'http://warmline-intake-bench.test'
const SEED = Number(process.env.BENCH_SEED ?? 20261127)

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

/**
 * The pause before each timed key. Playwright's waits poll on animation frames, so a key sent the
 * moment one returns lands just after a frame and waits most of the next one for its own: on a
 * page that does nothing but write a number, that alone costs ~15 ms at p50. A person's key
 * comes at no particular moment of the frame, and not within a frame of the screen last drawing
 * what they looked at.
 */
const PAUSE_MS = { least: 100, spread: 200 }

/** One call the keyboard way; resolves once its number is on screen. */
async function logCall(
  page: Page,
  previous: string,
  floorKey: string,
  random: Random,
): Promise<string> {
  const pause = () => page.waitForTimeout(PAUSE_MS.least + random.int(PAUSE_MS.spread))
  await page.keyboard.press('Control+n')
  await page.getByRole('heading', { name: 'New call' }).waitFor()
  await page.keyboard.type('dwhit')
  await page.getByRole('option', { name: /Dana Whitfield/ }).waitFor()
  await page.keyboard.press('Enter')
  await page.keyboard.press('5')
  // An agent talks before logging: the draft is on disk by then (a burst of keys with no pause
  // measures the draft writes queued ahead of the opening instead).
  await page.getByText('Draft saved').waitFor()
  // The floor, in turns with the figure: the same page and form, a key that only writes a number.
  const floors = await page.evaluate(() => window.intakeBench.floorsTimed())
  await pause()
  await page.keyboard.press(floorKey)
  await page.waitForFunction((n) => window.intakeBench.floorsTimed() > n, floors)
  await pause()
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

/** Where a key's time goes (p50 of each part): see `KeyToPaint`. */
function describeSplit(paints: readonly KeyToPaint[]): string {
  const p50 = (part: keyof KeyToPaint) => {
    const values = paints.map((p) => p[part])
    return round(percentile(values, 50))
  }
  return `  p50 split: input wait ${p50('inputWait')}, to DOM ${p50('toDom')}, to frame ${p50('toFrame')}, frame ${p50('frame')} ms`
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
      progress(
        `intake: ${CALLS} calls typed (after ${WARMUP} warm-up), ${PAUSE_MS.least}–${PAUSE_MS.least + PAUSE_MS.spread} ms before each timed key; seed ${SEED} (BENCH_SEED to change)`,
      )
      const floorKey = await page.evaluate(() => window.intakeBench.floorKey)
      const random = seededRandom(SEED)
      let number = ''
      const call = async () => {
        number = await logCall(page, number, floorKey, random)
        await page.evaluate(() => window.intakeBench.bareRecord())
      }
      for (let i = 0; i < WARMUP; i++) await call()
      await page.evaluate(() => window.intakeBench.reset())
      for (let i = 0; i < CALLS; i++) await call()
      const { record, recordSinceAsked, toNumber, bare, floor } = await page.evaluate(() =>
        window.intakeBench.timings(),
      )
      progress(describe('store.record from the intake, from its start', record))
      progress(describe('  the same, from the Ctrl+Enter that asked for it', recordSinceAsked))
      progress(describe('store.record of the same opening, no UI, in turns with it', bare))
      const total = (paints: readonly KeyToPaint[]) => paints.map((p) => p.total)
      progress(describe('Ctrl+Enter to the number on screen', total(toNumber)))
      progress(describeSplit(toNumber))
      progress(describe('floor: a key that only writes a number, to it on screen', total(floor)))
      progress(describeSplit(floor))
      emit({
        name: 'store.record_event_intake_p95_ms',
        value: round(percentile(record, 95)),
        unit: 'ms',
        goal: 10,
        better: 'lower',
      })
      emit({
        name: 'intake.log_call_to_number_p95_ms',
        value: round(percentile(total(toNumber), 95)),
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
