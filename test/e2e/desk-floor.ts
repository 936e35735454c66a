/**
 * A one-station floor for the desk's end-to-end tests: a real central server (in this process,
 * PGlite in a temp dir, customer email over SMTP to a real listener on 127.0.0.1), and the
 * browser host (`npm run web`) in front of it, serving the built renderer.
 *
 * The server can be stopped and started again on the same port and data, as an outage does.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, type Page } from '@playwright/test'
import { startServer, silentLogger, type RunningServer, type ServerOptions } from '../../src/server'
import { createIntegrationToken } from '../../src/server/accounts'
import type { TicketEvent } from '../../src/shared/incident/events'
import { ROUTES, pullResponseSchema, sessionResponseSchema } from '../../src/shared/sync/wire'
import { startSmtp, type TestSmtp } from '../server/smtp'

const root = path.resolve(import.meta.dirname, '../..')

export const ADMIN = { username: 'admin', password: 'e2e-desk-admin-password' }
/** A demo account first-run setup creates (src/server/setup.ts). */
export const AGENT = { username: 'agent1', password: 'demo-password-1' }

export interface DeskFloor {
  smtp: TestSmtp
  server(): RunningServer
  serverUrl: string
  pageUrl: string
  stopServer(): Promise<void>
  startServer(): Promise<void>
  /** Every event the central server holds, in its order. */
  serverEvents(): Promise<(TicketEvent & { seq: number })[]>
  close(): Promise<void>
}

/** `extra`: more server options (email in, say), kept across a stop and start. */
export async function openDeskFloor(extra: ServerOptions = {}): Promise<DeskFloor> {
  const dir = await mkdtemp(path.join(tmpdir(), 'warmline-e2e-desk-'))
  const smtp = await startSmtp()
  const serverOptions = {
    dataDir: path.join(dir, 'server'),
    smtp: { url: smtp.url },
    logger: silentLogger,
    mail: { pollMs: 100 },
    ...extra,
  }
  let server: RunningServer | null = await startServer({ ...serverOptions, port: 0 })
  const port = server.port
  const serverUrl = server.url

  const host = spawn(
    process.execPath,
    [
      path.join(root, 'node_modules/tsx/dist/cli.mjs'),
      'src/main/browser-host-cli.ts',
      '--port',
      '0',
      '--server',
      serverUrl,
      '--data-dir',
      path.join(dir, 'station'),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  host.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  const pageUrl = await printedUrl(host)

  let token: string | null = null
  async function serverEvents() {
    if (!token) {
      const login = await fetch(`${serverUrl}${ROUTES.session}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      })
      token = sessionResponseSchema.parse(await login.json()).token
    }
    const events: (TicketEvent & { seq: number })[] = []
    for (let after = 0; ;) {
      const response = await fetch(`${serverUrl}${ROUTES.events}?after=${after}&limit=1000`, {
        headers: { authorization: `Bearer ${token}` },
      })
      const page = pullResponseSchema.parse(await response.json())
      events.push(...page.events.map(({ seq, event }) => ({ ...(event as TicketEvent), seq })))
      if (page.upToDate || page.events.length === 0) return events
      after = page.next
    }
  }

  return {
    smtp,
    server: () => {
      if (!server) throw new Error('the central server is stopped')
      return server
    },
    serverUrl,
    pageUrl,
    async stopServer() {
      await server?.close()
      server = null
    },
    async startServer() {
      server = await startServer({ ...serverOptions, port })
    },
    serverEvents,
    async close() {
      await stopHost(host)
      await server?.close()
      await smtp.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** What a PBX script sends: the generic CTI format's fields (event, callId, from, to, …). */
export type Pbx = (fields: Record<string, string>) => Promise<void>

/**
 * The administrator's side of the phone system: a PBX token, and `username` at `extension`.
 * Returns what a PBX script does: a form-encoded POST with the token in the URL. Needs the
 * administrator the first run created.
 */
export async function connectPbx(
  floor: DeskFloor,
  extension: string,
  username: string,
): Promise<Pbx> {
  const pbxToken = await createIntegrationToken(floor.server().db, 'asterisk', Date.now(), 'cti')
  const login = await fetch(`${floor.serverUrl}${ROUTES.session}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  })
  const { token } = sessionResponseSchema.parse(await login.json())
  const mapped = await fetch(`${floor.serverUrl}${ROUTES.extensions}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ extensions: [{ extension, username }] }),
  })
  expect(mapped.status).toBe(200)
  return async (fields) => {
    const response = await fetch(`${floor.serverUrl}${ROUTES.ctiEvents}?token=${pbxToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    })
    expect(response.status, await response.clone().text()).toBeLessThan(300)
  }
}

/**
 * First run through the UI (the station that sets the floor up becomes its first station), then
 * the agent signs in and sees My tickets. `onScreen` runs on each screen on the way.
 */
export async function firstRunThenSignIn(
  page: Page,
  floor: DeskFloor,
  onScreen: (where: string) => Promise<void> = async () => {},
): Promise<void> {
  await page.goto(floor.pageUrl)
  await expect(page.getByLabel('Administrator user name')).toBeVisible()
  await onScreen('first-run setup')
  await page.getByLabel('Administrator user name').fill(ADMIN.username)
  await page.getByLabel('Display name').fill('Ada Admin')
  await page.getByLabel('Password').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Create administrator and start' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page.getByLabel('User name')).toBeVisible()
  await onScreen('sign-in')
  await page.getByLabel('User name').fill(AGENT.username)
  await page.getByLabel('Password').fill(AGENT.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { name: 'My tickets' })).toBeVisible()
  await onScreen('My tickets')
}

function printedUrl(host: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = ''
    host.once('exit', (code) => reject(new Error(`the browser host exited (${code}):\n${output}`)))
    host.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      // The URL to open is printed on a line of its own.
      const url = /^(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)$/m.exec(output)
      if (url) resolve(url[1]!)
    })
  })
}

async function stopHost(host: ChildProcess): Promise<void> {
  if (host.exitCode !== null) return
  const exited = new Promise((resolve) => host.once('exit', resolve))
  host.kill('SIGTERM')
  await exited
}
