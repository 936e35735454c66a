/**
 * Email in end to end (issue 11, item 7, "Done when"): a customer's email, sent by a real SMTP
 * client (nodemailer) to the central server's own listener, becomes a ticket on the agent's desk
 * in Chromium; the agent answers it by email (captured by the test SMTP listener, as the site's
 * mail server would take it), and the customer's reply to that email threads into the same
 * ticket, live; the agent then takes the ticket over as its owner (rule 4), and its call-back is
 * on their desk. By keyboard, with axe on every screen. Needs `npm run build` first.
 */
import nodemailer from 'nodemailer'
import type Mail from 'nodemailer/lib/mailer'
import { expect, test, type Locator, type Page } from '@playwright/test'
import { firstRunThenSignIn, openDeskFloor, type DeskFloor } from './desk-floor'
import { expectAccessible } from './support/axe'

test.describe.configure({ mode: 'serial' })

const DANA = 'dana.whitfield@example.edu'
const SUBJECT = 'Laptop will not charge'

let floor: DeskFloor
let page: Page
let number = ''

function sendAsCustomer(mail: Mail.Options) {
  return nodemailer
    .createTransport({
      host: '127.0.0.1',
      port: floor.server().mailInPort!,
      secure: false,
      ignoreTLS: true,
    })
    .sendMail({ from: `"Dana Whitfield" <${DANA}>`, to: 'service-desk@warmline.test', ...mail })
}

/** Tab until `target` has focus, as an agent would; bounded. */
async function tabTo(target: Locator) {
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((element) => element === document.activeElement)) return
    await page.keyboard.press('Tab')
  }
  await expect(target).toBeFocused()
}

test.beforeAll(async ({ browser }) => {
  floor = await openDeskFloor({ mailIn: { port: 0 } })
  page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage()
  await firstRunThenSignIn(page, floor)
})

test.afterAll(async () => {
  await page?.context().close()
  await floor?.close()
})

test('(1) a customer’s email becomes an email incident on the agent’s desk', async () => {
  await sendAsCustomer({
    subject: SUBJECT,
    text: 'The charger light stays off since Monday.',
    messageId: '<e2e-first@mail.example.edu>',
  })
  await page.keyboard.press('Alt+f')
  await expect(page.getByRole('heading', { name: 'Floor' })).toBeVisible()
  const row = page.getByRole('table', { name: 'Open tickets' }).getByRole('row', { name: /Laptop/ })
  await expect(row).toContainText('Dana Whitfield', { timeout: 30_000 })
  await expectAccessible(page, 'Floor list with an emailed ticket')
  const open = row.getByRole('button')
  number = (await open.textContent())!
  expect(number).toMatch(/^SRV-\d+$/)

  await tabTo(open)
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { name: SUBJECT })).toBeVisible()
  await expect(page.getByText('Email', { exact: true })).toBeVisible()
  await page.keyboard.press('Alt+4')
  const notes = page.getByRole('list', { name: 'Customer notes' })
  await expect(notes.getByText('The charger light stays off since Monday.')).toBeVisible()
  await expect(notes.getByText('email from the customer')).toBeVisible()
  await expectAccessible(page, 'emailed ticket, Customer notes')
})

test('(2) the agent answers by email, and the customer’s reply threads into the ticket', async () => {
  await page.keyboard.press('Alt+2')
  const sendToCustomer = page.getByLabel(/Send Email To: customer/)
  await tabTo(sendToCustomer)
  await page.keyboard.press('Space')
  await expect(sendToCustomer).toBeChecked()
  await page.keyboard.press('Alt+4')
  await expect(page.getByLabel('New customer note')).toBeFocused()
  await page.keyboard.type('Does another charger work? Reply to this email.')
  await page.keyboard.press('Control+Enter')

  await expect.poll(() => floor.smtp.received.length, { timeout: 30_000 }).toBe(1)
  const outbound = floor.smtp.received[0]!
  expect(outbound.to).toEqual([DANA])
  expect(outbound.raw).toContain(`[${number}]`)

  await sendAsCustomer({
    subject: `Re: [${number}] ${SUBJECT}`,
    text: 'Another charger works, so it is the charger.',
    messageId: '<e2e-reply@mail.example.edu>',
    inReplyTo: outbound.messageId,
    references: [outbound.messageId],
  })
  const notes = page.getByRole('list', { name: 'Customer notes' })
  await expect(notes.getByText('Another charger works, so it is the charger.')).toBeVisible({
    timeout: 30_000,
  })
  await expect(notes.getByText('email from the customer')).toHaveCount(2)
  await expectAccessible(page, 'emailed ticket with the customer’s reply')

  await page.keyboard.press('Alt+5')
  const history = page.getByRole('table', { name: `History of ${number}` })
  await expect(history.getByRole('row', { name: /Customer email/ })).toHaveCount(2)
  await expectAccessible(page, 'emailed ticket, History')
  // Still one ticket from Dana's emails: the reply opened nothing.
  const openings = (await floor.serverEvents()).filter(
    (e) => e.type === 'opened' && e.payload.source === 'email',
  )
  expect(openings).toHaveLength(1)
})

test('(3) the agent takes ownership of the emailed ticket, and its call-back is on their desk', async () => {
  const take = page
    .getByRole('toolbar', { name: 'Ticket actions' })
    .getByRole('button', { name: 'Take ownership' })
  await expect(page.getByLabel('Owner')).toHaveText('No owner yet')
  await tabTo(take)
  await page.keyboard.press('Enter')
  await expect(page.getByLabel('Owner')).toHaveText(/^Owner: /)
  await expect(take).toHaveCount(0)
  // The pressed button is gone: the ticket's first action has the keyboard.
  await expect(
    page
      .getByRole('toolbar', { name: 'Ticket actions' })
      .getByRole('button', { name: 'Escalate…' }),
  ).toBeFocused()
  await expectAccessible(page, 'emailed ticket, taken over')
  // The server accepted it (an agent may take a ticket the server owns).
  await expect
    .poll(async () => (await floor.serverEvents()).filter((e) => e.type === 'ownership_taken'), {
      timeout: 30_000,
    })
    .toHaveLength(1)

  await page.keyboard.press('Alt+m')
  const followUp = page.getByRole('list', { name: 'Follow-up' })
  await expect(followUp.getByRole('button', { name: `Open ${number}` })).toBeVisible()
})
