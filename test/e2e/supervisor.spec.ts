/**
 * Issue 12, done when (the supervisor's side): the wallboard updates live when an agent logs a
 * P1; two agents on one ticket see each other, live, and stop seeing each other when one leaves;
 * the supervisor works the Live queue, the floor view and the charts by keyboard alone, focus
 * asserted at each step. Every screen shown is checked by axe. One central server; each station
 * its own browser host and browser context. Needs `npm run build` first.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { silentLogger, startServer, type RunningServer } from '../../src/server'
import { serverApi } from '../queue/server-api'
import { expectAccessible } from './support/axe'
import { browserHosts, logCall, signInAndEnroll } from './support/stations'

let dir: string
let server: RunningServer
let adminToken: string
const hosts = browserHosts(() => server.url)

test.beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'warmline-e2e-supervisor-'))
  server = await startServer({ port: 0, dataDir: path.join(dir, 'server'), logger: silentLogger })
  adminToken = await serverApi(server.url).setUp('e2e-supervisor-admin-password')
})

test.afterAll(async () => {
  await hosts.stopAll()
  await server?.close()
  await rm(dir, { recursive: true, force: true })
})

/** A station of its own: browser host, browser context, signed in and enrolled. */
async function station(
  browser: Browser,
  username: string,
  stationName: string,
  options: { path?: string; viewport?: { width: number; height: number } } = {},
): Promise<Page> {
  const url = await hosts.start(path.join(dir, stationName.replace(/\W+/g, '-')))
  const page = await (
    await browser.newContext(options.viewport ? { viewport: options.viewport } : {})
  ).newPage()
  await signInAndEnroll(page, options.path ? url.replace('/#', `${options.path}#`) : url, {
    username,
    stationName,
    serverUrl: server.url,
    adminToken,
    ...(options.path
      ? {
          ready: (p: Page) =>
            expect(p.getByRole('heading', { name: 'Service desk now' })).toBeVisible({
              timeout: 30_000,
            }),
        }
      : {}),
  })
  return page
}

const notReloaded = (page: Page) =>
  page.evaluate(() => Object.assign(window, { notReloaded: true }))
const stillNotReloaded = async (page: Page) =>
  expect(
    await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
  ).toBe(true)

test('the wallboard shows the P1 an agent logs, live and without a reload, in type legible across the room', async ({
  browser,
}) => {
  const [agent, wall] = await Promise.all([
    station(browser, 'agent1', 'Desk W'),
    station(browser, 'super1', 'Wallboard', {
      path: '/wallboard',
      viewport: { width: 1920, height: 1080 },
    }),
  ])
  await expect(wall.getByText('No P1 open.')).toBeVisible()
  await expectAccessible(wall, 'wallboard')
  await notReloaded(wall)

  const number = await logCall(agent, 'Core switch down in the east wing', '1', '1')

  const p1s = wall.getByRole('list', { name: 'P1 tickets' })
  await expect(p1s.getByText(number, { exact: true })).toBeVisible({ timeout: 30_000 })
  await expect(p1s).toContainText('Core switch down in the east wing')
  await expect(wall.getByRole('heading', { name: 'P1 tickets (1)' })).toBeVisible()
  const figures = wall.getByRole('region', { name: 'The floor in figures' })
  await expect(figures).toContainText('Open tickets')
  await expect(figures).toContainText(`Oldest waiting · ${number}`)
  await stillNotReloaded(wall)
  // 3 m away on a 1920×1080 screen: no less than 40 px for text, the figures far more.
  const px = (text: ReturnType<Page['getByText']>) =>
    text.evaluate((element) => parseFloat(getComputedStyle(element).fontSize))
  expect(await px(p1s.getByText(number, { exact: true }))).toBeGreaterThanOrEqual(40)
  expect(await px(figures.getByText('SLA breaches today'))).toBeGreaterThanOrEqual(40)
  await expectAccessible(wall, 'wallboard with a P1')
})

test('two agents on one ticket see each other, live, in the ticket and in the queue, until one leaves', async ({
  browser,
}) => {
  const [jordan, priya, sam] = await Promise.all([
    station(browser, 'agent1', 'Desk A'),
    station(browser, 'agent2', 'Desk B'),
    station(browser, 'super1', 'Desk S'),
  ])
  const number = await logCall(jordan, 'Laptop will not boot after the update', '4', '3')
  const jordanSees = jordan.getByRole('status', { name: 'Also open by' })
  await expect(jordanSees).toHaveText('')

  // Priya finds the same ticket on her station once it has synced there, and opens it.
  await priya.getByLabel('Find a ticket').fill(number)
  await priya.getByLabel('Find a ticket').press('Enter')
  await priya.getByRole('button', { name: number, exact: true }).click({ timeout: 30_000 })
  await expect(priya.getByLabel('Ticket number')).toHaveText(number)

  await expect(jordanSees).toHaveText(/Also open by Priya Natarajan at S\d+/)
  const priyaSees = priya.getByRole('status', { name: 'Also open by' })
  await expect(priyaSees).toHaveText(/Also open by Jordan Lee at S\d+/)
  await expectAccessible(priya, 'ticket open at two stations')

  // The supervisor's queue shows both on that row.
  await sam.keyboard.press('Alt+Q')
  const row = sam.getByRole('row').filter({ hasText: number })
  await expect(row).toContainText('Jordan Lee', { timeout: 30_000 })
  await expect(row).toContainText('Priya Natarajan')

  // Priya leaves the ticket: gone from Jordan's screen and from the queue within seconds.
  await priya.keyboard.press('Alt+M')
  await expect(priya.getByRole('heading', { name: 'My tickets' })).toBeVisible()
  await expect(jordanSees).toHaveText('')
  await expect(row).not.toContainText('Priya Natarajan')

  // Back on it, then signed out: gone again.
  await priya.getByLabel('Find a ticket').press('Enter')
  await priya.getByRole('button', { name: number, exact: true }).click()
  await expect(jordanSees).toHaveText(/Priya Natarajan/)
  await priya.getByRole('button', { name: 'Sign out' }).click()
  await expect(jordanSees).toHaveText('')
})

test('the supervisor works the queue, the floor view and the charts by keyboard alone', async ({
  browser,
}) => {
  const [agent, sam] = await Promise.all([
    station(browser, 'agent1', 'Desk K'),
    station(browser, 'super1', 'Desk SK'),
  ])
  const first = await logCall(agent, 'Projector in room 101 shows no signal', '3', '3')
  const second = await logCall(agent, 'Shared drive is read-only', '3', '2')

  await sam.keyboard.press('?')
  const overlay = sam.getByRole('dialog', { name: 'Keyboard shortcuts' })
  await expect(overlay.getByRole('region', { name: 'Supervisor' })).toContainText('Alt+Q')
  await expect(overlay.getByRole('region', { name: 'Live queue' })).toContainText(
    'Open the ticket in the side panel',
  )
  await expectAccessible(sam, 'shortcut overlay for a supervisor')
  await sam.keyboard.press('Escape')

  // The queue opens with the focus on its tickets.
  await sam.keyboard.press('Alt+Q')
  const grid = sam.getByRole('grid', { name: 'Open tickets of the floor' })
  await expect(grid).toBeFocused()
  const rows = grid.locator('[role="row"][id^="queue-row-"]')
  // The floor's other tickets (this file's other tests) are in the queue too.
  await expect(grid.getByText(first, { exact: true })).toBeVisible({ timeout: 30_000 })
  await expect(grid.getByText(second, { exact: true })).toBeVisible()
  await sam.keyboard.press('ArrowDown')
  const selected = grid.locator('[role="row"][aria-selected="true"]')
  await expect(selected).toHaveCount(1)
  const firstId = await selected.getAttribute('id')
  await expect(grid).toHaveAttribute('aria-activedescendant', firstId!)
  await sam.keyboard.press('ArrowDown')
  await expect(grid).not.toHaveAttribute('aria-activedescendant', firstId!)
  const chosenNumber = (await selected.getByRole('gridcell').first().textContent())!.trim()
  expect(chosenNumber).toMatch(/^S\d+-\d+$/)
  await sam.keyboard.press('Enter')
  const panel = sam.getByRole('complementary')
  await expect(panel).toContainText(chosenNumber)
  await expect(grid).toBeFocused()
  await expectAccessible(sam, 'Live queue with the side panel')
  await sam.keyboard.press('Escape')
  await expect(panel).toHaveCount(0)
  await expect(grid).toBeFocused()

  // The chips are not between the header and the grid: back from the grid is the header.
  await sam.keyboard.press('Shift+Tab')
  await expect(sam.getByRole('button', { name: 'Export CSV' })).toBeFocused()
  await sam.keyboard.press('Tab')
  await expect(grid).toBeFocused()
  await sam.keyboard.press('/')
  await expect(sam.getByRole('searchbox', { name: 'Find in the queue' })).toBeFocused()

  // The floor by agent, live: the agent starting a call shows as on a call.
  await sam.keyboard.press('Alt+W')
  await expect(sam.getByRole('heading', { name: 'Floor view' })).toBeVisible()
  const agents = sam.getByRole('table', { name: 'Agents of the floor' })
  const jordan = agents.getByRole('row', { name: /Jordan Lee/ })
  await expect(jordan).toContainText('Idle', { timeout: 30_000 })
  await agent.keyboard.press('Alt+N')
  await expect(jordan).toContainText('On a call')
  await expectAccessible(sam, 'floor view by agent')

  // The charts: one tab stop, arrows between bars, Enter lists the tickets behind one.
  await sam.keyboard.press('Alt+G')
  await expect(sam.getByRole('heading', { name: 'Today on the floor' })).toBeVisible()
  await expectAccessible(sam, 'metrics charts')
  const byTeam = sam.getByRole('group', { name: 'Open tickets by team' })
  const bars = byTeam.getByRole('button')
  await bars.first().focus()
  if ((await bars.count()) > 1) {
    await sam.keyboard.press('ArrowRight')
    await expect(bars.nth(1)).toBeFocused()
    await sam.keyboard.press('ArrowLeft')
  }
  // The largest team's bar first: "Service Desk (CSC): 4 open tickets. Show these tickets".
  await expect(bars.first()).toBeFocused()
  const name = (await bars.first().getAttribute('aria-label'))!
  const open = Number(/: (\d+) open tickets?\. Show these tickets$/.exec(name)![1])
  await sam.keyboard.press('Enter')
  await expect(sam.getByRole('heading', { name: 'Live queue' })).toBeVisible()
  await expect(sam.getByRole('status').filter({ hasText: 'behind the chart’s bar' })).toContainText(
    `Showing the ${open} ticket${open === 1 ? '' : 's'}`,
  )
  await expect(rows).toHaveCount(open)
  await expectAccessible(sam, 'Live queue filtered from a chart')
})
