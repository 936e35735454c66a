/**
 * The station in a real browser: `npm run web` (the browser host, with the central server
 * embedded) serves the built renderer; Chromium opens the printed URL, sets the floor up, signs in
 * as an agent, logs a call, and the incident arrives at the central server.
 * Needs `npm run build` first (npm run test:e2e does it).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { ROUTES, pullResponseSchema, sessionResponseSchema } from '../../src/shared/sync/wire'
import { expectAccessible } from './support/axe'

const root = path.resolve(import.meta.dirname, '../..')
const ADMIN_PASSWORD = 'e2e-admin-password'
/** The demo agent first-run setup creates (src/server/setup.ts). */
const AGENT = { username: 'agent1', password: 'demo-password-1' }

let host: ChildProcess
let dataDir: string
let pageUrl: string
let serverUrl: string

test.beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'warmline-e2e-station-'))
  host = spawn(
    process.execPath,
    [
      path.join(root, 'node_modules/tsx/dist/cli.mjs'),
      'src/main/browser-host-cli.ts',
      '--port',
      '0',
      '--data-dir',
      dataDir,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, WARMLINE_SERVER_URL: '' },
    },
  )
  let output = ''
  host.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  ;({ pageUrl, serverUrl } = await new Promise<{ pageUrl: string; serverUrl: string }>(
    (resolve, reject) => {
      host.once('exit', (code) =>
        reject(new Error(`the browser host exited (${code}):\n${output}`)),
      )
      host.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString()
        // The URL to open is printed on a line of its own.
        const page = /^(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)$/m.exec(output)
        const server = /central server (http:\/\/127\.0\.0\.1:\d+) \(embedded\)/.exec(output)
        if (page && server) resolve({ pageUrl: page[1]!, serverUrl: server[1]! })
      })
    },
  ))
})

test.afterAll(async () => {
  if (host && host.exitCode === null) {
    const exited = new Promise((resolve) => host.once('exit', resolve))
    host.kill('SIGTERM')
    await exited
  }
  await rm(dataDir, { recursive: true, force: true })
})

async function serverEvents(): Promise<
  { type: string; actor: string; station: string; payload: { title?: string; number?: string } }[]
> {
  const login = await fetch(`${serverUrl}${ROUTES.session}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  })
  const { token } = sessionResponseSchema.parse(await login.json())
  const pulled = await fetch(`${serverUrl}${ROUTES.events}?after=0&limit=1000`, {
    headers: { authorization: `Bearer ${token}` },
  })
  return pullResponseSchema.parse(await pulled.json()).events.map((row) => row.event as never)
}

test('a call logged in the browser arrives at the central server', async ({ page }) => {
  await page.goto(pageUrl)
  // The token moved out of the address bar into the tab's session.
  await expect.poll(() => new URL(page.url()).hash).toBe('')

  // First run: set the floor up (the station that does it is enrolled as its first station).
  await page.getByLabel('Administrator user name').fill('admin')
  await page.getByLabel('Display name').fill('Ada Admin')
  await page.getByLabel('Password').fill(ADMIN_PASSWORD)
  await page.getByRole('button', { name: 'Create administrator and start' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()

  await page.getByLabel('User name').fill(AGENT.username)
  await page.getByLabel('Password').fill(AGENT.password)
  await page.getByRole('button', { name: 'Sign in' }).click()

  const title = `VPN drops every few minutes (${Date.now()})`
  await page
    .getByRole('button', { name: /^New call/ })
    .first()
    .click()
  await page.getByLabel('Caller name').fill('Dana Whitfield')
  await page.getByLabel('Title').fill(title)
  await page.getByLabel('Service', { exact: true }).fill('Network')
  await page.getByLabel('Category', { exact: true }).fill('VPN')
  await expectAccessible(page, 'call intake typed by hand')
  await page.getByRole('button', { name: /^Log call/ }).click()

  await expect
    .poll(
      async () =>
        (await serverEvents()).find(
          (event) => event.type === 'opened' && event.payload.title === title,
        ),
      { timeout: 30_000 },
    )
    .toMatchObject({ actor: AGENT.username, station: expect.stringMatching(/^S\d+$/) })
  const opened = (await serverEvents()).find((event) => event.payload.title === title)!
  // The number the agent read to the caller is the one the server holds.
  await expect(page.getByText(opened.payload.number!, { exact: true }).first()).toBeVisible()
  await expect(page.getByText('Everything synced')).toBeVisible()
})
