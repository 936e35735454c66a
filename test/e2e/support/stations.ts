/**
 * A floor of several stations for the end-to-end tests: one browser host per station
 * (`npm run web -- --server <central> --data-dir <own>`), each signed in and enrolled through the
 * UI with a code the administrator issued, and the agent's way of logging a call.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { expect, type Page } from '@playwright/test'
import { DEMO_PASSWORD } from '../../../src/server/setup'
import { serverApi } from '../../queue/server-api'
import { expectAccessible } from './axe'

const root = path.resolve(import.meta.dirname, '../../..')

export function browserHosts(serverUrl: () => string) {
  const hosts: ChildProcess[] = []
  return {
    /** Starts one; resolves with the URL it prints. */
    start(dataDir: string): Promise<string> {
      const host = spawn(
        process.execPath,
        [
          path.join(root, 'node_modules/tsx/dist/cli.mjs'),
          'src/main/browser-host-cli.ts',
          '--port',
          '0',
          '--server',
          serverUrl(),
          '--data-dir',
          dataDir,
        ],
        { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
      )
      hosts.push(host)
      host.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk))
      return new Promise<string>((resolve, reject) => {
        let output = ''
        host.once('exit', (code) =>
          reject(new Error(`the browser host exited (${code}):\n${output}`)),
        )
        host.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          const url = /^(http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]+)$/m.exec(output)
          if (url) resolve(url[1]!)
        })
      })
    },
    async stopAll(): Promise<void> {
      for (const host of hosts) {
        if (host.exitCode !== null) continue
        const exited = new Promise((resolve) => host.once('exit', resolve))
        host.kill('SIGTERM')
        await exited
      }
    },
  }
}

/**
 * Signs in on a fresh station and enrolls it with a code the administrator issued; `ready` is
 * what shows once the station is in (the desk's New call button unless told otherwise).
 */
export async function signInAndEnroll(
  page: Page,
  url: string,
  options: {
    username: string
    stationName: string
    serverUrl: string
    adminToken: string
    ready?: (page: Page) => Promise<void>
  },
): Promise<void> {
  await page.goto(url)
  await page.getByLabel('User name').fill(options.username)
  await page.getByLabel('Password').fill(DEMO_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  // Several stations start at once on a shared machine: signing in may take a while.
  await expect(page.getByLabel('Enrollment code')).toBeVisible({ timeout: 30_000 })
  await expectAccessible(page, `enrollment of ${options.stationName}`)
  await page
    .getByLabel('Enrollment code')
    .fill(await serverApi(options.serverUrl).issueCode(options.adminToken))
  await page.getByLabel('Station name').fill(options.stationName)
  await page.getByRole('button', { name: 'Enroll' }).click()
  await (
    options.ready ??
    ((p: Page) =>
      expect(p.getByRole('button', { name: /^New call/ }).first()).toBeVisible({
        timeout: 30_000,
      }))
  )(page)
}

/** The agent logs a phone call and reads its number off the ticket. */
export async function logCall(
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
