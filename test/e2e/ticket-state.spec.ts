/**
 * Issue 10, items 4, 5, 6 and 8, by keyboard alone in real Chromium against a real central
 * server: the ticket shows its real state (with which team, since when; a reason to resolve over
 * a team's head; read-only once resolved; the resolution full width), the caller's other tickets
 * and the routing guidance stay beside the ticket, a logged call is linked to a parent incident
 * (and unlinked) from the ticket and from the supervisor's side panel, and the agent's
 * notifications show as a badge. One station and one tab, tests in order, building on each other.
 * Needs `npm run build` first.
 */
import nodemailer from 'nodemailer'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { DEMO_PASSWORD } from '../../src/server/setup'
import { AGENT, firstRunThenSignIn, openDeskFloor, type DeskFloor } from './desk-floor'
import { expectAccessible } from './support/axe'

test.describe.configure({ mode: 'serial' })

let floor: DeskFloor
let page: Page
/** A: a VPN call; B: a printer call of the same caller; C: an email incident. */
const numbers = { a: '', b: '', c: '' }

test.beforeAll(async ({ browser }) => {
  // Email in, for the customer's reply (item 8).
  floor = await openDeskFloor({ mailIn: { port: 0 } })
  page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
  await firstRunThenSignIn(page, floor, (where) => expectAccessible(page, where))
})

test.afterAll(async () => {
  await page?.context().close()
  await floor?.close()
})

const action = (name: string) =>
  page.getByRole('toolbar', { name: 'Ticket actions' }).getByRole('button', { name, exact: true })
const ticketNumber = () => page.getByLabel('Ticket number')
const context = () => page.getByRole('complementary', { name: 'Caller context' })

/** Tab (or Shift+Tab) until `target` has focus, as an agent would; bounded. */
async function tabTo(target: Locator, key: 'Tab' | 'Shift+Tab' = 'Tab') {
  for (let i = 0; i < 60; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return
    await page.keyboard.press(key)
  }
  await expect(target).toBeFocused()
}

async function logTemplatedCall(templateDigit: string, source?: string): Promise<string> {
  await page.keyboard.press('Control+n')
  await expect(page.getByLabel('Caller (phone, name or username)')).toBeFocused()
  await page.keyboard.type('dwhit')
  await expect(page.getByRole('option', { name: /Dana Whitfield/ })).toBeVisible()
  await page.keyboard.press('Enter')
  await page.keyboard.press(templateDigit)
  if (source) {
    const select = page.getByLabel('Source')
    await tabTo(select, 'Shift+Tab')
    await page.keyboard.type(source)
    await expect(select).toHaveValue(source.toLowerCase())
  }
  await page.keyboard.press('Control+Enter')
  await expect(ticketNumber()).toHaveText(/^S\d+-\d+$/)
  return (await ticketNumber().textContent())!
}

async function eventsOf(number: string) {
  const events = await floor.serverEvents()
  const ticketId = events.find((e) => e.type === 'opened' && e.payload.number === number)?.ticketId
  return events.filter((e) => e.ticketId === ticketId)
}

/** Follows a ticket number link in the caller context, by keyboard. */
async function openFromContext(number: string) {
  const link = context().getByRole('button', { name: number, exact: true })
  await tabTo(link)
  await page.keyboard.press('Enter')
  await expect(ticketNumber()).toHaveText(number)
}

test("item 5: the caller's other tickets and the routing guidance stay beside the ticket", async () => {
  numbers.a = await logTemplatedCall('5')
  await expect(context().getByText('Dana Whitfield has no other open ticket.')).toBeVisible()
  await expect(
    context().getByRole('heading', { name: 'Routing guidance for Network / VPN' }),
  ).toBeVisible()
  await expect(context().getByText('KB0010201')).toBeVisible()

  numbers.b = await logTemplatedCall('3')
  await expect(page.getByRole('heading', { name: 'Printer problem' })).toBeVisible()
  const open = context().getByRole('region', { name: "Caller's open tickets" })
  await expect(open.getByRole('button', { name: numbers.a, exact: true })).toBeVisible()
  await expect(context().getByText('KB0010401')).toBeVisible()
  await expectAccessible(page, 'ticket with the caller context')

  // Still on screen on another tab, while the agent writes a Tech Note during the call.
  await page.keyboard.press('Alt+3')
  await expect(page.getByLabel('New Tech Note')).toBeFocused()
  await expect(open).toBeVisible()

  await openFromContext(numbers.a)
  await expect(page.getByRole('heading', { name: 'Cannot connect to VPN' })).toBeVisible()
  await expect(action('Escalate…')).toBeFocused()
})

test('item 6: a logged call is linked to its parent incident from the ticket, and unlinked', async () => {
  await openFromContext(numbers.b)
  await tabTo(action('Link to parent…'))
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: `Link ${numbers.b} to a parent incident` })
  await expect(dialog.getByLabel('Find the parent incident')).toBeFocused()
  await page.keyboard.type(numbers.a)
  const choice = dialog.getByRole('radio', { name: new RegExp(`^${numbers.a} Cannot connect`) })
  await expect(choice).toBeVisible()
  await expectAccessible(page, 'parent incident picker')
  await tabTo(choice)
  await page.keyboard.press('Space')
  await expect(choice).toBeChecked()
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  await expect(action('Parent incident…')).toBeFocused()
  await page.keyboard.press('Alt+1')
  const facts = page.getByRole('complementary', { name: 'Ticket facts' })
  await expect(facts.getByRole('button', { name: numbers.a, exact: true })).toBeVisible()
  const parentId = (await eventsOf(numbers.a))[0]!.ticketId
  await expect
    .poll(async () => (await eventsOf(numbers.b)).filter((e) => e.type === 'parent_linked'))
    .toEqual([expect.objectContaining({ payload: { parentTicketId: parentId } })])

  await tabTo(action('Parent incident…'))
  await page.keyboard.press('Enter')
  await expect(dialog.getByText(`Linked now to ${numbers.a} Cannot connect to VPN`)).toBeVisible()
  await tabTo(dialog.getByRole('button', { name: 'Unlink' }))
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  await expect(action('Link to parent…')).toBeFocused()
  await expect(facts.getByText('Parent incident')).toBeHidden()
  await expect
    .poll(async () => (await eventsOf(numbers.b)).filter((e) => e.type === 'parent_linked').length)
    .toBe(2)
})

test('item 4: an escalated ticket is with its team since then; resolving it over the team asks a reason; resolved, it is read-only', async () => {
  await openFromContext(numbers.a)
  const state = page.getByLabel('State', { exact: true })
  await expect(state).toHaveText('Open')
  await page.keyboard.press('Alt+e')
  const escalation = page.getByRole('dialog', { name: `Escalate ${numbers.a}` })
  await tabTo(escalation.getByLabel('Transferred — the team accepted the call'))
  await page.keyboard.press('Space')
  await tabTo(escalation.getByLabel('Accepted by'))
  await page.keyboard.type('Sam at Network Operations')
  await page.keyboard.press('Enter')
  await expect(escalation).toBeHidden()
  await expect(state).toHaveText(/^With Network Operations since \d{1,2}:\d{2}/)
  await expect(action('Escalate…')).toBeFocused()

  await page.keyboard.press('Alt+r')
  const resolve = page.getByRole('dialog', { name: `Resolve ${numbers.a}` })
  await expect(resolve.getByLabel('Resolution notes')).toBeFocused()
  await expect(
    resolve.getByRole('group', { name: 'Network Operations holds this ticket' }),
  ).toBeVisible()
  await expectAccessible(page, 'resolve dialog over a second-level team')
  const notes =
    'Reinstalled the VPN profile while the caller waited; the connection held for five minutes and the caller confirmed they can reach the library databases again.'
  await page.keyboard.type(notes)
  await tabTo(resolve.getByLabel('Root cause'))
  await page.keyboard.type('Outdated VPN profile')
  await tabTo(resolve.getByLabel('Resolution code'))
  await page.keyboard.type('Fixed')
  await tabTo(resolve.getByLabel('Customer agreed'))
  await page.keyboard.type('Verbally')
  const submit = resolve.getByRole('button', { name: `Resolve ${numbers.a}` })
  await tabTo(submit)
  await page.keyboard.press('Enter')
  await expect(
    resolve.getByText(
      'A second-level team holds this ticket: confirm you resolve it for them, and say why.',
    ),
  ).toBeVisible()
  await expect(resolve).toBeVisible()

  await tabTo(resolve.getByLabel('I resolve it for Network Operations'), 'Shift+Tab')
  await page.keyboard.press('Space')
  await page.keyboard.press('Tab')
  await expect(resolve.getByLabel('Why you resolve it instead of Network Operations')).toBeFocused()
  await page.keyboard.type('The caller fixed it with us before the team got to it')
  await tabTo(submit)
  await page.keyboard.press('Enter')
  await expect(resolve).toBeHidden()
  await expect(state).toHaveText('Resolved')

  await page.keyboard.press('Alt+1')
  const panel = page.getByRole('tabpanel', { name: 'Details' })
  await expect(panel.getByLabel('Title')).not.toBeEditable()
  await expect(panel.getByText('Resolved: the details are read-only.')).toBeVisible()
  const resolution = page.getByRole('region', { name: 'Resolution' })
  await expect(resolution.getByText(notes)).toBeVisible()
  // Full width: a paragraph, not one word per line in a narrow column.
  const box = (await resolution.getByText(notes).boundingBox())!
  expect(box.width).toBeGreaterThan(600)
  await expect(
    resolution.getByText(
      'Resolved for Network Operations, which held it: The caller fixed it with us before the team got to it',
    ),
  ).toBeVisible()
  await expectAccessible(page, 'resolved ticket, read-only')
  await expect
    .poll(async () => (await eventsOf(numbers.a)).find((e) => e.type === 'resolved')?.payload)
    .toMatchObject({
      takenFromTeam: {
        teamId: 'network-ops',
        reason: 'The caller fixed it with us before the team got to it',
      },
    })

  // Reopened (rule 9), the details are editable again, and it is back with the team.
  await tabTo(action('Reopen…'))
  await page.keyboard.press('Enter')
  const reopen = page.getByRole('dialog', { name: `Reopen ${numbers.a}` })
  await page.keyboard.type('It dropped again an hour later')
  await tabTo(reopen.getByRole('button', { name: 'Reopen', exact: true }))
  await page.keyboard.press('Enter')
  await expect(reopen).toBeHidden()
  await expect(state).toHaveText(/^With Network Operations since/)
  await expect(panel.getByLabel('Title')).toBeEditable()
})

async function signInAs(username: string) {
  await tabTo(page.getByRole('button', { name: 'Sign out' }), 'Shift+Tab')
  await page.keyboard.press('Enter')
  await tabTo(page.getByLabel('User name'))
  await page.keyboard.type(username)
  await page.keyboard.press('Tab')
  await page.keyboard.type(username === AGENT.username ? AGENT.password : DEMO_PASSWORD)
  await page.keyboard.press('Enter')
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
}

/** Ctrl+K, the number (over whatever the box held), Enter, and the match opened. */
async function findTicket(number: string) {
  await page.keyboard.press('Control+k')
  await page.keyboard.press('Control+a')
  await page.keyboard.type(number)
  await page.keyboard.press('Enter')
  await tabTo(page.getByRole('button', { name: number, exact: true }))
  await page.keyboard.press('Enter')
  await expect(ticketNumber()).toHaveText(number)
}

/** Moves down the Live queue until the side panel shows `number`. */
async function selectInQueue(number: string) {
  const grid = page.getByRole('grid', { name: 'Open tickets of the floor' })
  const shown = page.locator('.qpanel__header .ticket-number')
  await tabTo(grid)
  await page.keyboard.press('Home')
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Enter')
    await expect(shown).toBeVisible()
    if ((await shown.textContent()) === number) return
    await tabTo(grid, 'Shift+Tab')
    await page.keyboard.press('ArrowDown')
  }
  await expect(shown).toHaveText(number)
}

test("item 8: the agent's notifications show as a badge: a contact due (rule 9), a ticket returned (rule 7)", async () => {
  const notifications = page.getByRole('button', { name: /^Notifications/ })
  await expect(notifications).toHaveAccessibleName('Notifications')
  numbers.c = await logTemplatedCall('3', 'Email')
  await expect(notifications).toHaveAccessibleName('Notifications 1 notification')

  // The supervisor links B from the side panel (item 6) and returns A to its owner (rule 7).
  await signInAs('super1')
  await tabTo(page.getByRole('button', { name: 'Live queue' }))
  await page.keyboard.press('Enter')
  await selectInQueue(numbers.b)
  const side = page.getByRole('complementary').filter({ has: page.locator('.qpanel__header') })
  await tabTo(side.getByRole('button', { name: 'Link to parent…' }))
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: `Link ${numbers.b} to a parent incident` })
  await expect(dialog.getByLabel('Find the parent incident')).toBeFocused()
  await page.keyboard.type(numbers.a)
  const choice = dialog.getByRole('radio', { name: new RegExp(`^${numbers.a} `) })
  await expect(choice).toBeVisible()
  await expectAccessible(page, 'parent incident picker from the side panel')
  await tabTo(choice)
  await page.keyboard.press('Space')
  await page.keyboard.press('Enter')
  await expect(dialog).toBeHidden()
  await expect(side.getByRole('button', { name: 'Parent incident…' })).toBeFocused()
  await expect(side.getByText(`${numbers.a} — Cannot connect to VPN`)).toBeVisible()

  await selectInQueue(numbers.a)
  await tabTo(side.getByRole('button', { name: 'Return to owner' }))
  await page.keyboard.press('Enter')
  await expect(side.getByRole('button', { name: 'Return to owner' })).toBeHidden()

  await signInAs(AGENT.username)
  await expect(notifications).toHaveAccessibleName('Notifications 2 notifications')
  await tabTo(notifications)
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible()
  await expectAccessible(page, 'notifications')
  const list = page.getByRole('list', { name: '2 notifications' })
  await expect(
    list.getByRole('button', { name: `Call Dana Whitfield back about ${numbers.c}` }),
  ).toBeVisible()
  const returned = list.getByRole('button', { name: `${numbers.a} returned to you` })
  await tabTo(returned)
  await page.keyboard.press('Enter')
  await expect(ticketNumber()).toHaveText(numbers.a)
  await expect(action('Escalate…')).toBeFocused()

  // Calling the customer back (rule 9) settles that notification.
  await findTicket(numbers.c)
  await tabTo(action('Record contact…'))
  await page.keyboard.press('Enter')
  const contact = page.getByRole('dialog', { name: `Customer contact on ${numbers.c}` })
  await expect(contact.getByLabel('Channel')).toBeFocused()
  await tabTo(contact.getByLabel('Outcome'))
  await page.keyboard.type('Reached')
  await expect(contact.getByLabel('Outcome')).toHaveValue('reached')
  await tabTo(contact.getByRole('button', { name: 'Record contact' }))
  await page.keyboard.press('Enter')
  await expect(contact).toBeHidden()
  await expect(notifications).toHaveAccessibleName('Notifications 1 notification')
})

test("item 8: a customer's email reply is a notification until the agent answers it", async () => {
  const notifications = page.getByRole('button', { name: /^Notifications/ })
  await expect(notifications).toHaveAccessibleName('Notifications 1 notification')
  await findTicket(numbers.a)

  async function emailTheCustomer(text: string) {
    await page.keyboard.press('Alt+2')
    const sendToCustomer = page.getByLabel(/Send Email To: customer/)
    await tabTo(sendToCustomer)
    await page.keyboard.press('Space')
    await page.keyboard.press('Alt+4')
    await expect(page.getByLabel('New customer note')).toBeFocused()
    await page.keyboard.type(text)
    await page.keyboard.press('Control+Enter')
  }
  await emailTheCustomer('Does it still drop? Reply to this email.')
  await expect.poll(() => floor.smtp.received.length, { timeout: 30_000 }).toBe(1)
  const outbound = floor.smtp.received[0]!
  await nodemailer
    .createTransport({
      host: '127.0.0.1',
      port: floor.server().mailInPort!,
      secure: false,
      ignoreTLS: true,
    })
    .sendMail({
      from: '"Dana Whitfield" <dana.whitfield@example.edu>',
      to: 'service-desk@warmline.test',
      subject: `Re: [${numbers.a}] Cannot connect to VPN`,
      text: 'Yes, it dropped again this morning.',
      messageId: '<e2e-ticket-state-reply@mail.example.edu>',
      inReplyTo: outbound.messageId,
      references: [outbound.messageId],
    })
  await expect(notifications).toHaveAccessibleName('Notifications 2 notifications', {
    timeout: 30_000,
  })
  await tabTo(notifications)
  await page.keyboard.press('Enter')
  const list = page.getByRole('list', { name: '2 notifications' })
  const reply = list.getByRole('button', { name: `Dana Whitfield replied on ${numbers.a}` })
  await expect(reply).toBeVisible()
  await expectAccessible(page, 'notifications with a customer reply')
  await tabTo(reply)
  await page.keyboard.press('Enter')
  await expect(ticketNumber()).toHaveText(numbers.a)

  await emailTheCustomer('Thanks, I will call you in ten minutes.')
  await expect(notifications).toHaveAccessibleName('Notifications 1 notification')
})
