/**
 * Issue 10, item 1: focus goes where the next keystroke belongs. Real Chromium through the
 * browser host against a real central server, driven by keyboard alone; every step asserts
 * where the cursor is. One station and one tab for the file; a test that needs a ticket on screen
 * logs one unless an earlier test left it there, so each also runs (and fails) on its own.
 * Needs `npx electron-vite build` first.
 */
import { expect, test, type Locator, type Page } from '@playwright/test'
import { firstRunThenSignIn, openDeskFloor, type DeskFloor } from './desk-floor'

let floor: DeskFloor
let page: Page
let number = ''

test.beforeAll(async ({ browser }) => {
  floor = await openDeskFloor()
  page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
  await firstRunThenSignIn(page, floor)
})

test.afterAll(async () => {
  await page?.context().close()
  await floor?.close()
})

const action = (name: string) =>
  page.getByRole('toolbar', { name: 'Ticket actions' }).getByRole('button', { name, exact: true })
const callerBox = () => page.getByLabel('Caller (phone, name or username)')
const focusIsIn = (selector: string) =>
  page.evaluate((s) => document.activeElement?.closest(s) != null, selector)

/** The ticket the earlier tests work on, logged now if this worker has none yet. */
async function onTicket(): Promise<void> {
  if (number) return
  await logTemplatedCall()
  number = (await page.getByLabel('Ticket number').textContent())!
}

async function logTemplatedCall() {
  await page.keyboard.press('Control+n')
  await expect(callerBox()).toBeFocused()
  await page.keyboard.type('dwhit')
  await expect(page.getByRole('option', { name: /Dana Whitfield/ })).toBeVisible()
  await page.keyboard.press('Enter')
  await page.keyboard.press('5')
  await expect(page.getByLabel('Title')).toHaveValue('Cannot connect to VPN')
  await page.keyboard.press('Control+Enter')
  await expect(page.getByLabel('Ticket number')).toHaveText(/^S\d+-\d+$/)
}

/** Tab (or Shift+Tab) until `target` has focus, as an agent would; bounded. */
async function tabTo(target: Locator, key: 'Tab' | 'Shift+Tab' = 'Tab') {
  for (let i = 0; i < 30; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return
    await page.keyboard.press(key)
  }
  await expect(target).toBeFocused()
}

test('Ctrl+Enter opens the new ticket, announces its number and focuses its first action', async () => {
  await logTemplatedCall()
  number = (await page.getByLabel('Ticket number').textContent())!
  await expect(
    page.locator('[aria-live]').filter({ hasText: `Call logged as ticket ${number}` }),
  ).toHaveCount(1)
  await expect(action('Escalate…')).toBeFocused()
})

test('Escape on Escalate, Hold, Resolve and Record contact gives focus back to what opened it', async () => {
  await onTicket()
  const dialogs = [
    ['Escalate…', `Escalate ${number}`],
    ['Hold…', `Put ${number} on hold`],
    ['Resolve…', `Resolve ${number}`],
    ['Record contact…', `Customer contact on ${number}`],
  ] as const
  for (const [button, title] of dialogs) {
    await tabTo(action(button))
    await page.keyboard.press('Enter')
    const dialog = page.getByRole('dialog', { name: title })
    await expect(dialog).toBeVisible()
    expect(await focusIsIn('dialog')).toBe(true)
    await page.keyboard.press('Escape')
    await expect(dialog).toBeHidden()
    await expect(action(button)).toBeFocused()
  }

  // Opened by its shortcut, a dialog gives focus back to whatever had it.
  await tabTo(action('Record contact…'))
  await page.keyboard.press('Alt+r')
  await expect(page.getByRole('dialog', { name: `Resolve ${number}` })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(action('Record contact…')).toBeFocused()
})

test('Tab and Shift+Tab cycle inside a dialog and never stop on the page behind it', async () => {
  await onTicket()
  await page.keyboard.press('Alt+e')
  const dialog = page.getByRole('dialog', { name: `Escalate ${number}` })
  await expect(dialog.getByLabel('Team', { exact: true })).toBeFocused()
  for (const key of ['Tab', 'Shift+Tab']) {
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press(key)
      expect(await focusIsIn('dialog'), `${key} × ${i + 1}`).toBe(true)
    }
  }
  await page.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})

test('after escalating, focus is back on the ticket', async () => {
  await onTicket()
  await tabTo(action('Escalate…'))
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: `Escalate ${number}` })
  await tabTo(dialog.getByLabel('Transferred — the team accepted the call'))
  await page.keyboard.press('Space')
  await tabTo(dialog.getByLabel('Accepted by'))
  await page.keyboard.type('Sam at Network Operations')
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  await expect(action('Return to owner')).toBeVisible()
  await expect(action('Escalate…')).toBeFocused()
})

test("Alt+digit switches tab and puts the cursor in that tab's main field", async () => {
  await onTicket()
  await page.keyboard.press('Alt+3')
  await expect(page.getByLabel('New Tech Note')).toBeFocused()
  await page.keyboard.press('Alt+4')
  await expect(page.getByLabel('New customer note')).toBeFocused()
  await page.keyboard.press('Alt+1')
  await expect(page.getByRole('tabpanel').getByLabel('Title')).toBeFocused()
  // History has no field: the panel itself takes focus, so the keys stay on the ticket.
  await page.keyboard.press('Alt+5')
  await expect(page.getByRole('tabpanel', { name: 'History' })).toBeFocused()
})

test('discarding a draft gives an empty form with the cursor in the caller box', async () => {
  await page.keyboard.press('Control+n')
  await expect(callerBox()).toBeFocused()
  await page.keyboard.type('Someone who hung up')
  await page.keyboard.press('Alt+Backspace')
  await expect(callerBox()).toBeFocused()
  await expect(callerBox()).toHaveValue('')
  await expect(page.getByLabel('Caller name')).toHaveValue('')
})
