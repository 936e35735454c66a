/**
 * `npx tsx test/bench/sign-in-time.ts` (after `npm run build`): how long a sign-in takes to show
 * "My tickets", in the built renderer through the browser host in system Chromium (issue 10,
 * item 11). A measurement, not a test: it prints medians and asserts nothing.
 *
 * Two cases: signing in again at a desk whose page is loaded, and a fresh browser profile, which
 * also loads the page and opens an empty station store. Where the renderer has its Performance
 * marks (`warmline:sign-in` … `warmline:desk`), the in-page figure leaves out Playwright's own time.
 */
import { chromium, type Page } from '@playwright/test'
import { AGENT, firstRunThenSignIn, openDeskFloor } from '../e2e/desk-floor'

const RUNS = Number(process.env.RUNS ?? 5)

const median = (values: number[]) =>
  Math.round([...values].sort((a, b) => a - b)[values.length >> 1] ?? NaN)

async function signIn(page: Page): Promise<{ seen: number; marked: number }> {
  await page.getByLabel('User name').fill(AGENT.username)
  await page.getByLabel('Password').fill(AGENT.password)
  const started = Date.now()
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'My tickets' }).waitFor()
  const seen = Date.now() - started
  // No helper function inside: tsx would wrap it in a `__name` the page does not have.
  const marked = await page.evaluate(
    () =>
      (performance.getEntriesByName('warmline:desk').at(-1)?.startTime ?? NaN) -
      (performance.getEntriesByName('warmline:sign-in').at(-1)?.startTime ?? NaN),
  )
  return { seen, marked }
}

const floor = await openDeskFloor()
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
})
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } })
  await firstRunThenSignIn(page, floor)
  const again = []
  for (let i = 0; i < RUNS; i++) {
    await page.getByRole('button', { name: 'Sign out' }).click()
    again.push(await signIn(page))
  }
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.close()
  const fresh = []
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
    const cold = await context.newPage()
    const started = Date.now()
    await cold.goto(floor.pageUrl)
    await cold.getByLabel('User name').waitFor()
    const load = Date.now() - started
    fresh.push({ load, ...(await signIn(cold)) })
    await cold.getByRole('button', { name: 'Sign out' }).click()
    await cold.getByLabel('User name').waitFor()
    await context.close()
  }
  const report = (what: string, runs: { seen: number; marked: number }[]) =>
    console.log(
      `${what}: sign-in → My tickets median ${median(runs.map((r) => r.seen))} ms (in page ${median(runs.map((r) => r.marked))} ms)`,
    )
  report('signing in again', again)
  report('fresh profile', fresh)
  console.log(
    `fresh profile: page load → sign-in screen median ${median(fresh.map((r) => r.load))} ms`,
  )
} finally {
  await browser.close()
  await floor.close()
}
