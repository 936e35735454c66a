/**
 * The phone system end to end (issue 14, "Done when"): a scripted call posted to the real central
 * server in the generic CTI format (new → answered → transferred → hung up) pops up on the
 * answering agent's station in Chromium with the caller and their recent tickets; the call id
 * goes on the ticket, the transfer into the escalation dialog, the talk time into the resolution;
 * an abandoned call is in the supervisor's call log. Needs `npx electron-vite build` first.
 */
import { expect, test, type Page } from '@playwright/test'
import { ADMIN, AGENT, connectPbx, openDeskFloor, type DeskFloor, type Pbx } from './desk-floor'

test.describe.configure({ mode: 'serial' })

const SUPERVISOR = { username: 'super1', password: 'demo-password-1' }
const DANA = { name: 'Dana Whitfield', phone: '+1 555 010 2233' }
const EXTENSION = '204'

let floor: DeskFloor
let page: Page
let pbx: Pbx

async function signIn(user: { username: string; password: string }) {
  await page.getByLabel('User name').fill(user.username)
  await page.getByLabel('Password').fill(user.password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
}

test.beforeAll(async ({ browser }) => {
  floor = await openDeskFloor()
  page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
  await page.goto(floor.pageUrl)
  // First run through the UI enrolls this station and creates the demo accounts.
  await page.getByLabel('Administrator user name').fill(ADMIN.username)
  await page.getByLabel('Display name').fill('Ada Admin')
  await page.getByLabel('Password').fill(ADMIN.password)
  await page.getByRole('button', { name: 'Create administrator and start' }).click()
  await page.getByRole('button', { name: 'Sign out' }).click()

  // The administrator's side: a token for the PBX, and agent1 at extension 204.
  pbx = await connectPbx(floor, EXTENSION, AGENT.username)
  await signIn(AGENT)
  await expect(page.getByRole('heading', { name: 'My tickets' })).toBeVisible()
})

test.afterAll(async () => {
  await page?.context().close()
  await floor?.close()
})

let earlier = ''
let popped = ''

test('(1) a call Dana made before is on the station', async () => {
  await page.keyboard.press('Control+n')
  await page.keyboard.type('dwhit')
  await expect(page.getByRole('option', { name: /Dana Whitfield/ })).toBeVisible()
  await page.keyboard.press('Enter')
  await page.keyboard.press('5')
  await expect(page.getByLabel('Title')).toHaveValue('Cannot connect to VPN')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByLabel('Ticket number')).toHaveText(/^S\d+-\d+$/)
  earlier = (await page.getByLabel('Ticket number').textContent())!
  await page.getByRole('button', { name: 'My tickets' }).click()
})

test('(2) the PBX answers at the agent’s extension: the intake pops with Dana and her recent tickets', async () => {
  const call = { callId: 'e2e-call-1', from: DANA.phone, to: '4000', direction: 'in' }
  await pbx({ ...call, event: 'newCall' })
  await expect(page.getByRole('heading', { name: 'My tickets' })).toBeVisible()
  await pbx({ ...call, event: 'answer', answeringNumber: EXTENSION })

  await expect(page.getByRole('heading', { name: 'New call' })).toBeVisible()
  const callerBox = page.getByRole('combobox', { name: 'Caller (phone, name or username)' })
  await expect(callerBox).toHaveValue(DANA.phone)
  await expect(callerBox).toBeFocused()
  await expect(page.getByLabel('Caller name')).toHaveValue(DANA.name)
  const recent = page.getByRole('region', { name: "Caller's recent tickets" })
  await expect(recent.getByRole('button', { name: earlier })).toBeVisible()
  await page.screenshot({ path: 'test-results/screenshots/screen-pop.png' })

  // The agent takes the call from there by keyboard: Enter keeps Dana, a template, log it.
  await page.keyboard.press('Enter')
  await page.keyboard.press('5')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByLabel('Ticket number')).toHaveText(/^S\d+-\d+$/)
  popped = (await page.getByLabel('Ticket number').textContent())!
  await expect
    .poll(
      async () =>
        (await floor.serverEvents()).find((e) => e.type === 'opened' && e.payload.number === popped)
          ?.payload,
      { timeout: 30_000 },
    )
    .toMatchObject({ callId: 'e2e-call-1', caller: { name: DANA.name } })

  await pbx({ ...call, event: 'transfer', transferTo: '+1 555 010 2120' })
  await pbx({ ...call, event: 'hangup', cause: 'normalClearing' })
})

test('(3) the talk time fills the time spent; the PBX transfer fills the warm-transfer record', async () => {
  await expect(page.getByRole('heading', { name: 'Cannot connect to VPN' })).toBeVisible()
  await expect(async () => {
    await page.keyboard.press('Alt+r')
    const resolve = page.getByRole('dialog', { name: `Resolve ${popped}` })
    await expect(resolve.getByText(/Talk time from the phone system/)).toBeVisible({
      timeout: 1000,
    })
  }).toPass({ timeout: 15_000 })
  const resolve = page.getByRole('dialog', { name: `Resolve ${popped}` })
  await expect(resolve.getByLabel('Time spent (minutes)')).toHaveValue('1')
  await page.keyboard.press('Escape')
  await expect(resolve).toBeHidden()

  await page.keyboard.press('Alt+e')
  const escalation = page.getByRole('dialog', { name: `Escalate ${popped}` })
  await expect(escalation.getByLabel('Team', { exact: true })).toBeFocused()
  await expect(escalation.getByLabel('Team', { exact: true })).toHaveValue('network-ops')
  await expect(escalation.getByLabel('Number dialled')).toHaveValue('+1 555 010 2120')
  await expect(
    escalation.getByText(/The phone system transferred this call to \+1 555 010 2120/),
  ).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(escalation).toBeHidden()
})

test('(4) an abandoned call is in the supervisor’s call log with the number to call back', async () => {
  await pbx({ event: 'newCall', callId: 'e2e-call-2', from: '+1 555 019 9999', to: '4000' })
  await pbx({ event: 'hangup', callId: 'e2e-call-2', cause: 'cancel' })
  await page.getByRole('button', { name: 'Sign out' }).click()
  await signIn(SUPERVISOR)
  await page.getByRole('button', { name: 'Calls' }).click()
  await expect(page.getByRole('heading', { name: 'Calls today' })).toBeVisible()
  const callbacks = page.getByRole('table', { name: 'Abandoned calls to call back' })
  await expect(callbacks.getByRole('link', { name: '+1 555 019 9999' })).toHaveAttribute(
    'href',
    'tel:+15550199999',
  )
  const hours = page.getByRole('table', { name: 'Call figures per hour' })
  // Two calls offered: one answered, one abandoned.
  await expect(hours.getByRole('row').nth(1)).toContainText('50%')
  await page.screenshot({ path: 'test-results/screenshots/call-log.png' })
})
