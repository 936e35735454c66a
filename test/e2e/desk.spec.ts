/**
 * The agent's desk in real Chromium, through the browser host, against a real central server and
 * a real SMTP listener (issue 5, "Done when"). One station and one browser tab for the whole file,
 * as an agent keeps one window open all shift; the tests run in order and build on each other.
 * Needs `npm run build` first (npm run test:e2e does it).
 */
import { mkdir } from 'node:fs/promises'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { RETURN_TO_OWNER_NOTE } from '../../src/shared/incident/standard-notes'
import { AGENT, firstRunThenSignIn, openDeskFloor, type DeskFloor } from './desk-floor'
import { expectAccessible } from './support/axe'

test.describe.configure({ mode: 'serial' })

const SHOTS = 'test-results/screenshots'

let floor: DeskFloor
let page: Page

test.beforeAll(async ({ browser }) => {
  await mkdir(SHOTS, { recursive: true })
  floor = await openDeskFloor()
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
  page = await context.newPage()
  await firstRunThenSignIn(page, floor, (where) => expectAccessible(page, where))
})

test.afterAll(async () => {
  await page?.context().close()
  await floor?.close()
})

/** Presses keys one by one and counts them, so the test holds the intake to its budget. */
class Keys {
  count = 0
  async press(...keys: string[]) {
    for (const key of keys) {
      await page.keyboard.press(key)
      this.count++
    }
  }
  async type(text: string) {
    await this.press(...text)
  }
}

const ticketNumber = () => page.getByLabel('Ticket number')
const dialog = (name: string | RegExp) => page.getByRole('dialog', { name })
const tab = (name: string) => page.getByRole('tab', { name })

/** Ctrl+N, the caller by username, Enter, the template digit: the intake's fast path. */
async function startTemplatedCall(keys: Keys, templateDigit: string) {
  await keys.press('Control+n')
  await expect(page.getByRole('heading', { name: 'New call' })).toBeVisible()
  await keys.type('dwhit')
  await expect(page.getByRole('option', { name: /Dana Whitfield/ })).toBeVisible()
  await keys.press('Enter')
  await expect(page.getByLabel('Caller name')).toHaveValue('Dana Whitfield')
  await keys.press(templateDigit)
}

async function logVpnCall(): Promise<string> {
  const keys = new Keys()
  await startTemplatedCall(keys, '5')
  await expect(page.getByLabel('Title')).toHaveValue('Cannot connect to VPN')
  await keys.press('Control+Enter')
  await expect(ticketNumber()).toBeVisible()
  return (await ticketNumber().textContent())!
}

async function escalateWithWarmTransfer(
  acceptedBy: string,
  team?: { name: string; reason: string },
) {
  await page.keyboard.press('Alt+e')
  const escalation = dialog(/^Escalate/)
  await expect(escalation.getByLabel('Team', { exact: true })).toBeFocused()
  if (team) {
    await escalation.getByLabel('Team', { exact: true }).selectOption({ label: team.name })
    await escalation.getByLabel('Why this team and not the suggested one').fill(team.reason)
  }
  await escalation.getByLabel('Transferred — the team accepted the call').check()
  await escalation.getByLabel('Accepted by').fill(acceptedBy)
  await escalation.getByRole('button', { name: /^Escalate and assign/ }).click()
  await expect(escalation).toBeHidden()
}

async function eventsOf(number: string) {
  const events = await floor.serverEvents()
  const ticketId = events.find((e) => e.type === 'opened' && e.payload.number === number)?.ticketId
  return events.filter((e) => e.ticketId === ticketId)
}

async function noteSaved(list: Locator, text: string) {
  await expect(list.getByText(text, { exact: true })).toBeVisible()
}

let vpnTicket = ''

test('(1) a phone call logged by keyboard alone: the number shows at once', async () => {
  const keys = new Keys()
  await startTemplatedCall(keys, '5')
  await expect(page.getByLabel('Title')).toHaveValue('Cannot connect to VPN')
  await expect(page.getByRole('status', { name: 'Priority' })).toContainText('P4')
  await page.screenshot({ path: `${SHOTS}/intake.png` })
  await expectAccessible(page, 'call intake with a template')
  await keys.press('Control+Enter')

  await expect(ticketNumber()).toHaveText(/^S\d+-\d+$/)
  vpnTicket = (await ticketNumber().textContent())!
  console.info(`[desk e2e] templated call logged as ${vpnTicket} in ${keys.count} keystrokes`)
  // Issue 10: Ctrl+N, five letters, Enter, the template digit, Ctrl+Enter.
  expect(keys.count).toBeLessThanOrEqual(9)
  await expect(page.getByRole('heading', { name: 'Cannot connect to VPN' })).toBeVisible()
  await page.screenshot({ path: `${SHOTS}/ticket.png` })
  await expectAccessible(page, 'ticket, Details')

  await expect
    .poll(async () => (await eventsOf(vpnTicket)).map((e) => e.type), { timeout: 30_000 })
    .toEqual(['opened'])
  const [opened] = await eventsOf(vpnTicket)
  expect(opened).toMatchObject({
    actor: AGENT.username,
    payload: {
      source: 'phone',
      service: 'Network',
      category: 'VPN',
      caller: { username: 'dwhitfield' },
    },
  })
  await expect(page.getByText('Everything synced')).toBeVisible()
})

test('(2) escalation with a warm transfer to the suggested team; a move to a second team is counted', async () => {
  await page.keyboard.press('Alt+e')
  const escalation = dialog(`Escalate ${vpnTicket}`)
  await expect(escalation.getByLabel('Team', { exact: true })).toHaveValue('network-ops')
  const contact = escalation.getByRole('complementary', { name: 'Team contact' })
  await expect(contact).toContainText('+1 555 010 2120')
  await expect(contact).toContainText('24/7')
  await expect(contact).toContainText('KB0010201')
  await escalation.getByLabel('Transferred — the team accepted the call').check()
  await escalation.getByLabel('Accepted by').fill('Sam at Network Operations')
  await page.screenshot({ path: `${SHOTS}/escalation.png` })
  await expectAccessible(page, 'Escalate dialog')
  await escalation
    .getByRole('button', { name: 'Escalate and assign to Network Operations' })
    .click()
  await expect(escalation).toBeHidden()

  await expect(tab('Assignees and Notifications')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByLabel('Reassignment count')).toHaveText('0')
  await expectAccessible(page, 'ticket, Assignees and Notifications')
  await escalateWithWarmTransfer('Lee at Desktop Support', {
    name: 'Desktop Support Services',
    reason: 'Network Operations found a broken laptop profile.',
  })
  await expect(page.getByLabel('Reassignment count')).toHaveText('1')

  await expect
    .poll(
      async () =>
        (await eventsOf(vpnTicket)).filter((e) => e.type === 'escalated').map((e) => e.payload),
      {
        timeout: 30_000,
      },
    )
    .toEqual([
      expect.objectContaining({
        teamId: 'network-ops',
        routingGuidanceId: 'net-vpn',
        warmTransfer: expect.objectContaining({
          status: 'completed',
          contactUsed: '+1 555 010 2120',
          acceptedBy: 'Sam at Network Operations',
        }),
      }),
      expect.objectContaining({
        teamId: 'desktop-support',
        routingGuidanceId: null,
        offGuidanceReason: 'Network Operations found a broken laptop profile.',
      }),
    ])
})

test('(3) a customer note with Send Email To sends exactly one email; a Tech Note sends none', async () => {
  await page.keyboard.press('Alt+2')
  await page.getByLabel(/Send Email To: customer/).check()
  await page.keyboard.press('Alt+4')
  await expect(page.getByText(/Will be emailed to the customer/)).toBeVisible()
  await expectAccessible(page, 'ticket, Customer notes')
  const customerNote = 'We are reinstalling your VPN profile; you will hear from us today.'
  await page.getByLabel('New customer note').fill(customerNote)
  await page.getByRole('button', { name: 'Save customer note' }).click()
  await noteSaved(page.getByRole('list', { name: 'Customer notes' }), customerNote)

  await page.keyboard.press('Alt+3')
  const techNote = 'Profile 4.2 is known bad; Desktop Support reimages.'
  await page.getByLabel('New Tech Note').fill(techNote)
  await page.keyboard.press('Control+Enter')
  await noteSaved(page.getByRole('list', { name: 'Tech Notes' }), techNote)
  await expectAccessible(page, 'ticket, Tech Notes')

  await expect.poll(() => floor.smtp.received.length, { timeout: 30_000 }).toBe(1)
  // Once the server holds the Tech Note, its outbox is decided: one row, the customer note's.
  await expect
    .poll(async () => (await eventsOf(vpnTicket)).some((e) => e.type === 'tech_note_added'), {
      timeout: 30_000,
    })
    .toBe(true)
  await expect
    .poll(async () =>
      (await floor.server().db.query<{ status: string }>('SELECT status FROM mail_outbox')).map(
        (row) => row.status,
      ),
    )
    .toEqual(['sent'])
  expect(floor.smtp.received).toHaveLength(1)
  expect(floor.smtp.received[0]!.to).toEqual(['dana.whitfield@example.edu'])
  expect(floor.smtp.received[0]!.raw).toContain('reinstalling your VPN profile')
  expect(floor.smtp.received[0]!.raw).not.toContain('known bad')
})

test('(4) return to owner adds the verbatim Tech Note', async () => {
  await page.keyboard.press('Alt+o')
  await expect(tab('Tech Notes')).toHaveAttribute('aria-selected', 'true')
  await noteSaved(page.getByRole('list', { name: 'Tech Notes' }), RETURN_TO_OWNER_NOTE)
  await expect(page.getByText('Returned to the CSC')).toBeVisible()
  await page.keyboard.press('Alt+5')
  await expect(tab('History')).toHaveAttribute('aria-selected', 'true')
  await expectAccessible(page, 'ticket, History')
  await expect(page.getByRole('button', { name: 'Return to owner' })).toBeHidden()
  await expect
    .poll(
      async () => (await eventsOf(vpnTicket)).find((e) => e.type === 'returned_to_owner')?.payload,
      {
        timeout: 30_000,
      },
    )
    .toEqual(expect.objectContaining({ note: RETURN_TO_OWNER_NOTE, fromTeamId: 'desktop-support' }))
})

test('(5) resolve refuses an incomplete classification, then resolves', async () => {
  await page.keyboard.press('Alt+r')
  const resolve = dialog(`Resolve ${vpnTicket}`)
  await resolve
    .getByLabel('Resolution notes')
    .fill('Reinstalled the VPN profile with the caller; connected.')
  await resolve.getByLabel('Subcategory').fill('')
  await resolve.getByLabel('Resolution code').selectOption('fixed')
  await resolve.getByLabel('Customer agreed').selectOption('verbal')
  await resolve.getByRole('button', { name: `Resolve ${vpnTicket}` }).click()
  // Issue 10, item 9: the refusal says what to do; the rule number is its tooltip.
  await expect(
    resolve.getByText('Classify the subcategory according to root cause.', { exact: true }),
  ).toHaveAttribute('title', 'Service desk process rule 8')
  await expect(resolve.getByText('State the root cause.', { exact: true })).toBeVisible()
  await expect(resolve.getByLabel('Root cause')).toHaveAttribute('aria-invalid', 'true')
  await expectAccessible(page, 'Resolve dialog with refusals')

  await resolve.getByLabel('Subcategory').fill('Client configuration')
  await resolve.getByLabel('Root cause').fill('Outdated VPN profile')
  await resolve.getByRole('button', { name: `Resolve ${vpnTicket}` }).click()
  await expect(resolve).toBeHidden()
  await expect(page.locator('.ticket__facts')).toContainText('Resolved')
  await expectAccessible(page, 'a resolved ticket')
  await expect
    .poll(async () => (await eventsOf(vpnTicket)).find((e) => e.type === 'resolved')?.payload, {
      timeout: 30_000,
    })
    .toEqual(
      expect.objectContaining({
        resolutionCode: 'fixed',
        classification: expect.objectContaining({
          subcategory: 'Client configuration',
          rootCause: 'Outdated VPN profile',
        }),
      }),
    )
})

test('(6) with the central server stopped: 3 calls, one escalated, one resolved; all arrive once after restart', async () => {
  await floor.stopServer()
  await expect(page.getByRole('status').filter({ hasText: 'Offline' })).toBeVisible({
    timeout: 60_000,
  })
  await expectAccessible(page, 'offline status')

  const numbers = [await logVpnCall(), await logVpnCall(), await logVpnCall()]
  expect(new Set(numbers).size).toBe(3)
  await expect(ticketNumber()).toHaveText(numbers[2]!)
  await escalateWithWarmTransfer('Sam at Network Operations')
  await page.getByRole('button', { name: 'My tickets' }).click()
  await expect(page.getByRole('button', { name: numbers[1]! })).toBeVisible()
  await expectAccessible(page, 'My tickets with open and escalated calls')
  await page.getByRole('button', { name: numbers[1]! }).click()
  await expect(ticketNumber()).toHaveText(numbers[1]!)
  await page.keyboard.press('Alt+r')
  const resolve = dialog(`Resolve ${numbers[1]}`)
  await resolve
    .getByLabel('Resolution notes')
    .fill('Restarted the VPN client; connected on the call.')
  await resolve.getByLabel('Root cause').fill('Stale VPN session')
  await resolve.getByLabel('Resolution code').selectOption('fixed')
  await resolve.getByLabel('Customer agreed').selectOption('verbal')
  await resolve.getByRole('button', { name: `Resolve ${numbers[1]}` }).click()
  await expect(resolve).toBeHidden()
  await expect(page.getByLabel('Events waiting to sync')).toContainText('5 events waiting to sync')

  await floor.startServer()
  await page.getByRole('button', { name: 'Retry now' }).click()
  await expect(page.getByText('Everything synced')).toBeVisible({ timeout: 60_000 })

  const events = await floor.serverEvents()
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length)
  const byNumber = await Promise.all(numbers.map(eventsOf))
  expect(byNumber.map((ticket) => ticket.map((e) => e.type))).toEqual([
    ['opened'],
    ['opened', 'resolved'],
    ['opened', 'escalated'],
  ])
})

test('(7) a reload in the middle of a call keeps the draft', async () => {
  const keys = new Keys()
  await startTemplatedCall(keys, '3')
  await expect(page.getByLabel('Title')).toHaveValue('Printer problem')
  await page.keyboard.type(' Toner light blinks.')
  await expect(page.getByText('Draft saved')).toBeVisible()

  await page.reload()
  await expect(page.getByRole('heading', { name: 'New call' })).toBeVisible()
  await expectAccessible(page, 'call intake restored after a reload')
  await expect(page.getByLabel('Caller name')).toHaveValue('Dana Whitfield')
  await expect(page.getByLabel('Title')).toHaveValue('Printer problem')
  await expect(page.getByLabel('Description')).toHaveValue(/Toner light blinks\.$/)
  await page.keyboard.press('Control+Enter')
  await expect(page.getByRole('heading', { name: 'Printer problem' })).toBeVisible()
})
