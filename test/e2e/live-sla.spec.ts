/**
 * Issue 10, item 7 (and issue 11's SLA clocks): the time left to the next target ticks in the
 * ticket header, My tickets and the floor list without a reload, is said in words (at risk,
 * breached, paused) and not only in colour, and stands still while the ticket awaits the customer.
 * Keyboard only, real Chromium against a real central server. So that a target runs out within a
 * test, the administrator's policy gives P4 (the templated VPN call) a 40-second resolution target
 * around the clock, imported before the agent signs in, as an administrator would.
 * Needs `npx electron-vite build` first.
 */
import { expect, test, type Page } from '@playwright/test'
import { DEFAULT_PRIORITY_POLICY } from '../../src/shared/incident/priority'
import { ROUTES, sessionResponseSchema } from '../../src/shared/sync/wire'
import { ADMIN, firstRunThenSignIn, openDeskFloor, type DeskFloor } from './desk-floor'
import { expectAccessible } from './support/axe'

let floor: DeskFloor
let page: Page

async function shortenP4(serverUrl: string) {
  const login = await fetch(`${serverUrl}${ROUTES.session}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  })
  const { token } = sessionResponseSchema.parse(await login.json())
  const { matrix, targets } = DEFAULT_PRIORITY_POLICY
  const policy = {
    matrix,
    targets: {
      ...targets,
      P4: {
        firstAssignment: { amount: 1, unit: 'minutes' },
        resolution: { amount: 40 / 60, unit: 'minutes' },
        clock: 'around_the_clock',
      },
    },
  }
  const reply = await fetch(`${serverUrl}${ROUTES.directory}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ policy }),
  })
  expect(reply.status).toBe(200)
}

test.beforeAll(async ({ browser }) => {
  floor = await openDeskFloor()
  page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
  await firstRunThenSignIn(page, floor, async (where) => {
    if (where === 'sign-in') await shortenP4(floor.serverUrl)
  })
})

test.afterAll(async () => {
  await page?.context().close()
  await floor?.close()
})

const headerTimer = () => page.getByRole('timer', { name: 'SLA' })

async function logTemplatedCall(): Promise<string> {
  await page.keyboard.press('Control+n')
  await expect(page.getByLabel('Caller (phone, name or username)')).toBeFocused()
  await page.keyboard.type('dwhit')
  await expect(page.getByRole('option', { name: /Dana Whitfield/ })).toBeVisible()
  await page.keyboard.press('Enter')
  await page.keyboard.press('5')
  await expect(page.getByLabel('Title')).toHaveValue('Cannot connect to VPN')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByLabel('Ticket number')).toHaveText(/^S\d+-\d+$/)
  return (await page.getByLabel('Ticket number').textContent())!
}

/** The SLA cell of the ticket's row in the named table. */
const slaCell = (table: string, number: string) =>
  page
    .getByRole('table', { name: table })
    .getByRole('row')
    .filter({ has: page.getByRole('button', { name: number, exact: true }) })
    .getByRole('cell')
    .nth(2)

test('the time left ticks in the ticket header, My tickets and the floor list, and says at risk and breached in words', async () => {
  const number = await logTemplatedCall()
  await expect(headerTimer()).toContainText('On track')
  await expect(headerTimer()).toContainText(/Resolution in 0:[0-3]\d/)
  const first = await headerTimer().textContent()
  // Ticking without a reload: the same element reads differently a moment later.
  await expect(headerTimer()).not.toHaveText(first!, { timeout: 3000 })
  await expectAccessible(page, 'ticket with a live SLA')

  await page.keyboard.press('Alt+m')
  await expect(page.getByRole('heading', { name: 'My tickets' })).toBeVisible()
  const mine = slaCell('My open tickets', number)
  await expect(mine).toContainText('Resolution in')
  // Under a quarter of the 40 s left: at risk, in words and in the warning colour.
  await expect(mine).toContainText('At risk', { timeout: 40_000 })
  await expect(mine.locator('.sla-timer--at_risk')).toBeVisible()
  await expectAccessible(page, 'My tickets with an SLA at risk')
  await expect(mine).toContainText(/Breached.*over/, { timeout: 20_000 })

  await page.keyboard.press('Alt+f')
  await expect(page.getByRole('heading', { name: 'Floor' })).toBeVisible()
  await expect(slaCell('Open tickets', number)).toContainText(/Breached Resolution 0:\d\d over/)
  await expectAccessible(page, 'floor list with a breached SLA')
})

test('a hold awaiting the customer stops the clock: the header says paused and stops ticking', async () => {
  await logTemplatedCall()
  await expect(headerTimer()).toContainText('On track')
  await page.keyboard.press('Alt+h')
  const dialog = page.getByRole('dialog', { name: /on hold/ })
  await expect(dialog.getByLabel('Why it waits (hold reason)')).toBeFocused()
  await page.keyboard.type('Waiting for the caller to try from home')
  await page.keyboard.press('Tab')
  const awaiting = dialog.getByLabel(/Awaiting the customer/)
  await expect(awaiting).toBeFocused()
  await page.keyboard.press('Space')
  await expect(awaiting).toBeChecked()
  await expectAccessible(page, 'hold dialog')
  await page.keyboard.press('Tab')
  await expect(dialog.getByRole('button', { name: 'Put on hold' })).toBeFocused()
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  await expect(headerTimer()).toContainText(/Paused · 0:[0-3]\d left/)
  const paused = await headerTimer().textContent()
  await page.waitForTimeout(2500)
  await expect(headerTimer()).toHaveText(paused!)
})
