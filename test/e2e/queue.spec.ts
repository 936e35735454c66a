/**
 * Issue 6, done when: two browsers — an agent's station and a supervisor's station, each through
 * its own browser host (`npm run web -- --server <central> --data-dir <own>`), one central
 * server started here — the agent logs a P1; the supervisor's Live queue shows it without a
 * reload, and the filter and sort set before the update are still in place after it.
 * Needs `npm run build` first (npm run test:e2e does it).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test, type Browser, type Page } from '@playwright/test'
import { silentLogger, startServer, type RunningServer } from '../../src/server'
import { DEMO_PASSWORD } from '../../src/server/setup'
import { serverApi } from '../queue/server-api'
import { expectAccessible } from './support/axe'

const root = path.resolve(import.meta.dirname, '../..')
const ADMIN_PASSWORD = 'e2e-queue-admin-password'

let dir: string
let server: RunningServer
let adminToken: string
const hosts: ChildProcess[] = []

/** `npm run web -- --port 0 --server <central> --data-dir <dir>`; resolves with the URL it prints. */
async function browserHost(dataDir: string): Promise<string> {
  const host = spawn(
    process.execPath,
    [
      path.join(root, 'node_modules/tsx/dist/cli.mjs'),
      'src/main/browser-host-cli.ts',
      '--port',
      '0',
      '--server',
      server.url,
      '--data-dir',
      dataDir,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  hosts.push(host)
  host.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  return new Promise<string>((resolve, reject) => {
    let output = ''
    host.once('exit', (code) => reject(new Error(`the browser host exited (${code}):\n${output}`)))
    host.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const url = /^(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)$/m.exec(output)
      if (url) resolve(url[1]!)
    })
  })
}

test.beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'warmline-e2e-queue-'))
  server = await startServer({ port: 0, dataDir: path.join(dir, 'server'), logger: silentLogger })
  adminToken = await serverApi(server.url).setUp(ADMIN_PASSWORD)
})

test.afterAll(async () => {
  for (const host of hosts) {
    if (host.exitCode !== null) continue
    const exited = new Promise((resolve) => host.once('exit', resolve))
    host.kill('SIGTERM')
    await exited
  }
  await server?.close()
  await rm(dir, { recursive: true, force: true })
})

/** Signs in on a fresh station and enrolls it with a code the administrator issued. */
async function signInAndEnroll(page: Page, url: string, username: string, stationName: string) {
  await page.goto(url)
  await page.getByLabel('User name').fill(username)
  await page.getByLabel('Password').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByLabel('Enrollment code')).toBeVisible()
  await expectAccessible(page, `enrollment of ${stationName}`)
  await page.getByLabel('Enrollment code').fill(await serverApi(server.url).issueCode(adminToken))
  await page.getByLabel('Station name').fill(stationName)
  await page.getByRole('button', { name: 'Enroll' }).click()
  await expect(page.getByRole('button', { name: /^New call/ }).first()).toBeVisible()
}

/** The agent logs a phone call and reads its number off the ticket. */
async function logCall(
  page: Page,
  title: string,
  impact: string,
  urgency: string,
): Promise<string> {
  await page
    .getByRole('button', { name: /^New call/ })
    .first()
    .click()
  await page.getByLabel('Caller name').fill('Dana Whitfield')
  await page.getByLabel('Title').fill(title)
  await page.getByLabel('Service', { exact: true }).fill('Network')
  await page.getByLabel('Category', { exact: true }).fill('Wi-Fi')
  await page.getByLabel('Impact').selectOption(impact)
  await page.getByLabel('Urgency').selectOption(urgency)
  await page.getByRole('button', { name: /^Log call/ }).click()
  const number = page.getByLabel('Ticket number')
  await expect(number).toBeVisible()
  return (await number.textContent())!.trim()
}

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
    await signInAndEnroll(agent, agentUrl, 'agent1', 'Desk 1')
    await signInAndEnroll(supervisor, supervisorUrl, 'super1', 'Supervisor desk')

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
