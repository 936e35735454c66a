/**
 * The administrator's console in real Chromium (issue 12, "Done when"): by keyboard, the
 * administrator creates a user, issues an enrollment code that a second station enrolls with
 * (signed in as that new user), and edits a routing rule that the next escalation then suggests.
 * Every admin screen passes the axe check. Needs `npm run build` first.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import { ADMIN, openDeskFloor, startBrowserHost, type DeskFloor } from './desk-floor'
import { expectAccessible } from './support/axe'

test.describe.configure({ mode: 'serial' })

const NEW_USER = { username: 'jlee', displayName: 'Jordan Lee', password: 'Spring-2026-desk' }

let floor: DeskFloor
let secondHost: { pageUrl: string; stop(): Promise<void> } | undefined
let secondDir = ''
let admin: Page
let desk2: Page

test.beforeAll(async ({ browser }) => {
  floor = await openDeskFloor()
  secondDir = await mkdtemp(path.join(tmpdir(), 'warmline-e2e-station2-'))
  secondHost = await startBrowserHost(floor.serverUrl, secondDir)
  admin = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
  desk2 = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
})

test.afterAll(async () => {
  await admin?.context().close()
  await desk2?.context().close()
  await secondHost?.stop()
  await floor?.close()
  await rm(secondDir, { recursive: true, force: true })
})

const adminTab = (name: string) => admin.getByRole('tab', { name, exact: true })
const status = (page: Page) => page.getByRole('main').getByRole('status').filter({ hasText: /\S/ })

async function signIn(page: Page, username: string, password: string) {
  await page.getByLabel('User name').fill(username)
  await page.getByLabel('Password').fill(password)
  await page.keyboard.press('Enter')
}

test('the administrator opens the console and creates a user, by keyboard', async () => {
  await admin.goto(floor.pageUrl)
  await admin.getByLabel('Administrator user name').fill(ADMIN.username)
  await admin.getByLabel('Display name').fill('Ada Admin')
  await admin.getByLabel('Password').fill(ADMIN.password)
  await admin.getByRole('button', { name: 'Create administrator and start' }).click()
  await expect(admin.getByRole('heading', { name: 'My tickets' })).toBeVisible()

  await admin.getByRole('button', { name: 'Administration' }).focus()
  await admin.keyboard.press('Enter')
  await expect(admin.getByRole('heading', { name: 'Administration', level: 1 })).toBeFocused()
  await expect(admin.getByRole('table', { name: 'Users' })).toContainText('agent1')
  await expectAccessible(admin, 'Administration, Users')

  await admin.keyboard.press('Tab')
  await expect(adminTab('Users')).toBeFocused()
  await admin.keyboard.press('Tab')
  await expect(admin.getByLabel('User name')).toBeFocused()
  await admin.keyboard.type(NEW_USER.username)
  await admin.keyboard.press('Tab')
  await admin.keyboard.type(NEW_USER.displayName)
  await admin.keyboard.press('Tab') // the role stays "Agent"
  await admin.keyboard.press('Tab')
  // Checked here, before the round trip, by the rule the server applies too.
  await admin.keyboard.type('jlee-2026-desk')
  await admin.keyboard.press('Enter')
  await expect(admin.getByText('The password must not contain the user name.')).toBeVisible()
  await expect(admin.getByLabel('First password')).toBeFocused()
  await admin.getByLabel('First password').fill('')
  await admin.keyboard.type(NEW_USER.password)
  await admin.keyboard.press('Enter')
  await expect(status(admin)).toHaveText('Created agent jlee (Jordan Lee).')
  await expect(admin.getByLabel('User name')).toBeFocused()
  await expect(admin.getByLabel('User name')).toHaveValue('')
  await expect(admin.getByRole('row', { name: /jlee Jordan Lee/ })).toContainText('Active')
})

test('a code issued in the console enrolls a second station, where the new user signs in', async () => {
  await admin.keyboard.press('Shift+Tab')
  await expect(adminTab('Users')).toBeFocused()
  await admin.keyboard.press('ArrowRight')
  await expect(adminTab('Stations')).toBeFocused()
  await expect(admin.getByRole('table', { name: 'Stations' })).toContainText('First station')
  await expectAccessible(admin, 'Administration, Stations')
  await admin.keyboard.press('Tab')
  await expect(admin.getByRole('button', { name: 'Issue enrollment code' })).toBeFocused()
  await admin.keyboard.press('Enter')
  const code = admin.getByLabel(/^Enrollment code /)
  await expect(code).toBeFocused()
  const enrollmentCode = (await code.textContent())!
  expect(enrollmentCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/)

  await desk2.goto(secondHost!.pageUrl)
  await signIn(desk2, NEW_USER.username, NEW_USER.password)
  await expect(desk2.getByLabel('Enrollment code')).toBeFocused()
  await desk2.keyboard.type(enrollmentCode)
  await desk2.keyboard.press('Tab')
  await desk2.keyboard.type('Desk by the window')
  await desk2.keyboard.press('Enter')
  await expect(desk2.getByRole('heading', { name: 'My tickets' })).toBeVisible()

  // The list is read when the tab opens: away and back shows the new station.
  await adminTab('Stations').focus()
  await admin.keyboard.press('ArrowLeft')
  await admin.keyboard.press('ArrowRight')
  await expect(admin.getByRole('row', { name: /Desk by the window/ })).toContainText('Active')
  await expect(admin.getByRole('button', { name: /^Revoke S\d+$/ })).toHaveCount(2)
})

test('a routing rule edited in the console is what the next escalation suggests', async () => {
  await adminTab('Stations').focus()
  await admin.keyboard.press('ArrowRight')
  await expect(adminTab('Directory')).toBeFocused()
  await expect(admin.getByRole('table', { name: 'Teams' })).toContainText('Network Operations')
  await expectAccessible(admin, 'Administration, Directory, Teams')
  await admin.keyboard.press('Tab')
  await expect(adminTab('Teams')).toBeFocused()
  await admin.keyboard.press('ArrowRight')
  await expect(adminTab('Routing guidance')).toBeFocused()
  const rules = admin.getByRole('table', { name: 'Routing guidance' })
  await expect(rules.getByRole('row', { name: /net-vpn/ })).toContainText('network-ops')

  await admin.getByRole('button', { name: 'Edit net-vpn' }).focus()
  await admin.keyboard.press('Enter')
  const form = admin.getByRole('form', { name: 'Edit routing rule net-vpn' })
  await expect(form.getByLabel('Service', { exact: true })).toBeFocused()
  await expectAccessible(admin, 'Administration, routing rule form')
  // A rule for no service is refused by the schema, here, before any round trip.
  await admin.keyboard.press('Control+a')
  await admin.keyboard.press('Delete')
  await admin.keyboard.press('Enter')
  await expect(form.getByLabel('Service', { exact: true })).toHaveAttribute('aria-invalid', 'true')
  await admin.keyboard.type('Network')
  await admin.keyboard.press('Tab')
  await admin.keyboard.press('Tab')
  await expect(form.getByLabel('Team', { exact: true })).toBeFocused()
  await form.getByLabel('Team', { exact: true }).selectOption({ label: 'Desktop Support Services' })
  await admin.keyboard.press('Tab')
  await admin.keyboard.press('Enter')
  await expect(status(admin)).toHaveText('Saved routing rule net-vpn.')
  await expect(admin.getByRole('button', { name: 'Edit net-vpn' })).toBeFocused()
  await expect(rules.getByRole('row', { name: /net-vpn/ })).toContainText('desktop-support')

  await adminTab('Directory').focus()
  await admin.keyboard.press('ArrowRight')
  await expect(adminTab('Audit trail')).toBeFocused()
  const trail = admin.getByRole('table', { name: 'Audit trail' })
  await expect(trail.getByRole('row').nth(1)).toContainText('Saved directory entries')
  await expect(trail.getByRole('row').nth(1)).toContainText('routingGuidance: net-vpn')
  await expect(trail).toContainText('Issued an enrollment code')
  await expect(trail.getByRole('row', { name: /Created the user jlee/ })).toContainText('admin')
  await expectAccessible(admin, 'Administration, Audit trail')

  // At the second station: the directory is taken in at sign-in, so the agent signs in again.
  await desk2.getByRole('button', { name: 'Sign out' }).click()
  await signIn(desk2, NEW_USER.username, NEW_USER.password)
  await expect(desk2.getByRole('heading', { name: 'My tickets' })).toBeVisible()
  await desk2.keyboard.press('Control+n')
  await expect(desk2.getByRole('heading', { name: 'New call' })).toBeVisible()
  await desk2.keyboard.type('dwhit')
  await expect(desk2.getByRole('option', { name: /Dana Whitfield/ })).toBeVisible()
  await desk2.keyboard.press('Enter')
  await expect(desk2.getByLabel('Caller name')).toHaveValue('Dana Whitfield')
  await desk2.keyboard.press('5')
  await expect(desk2.getByLabel('Title')).toHaveValue('Cannot connect to VPN')
  await desk2.keyboard.press('Control+Enter')
  await expect(desk2.getByLabel('Ticket number')).toBeVisible()
  await desk2.keyboard.press('Alt+e')
  const escalation = desk2.getByRole('dialog', { name: /^Escalate/ })
  await expect(escalation.getByLabel('Team', { exact: true })).toBeFocused()
  await expect(escalation.getByLabel('Team', { exact: true })).toHaveValue('desktop-support')
})
