/**
 * Issue 11, rule 10: the outage radar. Three calls on one service within minutes, logged at an
 * agent's station and pushed to the central server; the server's radar proposes a major incident,
 * which reaches the supervisor's Live queue without a reload; the supervisor accepts it by
 * keyboard, and the three calls are linked to the new major incident on the server.
 * Needs `npm run build` first.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test } from '@playwright/test'
import { silentLogger, startServer, type RunningServer } from '../../src/server'
import { DEMO_PASSWORD } from '../../src/server/setup'
import type { Ticket } from '../../src/shared/incident/ticket'
import { serverApi } from '../queue/server-api'
import { push } from '../server/client'
import { openedTicket, stationAuthor } from '../server/events'
import { expectAccessible } from './support/axe'

const root = path.resolve(import.meta.dirname, '../..')
const ADMIN_PASSWORD = 'e2e-radar-admin-password'

let dir: string
let server: RunningServer
let adminToken: string
let host: ChildProcess | undefined

async function browserHost(dataDir: string): Promise<string> {
  host = spawn(
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
  host.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  return new Promise<string>((resolve, reject) => {
    let output = ''
    host!.once('exit', (code) => reject(new Error(`the browser host exited (${code}):\n${output}`)))
    host!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const url = /^(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)$/m.exec(output)
      if (url) resolve(url[1]!)
    })
  })
}

test.beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'warmline-e2e-radar-'))
  server = await startServer({ port: 0, dataDir: path.join(dir, 'server'), logger: silentLogger })
  adminToken = await serverApi(server.url).setUp(ADMIN_PASSWORD)
})

test.afterAll(async () => {
  if (host && host.exitCode === null) {
    const exited = new Promise((resolve) => host!.once('exit', resolve))
    host.kill('SIGTERM')
    await exited
  }
  await server?.close()
  await rm(dir, { recursive: true, force: true })
})

/** The agent's station: enrolled and signed in over the API; its calls are pushed as it would. */
async function agentStation() {
  const api = serverApi(server.url)
  const code = await api.enroll(await api.issueCode(adminToken), 'Desk 1')
  const token = await api.login('agent1', DEMO_PASSWORD, code)
  const ctx = stationAuthor('agent1', code)
  return {
    async logCall(title: string, caller: string): Promise<string> {
      const { event, ticket } = openedTicket(ctx, {
        title,
        caller: { name: caller },
        service: 'Email',
        category: 'Outlook',
        receivedAt: new Date().toISOString(),
      })
      const reply = await push(server, token, [event])
      expect(reply.results[0]!.status).toBe('applied')
      return ticket.id
    },
  }
}

test('the outage radar proposes a major incident live, and accepting it by keyboard links the calls', async ({
  page,
}) => {
  const url = await browserHost(path.join(dir, 'supervisor'))
  await page.goto(url)
  await page.getByLabel('User name').fill('super1')
  await page.getByLabel('Password').fill(DEMO_PASSWORD)
  await page.getByLabel('Password').press('Enter')
  await page.getByLabel('Enrollment code').fill(await serverApi(server.url).issueCode(adminToken))
  await page.getByLabel('Station name').fill('Supervisor desk')
  await page.getByLabel('Station name').press('Enter')
  const liveQueue = page.getByRole('button', { name: 'Live queue' })
  await liveQueue.focus()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'Live queue' })).toBeVisible()
  await page.evaluate(() => Object.assign(window, { notReloaded: true }))

  const agent = await agentStation()
  const calls = [
    await agent.logCall('Outlook will not connect', 'Dana Whitfield'),
    await agent.logCall('No new mail since 9', 'Sam Ortiz'),
  ]
  const radar = page.getByLabel('Outage radar', { exact: true })
  // Two calls are no outage yet.
  await expect(page.getByRole('grid', { name: 'Open tickets of the floor' })).toContainText(
    'No new mail since 9',
    { timeout: 30_000 },
  )
  await expect(radar.getByRole('heading')).toHaveCount(0)
  calls.push(await agent.logCall('Email bounces for the whole department', 'Kim Park'))

  const proposal = radar.getByRole('article', { name: /Possible major incident: 3 calls on Email/ })
  await expect(proposal).toBeVisible({ timeout: 30_000 })
  await expect(
    proposal.getByRole('list', { name: 'Candidate calls' }).getByRole('listitem'),
  ).toHaveCount(3)
  expect(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true)
  await expectAccessible(page, 'the outage radar proposal in the Live queue')

  // By keyboard: the choice of parent, the new incident's title, then accept.
  const linkTo = proposal.getByLabel('Link the calls to')
  await linkTo.focus()
  await expect(linkTo).toHaveValue('')
  await page.keyboard.press('Tab')
  await expect(proposal.getByLabel('Title of the major incident')).toBeFocused()
  await page.keyboard.press('Control+A')
  await page.keyboard.type('Email outage: Outlook cannot connect')
  await page.keyboard.press('Tab')
  const accept = proposal.getByRole('button', { name: 'Accept and link the calls' })
  await expect(accept).toBeFocused()
  await page.keyboard.press('Enter')

  await expect(proposal).toHaveCount(0)
  const major = page
    .getByRole('list', { name: 'Major incidents' })
    .getByRole('button', { name: /Email outage: Outlook cannot connect · 3 calls/ })
  await expect(major).toBeFocused()
  await page.keyboard.press('Enter')
  const linked = page.getByRole('region', { name: 'Linked calls' })
  await expect(linked.getByRole('heading', { name: 'Linked calls (3)' })).toBeVisible()
  await expectAccessible(page, 'the new major incident with its linked calls')

  // On the server: each call is linked to the new parent, the proposal accepted on each.
  await expect
    .poll(
      async () => {
        const rows = await server.db.query<{ body: Ticket }>(
          'SELECT body FROM tickets WHERE id = ANY($1::uuid[])',
          [calls],
        )
        const parents = new Set(rows.map((r) => r.body.parentTicketId))
        const accepted = rows.every((r) => r.body.outage?.status === 'accepted')
        return rows.length === 3 && parents.size === 1 && !parents.has(null) && accepted
      },
      { timeout: 30_000 },
    )
    .toBe(true)
  const [parent] = await server.db.query<{ body: Ticket }>(
    `SELECT body FROM tickets WHERE body->>'title' = 'Email outage: Outlook cannot connect'`,
  )
  expect(parent!.body.major).toMatchObject({ by: 'super1' })
})
