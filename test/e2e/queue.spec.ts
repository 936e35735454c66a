/**
 * Issue 6, done when: two browsers — an agent's station and a supervisor's station, each through
 * its own browser host (`npm run web -- --server <central> --data-dir <own>`), one central
 * server started here — the agent logs a P1; the supervisor's Live queue shows it without a
 * reload, and the filter and sort set before the update are still in place after it.
 * Needs `npm run build` first (npm run test:e2e does it).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { silentLogger, startServer, type RunningServer } from '../../src/server'
import { serverApi } from '../queue/server-api'
import { expectAccessible } from './support/axe'
import { browserHosts, logCall, signInAndEnroll } from './support/stations'

const ADMIN_PASSWORD = 'e2e-queue-admin-password'

let dir: string
let server: RunningServer
let adminToken: string
const hosts = browserHosts(() => server.url)
const browserHost = (dataDir: string) => hosts.start(dataDir)

test.beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'warmline-e2e-queue-'))
  server = await startServer({ port: 0, dataDir: path.join(dir, 'server'), logger: silentLogger })
  adminToken = await serverApi(server.url).setUp(ADMIN_PASSWORD)
})

test.afterAll(async () => {
  await hosts.stopAll()
  await server?.close()
  await rm(dir, { recursive: true, force: true })
})

const enroll = (page: Page, url: string, username: string, stationName: string) =>
  signInAndEnroll(page, url, { username, stationName, serverUrl: server.url, adminToken })

const grid = (page: Page) => page.getByRole('grid', { name: 'Open tickets of the floor' })
/** The ticket numbers of the queue's rows, top to bottom. */
const queueNumbers = (page: Page) =>
  grid(page).locator('[role="row"] [role="gridcell"]:first-child').allTextContents()

test("the supervisor's live queue shows the agent's new P1 without reload, filter and sort kept", async ({
  browser,
  playwright,
  launchOptions,
}) => {
  const [agentUrl, supervisorUrl] = await Promise.all([
    browserHost(path.join(dir, 'agent')),
    browserHost(path.join(dir, 'supervisor')),
  ])
  // Two browsers, as on the floor: the agent's and the supervisor's.
  const supervisorBrowser: Browser = await playwright.chromium.launch(launchOptions)
  try {
    // A page of its own context: axe-core opens a blank page beside it to assemble its results.
    const agent = await (await browser.newContext()).newPage()
    const supervisor = await (await supervisorBrowser.newContext()).newPage()
    await enroll(agent, agentUrl, 'agent1', 'Desk 1')
    await enroll(supervisor, supervisorUrl, 'super1', 'Supervisor desk')

    const firstP1 = await logCall(agent, 'Wi-Fi down in the library', '1', '1')
    const p3 = await logCall(agent, 'Printer queue stuck', '3', '3')

    await supervisor.getByRole('button', { name: 'Live queue' }).click()
    await expect(grid(supervisor).getByText(p3, { exact: true })).toBeVisible({ timeout: 30_000 })
    await supervisor.getByRole('button', { name: 'P1', exact: true }).click()
    const numberHeader = grid(supervisor).getByRole('columnheader', { name: /^Number/ })
    await numberHeader.getByRole('button').click()
    await numberHeader.getByRole('button').click()
    await expect(numberHeader).toHaveAttribute('aria-sort', 'descending')
    await expect.poll(() => queueNumbers(supervisor)).toEqual([firstP1])
    await expectAccessible(supervisor, 'Live queue, filtered and sorted')
    // Anything that reloads the page would lose this.
    await supervisor.evaluate(() => Object.assign(window, { notReloaded: true }))

    const newP1 = await logCall(agent, 'Wi-Fi down in the whole east wing', '1', '2')

    await expect.poll(() => queueNumbers(supervisor), { timeout: 30_000 }).toEqual([newP1, firstP1])
    expect(
      await supervisor.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded),
    ).toBe(true)
    await expect(supervisor.getByRole('button', { name: 'P1', exact: true })).toHaveAttribute(
      'aria-pressed',
      'true',
    )
    await expect(numberHeader).toHaveAttribute('aria-sort', 'descending')
    await expect(grid(supervisor).getByText(p3, { exact: true })).toHaveCount(0)
  } finally {
    await supervisorBrowser.close()
  }
})
