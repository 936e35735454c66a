// @vitest-environment happy-dom
/**
 * The ticket view and its actions, on the real station store: escalation with warm transfer
 * (rules 4, 5), notes and Send Email To (rule 6), return to owner (rule 7), resolve / reopen /
 * close (rules 8, 9), and a history that shows conflicts.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { beforeEach, describe, expect, test } from 'vitest'
import { uuidv7 } from '../../src/shared/ids'
import { receiveCustomerMessage } from '../../src/shared/incident/email-in'
import { resolve } from '../../src/shared/incident/rules'
import { RETURN_TO_OWNER_NOTE } from '../../src/shared/incident/standard-notes'
import type { Ticket } from '../../src/shared/incident/ticket'
import {
  Keyboard,
  logVpnCall,
  useTestStation,
  SUPERVISOR,
  recordAs,
  renderDesk,
} from './support/desk'
import { completeResolution } from '../support/incident-fixtures'

const station = useTestStation()
let ticketId: string
beforeEach(async () => {
  ticketId = await logVpnCall(station.store)
})

const current = async (): Promise<Ticket> => (await station.store.getTicket(ticketId))!
const change = (label: string | RegExp, value: string, scope: HTMLElement = document.body) =>
  fireEvent.change(within(scope).getByLabelText(label), { target: { value } })

/** A note counts as saved once it is in the tab's list (the composer holds the same text). */
const listed = async (list: 'Tech Notes' | 'Customer notes', text: string) =>
  within(await screen.findByRole('list', { name: list })).findByText(text)

async function openTicket() {
  const rendered = renderDesk(station.store, { name: 'ticket', ticketId })
  await screen.findByRole('heading', { name: 'Cannot connect to VPN' })
  return rendered
}

/**
 * Alt+digit switches tabs once the ticket view has registered its shortcuts, which can come a
 * render after the heading shows; pressing again is harmless, so the press is retried until the tab is there.
 */
async function tabByShortcut(keys: Keyboard, digit: string, control: string | RegExp) {
  await waitFor(() => {
    keys.press(digit, { altKey: true })
    expect(screen.getByLabelText(control)).toBeTruthy()
  })
}

async function escalateTo(teamName: string | null, fill: (dialog: HTMLElement) => void) {
  new Keyboard().press('e', { altKey: true })
  const dialog = await screen.findByRole('dialog', { name: /Escalate/ })
  await within(dialog).findByLabelText('Team')
  if (teamName) {
    const select = within(dialog).getByLabelText('Team') as HTMLSelectElement
    const option = [...select.options].find((o) => o.text.startsWith(teamName))!
    fireEvent.change(select, { target: { value: option.value } })
  }
  fill(dialog)
  fireEvent.click(within(dialog).getByRole('button', { name: /^Escalate/ }))
  return dialog
}

const transferred = (dialog: HTMLElement) =>
  fireEvent.click(within(dialog).getByLabelText('Transferred — the team accepted the call'))

describe('escalation', () => {
  test('suggests the routing guidance team with its warm-transfer number, hours and KB reference', async () => {
    await openTicket()
    new Keyboard().press('e', { altKey: true })
    const dialog = await screen.findByRole('dialog', { name: 'Escalate A1-1' })
    await waitFor(() => expect(document.activeElement).toBe(within(dialog).getByLabelText('Team')))
    const team = within(dialog).getByLabelText('Team') as HTMLSelectElement
    expect(team.selectedOptions[0]?.text).toBe(
      'Network Operations — suggested by the routing guidance',
    )
    const card = within(dialog).getByRole('complementary', { name: 'Team contact' })
    expect(card.textContent).toContain('+1 555 010 2120')
    expect(card.textContent).toContain('24/7')
    expect(card.textContent).toContain('KB0010201')
    // Nobody has dialled yet: no outcome is chosen, and no number is claimed as dialled.
    const outcomes = within(dialog).getAllByRole('radio') as HTMLInputElement[]
    expect(outcomes.filter((r) => r.checked)).toEqual([])
    expect(within(dialog).queryByLabelText('Number dialled')).toBeNull()
    expect(within(dialog).getByText('Call +1 555 010 2120, then say how it went.')).toBeTruthy()
    fireEvent.click(within(dialog).getByLabelText('Transferred — the team accepted the call'))
    expect(within(dialog).getByLabelText('Number dialled')).toHaveProperty(
      'value',
      '+1 555 010 2120',
    )
  })

  test('refuses to escalate a phone call whose transfer nobody recorded', async () => {
    await openTicket()
    const dialog = await escalateTo(null, () => undefined)
    expect(await within(dialog).findByText(/A phone incident is warm-transferred/)).toBeTruthy()
    expect((await current()).teamId).toBe('csc')
  })

  test('records the warm transfer, assigns the team, and counts a move to a second team', async () => {
    await openTicket()
    const dialog = await escalateTo(null, transferred)
    expect(await within(dialog).findByText(/Write who at the team accepted the call/)).toBeTruthy()
    change('Accepted by', 'Sam Ortiz', dialog)
    fireEvent.click(within(dialog).getByRole('button', { name: /^Escalate/ }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())

    expect(
      await screen.findByRole('tab', { name: 'Assignees and Notifications', selected: true }),
    ).toBeTruthy()
    expect(screen.getByLabelText('Reassignment count').textContent).toBe('0')
    const first = await current()
    expect(first.teamId).toBe('network-ops')
    expect(first.assignments[0]?.warmTransfer).toMatchObject({
      status: 'completed',
      acceptedBy: 'Sam Ortiz',
      contactUsed: '+1 555 010 2120',
    })
    expect(first.assignments[0]?.routingGuidanceId).toBe('net-vpn')

    const second = await escalateTo('Desktop Support Services', (d) => {
      transferred(d)
      change('Accepted by', 'Lee', d)
    })
    expect(
      await within(second).findByText(/not the one the routing guidance suggests/),
    ).toBeTruthy()
    change(
      'Why this team and not the suggested one',
      'Network Ops found the laptop profile corrupt.',
      second,
    )
    fireEvent.click(within(second).getByRole('button', { name: /^Escalate/ }))
    await waitFor(() => expect(screen.getByLabelText('Reassignment count').textContent).toBe('1'))
    expect((await current()).assignments[1]?.offGuidanceReason).toBe(
      'Network Ops found the laptop profile corrupt.',
    )
  })

  test('a transfer that could not happen is recorded with its reason', async () => {
    await openTicket()
    await escalateTo(null, (d) => {
      fireEvent.click(within(d).getByLabelText('Could not transfer'))
      change('Why the transfer could not happen', 'No answer on the hotline after 3 minutes.', d)
    })
    await waitFor(async () => expect((await current()).teamId).toBe('network-ops'))
    expect((await current()).assignments[0]?.warmTransfer).toEqual({
      status: 'not_possible',
      contactUsed: '+1 555 010 2120',
      reason: 'No answer on the hotline after 3 minutes.',
    })
  })
})

describe('return to owner', () => {
  test('is one action that adds the verbatim Tech Note and gives the ticket back to the CSC', async () => {
    await openTicket()
    await escalateTo(null, (d) => {
      transferred(d)
      change('Accepted by', 'Sam Ortiz', d)
    })
    await waitFor(async () => expect((await current()).teamId).toBe('network-ops'))
    fireEvent.click(await screen.findByRole('button', { name: 'Return to owner' }))
    await screen.findByRole('tab', { name: /Tech Notes/, selected: true })
    const notes = await screen.findByRole('list', { name: 'Tech Notes' })
    expect(within(notes).getByText(RETURN_TO_OWNER_NOTE)).toBeTruthy()
    const ticket = await current()
    expect(ticket.teamId).toBe('csc')
    expect(ticket.returnedToCsc).toBe(true)
    expect(screen.queryByRole('button', { name: 'Return to owner' })).toBeNull()
  })
})

describe('notes', () => {
  test('a customer note is emailed only with Send Email To, which then clears; a Tech Note never is', async () => {
    const { handedOver } = await openTicket()
    const keys = new Keyboard()

    await tabByShortcut(keys, '4', 'New customer note')
    change('New customer note', 'We are looking into it.')
    fireEvent.click(screen.getByRole('button', { name: 'Save customer note' }))
    await listed('Customer notes', 'We are looking into it.')

    await tabByShortcut(keys, '2', /Send Email To: customer/)
    fireEvent.click(screen.getByLabelText(/Send Email To: customer/))
    change('CC', 'lab-manager@example.edu')
    await tabByShortcut(keys, '4', 'New customer note')
    expect(
      screen.getByText(
        /Will be emailed to the customer \(dana\.whitfield@example\.edu\), lab-manager@example\.edu/,
      ),
    ).toBeTruthy()
    change('New customer note', 'Please restart the VPN client and call us back.')
    fireEvent.keyDown(screen.getByLabelText('New customer note'), {
      key: 'Enter',
      code: 'Enter',
      ctrlKey: true,
    })
    await listed('Customer notes', 'Please restart the VPN client and call us back.')

    await tabByShortcut(keys, '3', 'New Tech Note')
    change('New Tech Note', 'Profile version 4.2 is known bad.')
    fireEvent.click(screen.getByRole('button', { name: 'Save Tech Note' }))
    await listed('Tech Notes', 'Profile version 4.2 is known bad.')

    const notes = handedOver.filter(
      (e) => e.type === 'customer_note_added' || e.type === 'tech_note_added',
    )
    expect(
      notes.map((e) => [e.type, 'sendEmailTo' in e.payload ? e.payload.sendEmailTo : null]),
    ).toEqual([
      ['customer_note_added', { customer: false, cc: [] }],
      ['customer_note_added', { customer: true, cc: ['lab-manager@example.edu'] }],
      ['tech_note_added', null],
    ])
    await tabByShortcut(keys, '2', /Send Email To: customer/)
    expect(screen.getByLabelText(/Send Email To: customer/)).toHaveProperty('checked', false)
  })

  test('a password in an emailed note is refused inline (rule 3)', async () => {
    await openTicket()
    const keys = new Keyboard()
    await tabByShortcut(keys, '2', /Send Email To: customer/)
    fireEvent.click(screen.getByLabelText(/Send Email To: customer/))
    await tabByShortcut(keys, '4', 'New customer note')
    expect(screen.getByText(/Never put a password in it \(rule 3\)/)).toBeTruthy()
    for (const body of [
      'Your temporary password is Spring2026!',
      'I set your password to Tmp#4821-Blue',
      'login: jdoe / Winter2024!',
    ]) {
      change('New customer note', body)
      fireEvent.click(screen.getByRole('button', { name: 'Save customer note' }))
      const refusal = await screen.findByText(/Passwords are never given or reset by email/)
      // The refusal says what the check cannot see.
      expect(refusal.textContent).toMatch(/is not caught, so read the note before you send it/)
    }
    expect((await current()).notes).toEqual([])
  })
})

describe('a customer’s email (email in)', () => {
  test('shows in the customer notes with sender, subject and attachments, and in the history; never offered for redaction', async () => {
    const ticket = await current()
    await recordAs(
      station.store,
      (ctx) =>
        receiveCustomerMessage(
          ticket,
          {
            messageId: '<reply-1@mail.example.edu>',
            from: 'dana.whitfield@example.edu',
            fromName: 'Dana Whitfield',
            subject: 'Re: [A1-1] Cannot connect to VPN',
            text: 'It works again after the restart.',
            replyTo: [],
            attachments: [
              { name: 'screenshot.png', type: 'image/png', size: 2048, id: uuidv7() },
              { name: 'capture.pcap', type: '', size: 9_000_000, id: null },
            ],
            receivedAt: Date.now(),
          },
          ctx,
        ),
      'event-management',
    )
    renderDesk(station.store, { name: 'ticket', ticketId }, SUPERVISOR)
    await screen.findByRole('heading', { name: 'Cannot connect to VPN' })
    const keys = new Keyboard()
    await tabByShortcut(keys, '4', 'New customer note')
    const email = (await listed('Customer notes', 'It works again after the restart.')).closest(
      'li',
    )!
    expect(within(email).getByText('dana.whitfield@example.edu')).toBeTruthy()
    expect(within(email).getByText('email from the customer')).toBeTruthy()
    expect(within(email).getByText('Subject: Re: [A1-1] Cannot connect to VPN')).toBeTruthy()
    const files = within(email).getByRole('list', { name: 'Attachments' })
    expect(
      within(files)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([
      'screenshot.png (2 KB)',
      'capture.pcap (8.6 MB) · not kept: larger than the server keeps',
    ])
    // A supervisor may redact notes written here (rule 11), not what the customer sent.
    expect(within(email).queryByRole('button', { name: 'Redact…' })).toBeNull()

    keys.press('5', { altKey: true })
    const table = await screen.findByRole('table', { name: /History of A1-1/ })
    await waitFor(() => expect(within(table).getByText('Customer email')).toBeTruthy())
    expect(table.textContent).toContain(
      'from dana.whitfield@example.edu · Re: [A1-1] Cannot connect to VPN · 2 attached',
    )
  })
})

describe('resolution', () => {
  test('refuses an incomplete form field by field, then resolves; reopen and close follow', async () => {
    await openTicket()
    new Keyboard().press('r', { altKey: true })
    const dialog = await screen.findByRole('dialog', { name: 'Resolve A1-1' })
    change('Subcategory', '', dialog)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Resolve A1-1' }))
    await within(dialog).findByText(/Write down the actions taken/)
    const refusal = (label: string) => {
      const field = within(dialog).getByLabelText(label)
      return document.getElementById(field.getAttribute('aria-describedby')?.split(' ').pop() ?? '')
        ?.textContent
    }
    expect(refusal('Subcategory')).toMatch(/Classify the subcategory according to root cause/)
    expect(refusal('Root cause')).toMatch(/State the root cause/)
    expect(refusal('Resolution code')).toMatch(/Choose the resolution code/)
    expect(refusal('Customer agreed')).toMatch(/how the customer agreed/)
    expect((await current()).state).toBe('open')

    change('Resolution notes', 'Reinstalled the VPN profile; connected on the call.', dialog)
    change('Subcategory', 'Client configuration', dialog)
    change('Root cause', 'Outdated VPN profile', dialog)
    change('Resolution code', 'fixed', dialog)
    change('Customer agreed', 'verbal', dialog)
    change('How (who, where)', 'Dana confirmed on the phone', dialog)
    // Nothing says the call is still on (no phone system here): the agent ticks it.
    const firstContact = within(dialog).getByLabelText(/First-contact resolution/)
    expect(firstContact).toHaveProperty('checked', false)
    fireEvent.click(firstContact)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Resolve A1-1' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    const resolved = await current()
    expect(resolved.state).toBe('resolved')
    expect(resolved.resolution).toMatchObject({
      resolutionCode: 'fixed',
      firstContactResolution: true,
    })
    expect(resolved.resolution!.timeSpentMinutes).toBeGreaterThanOrEqual(1)

    fireEvent.click(await screen.findByRole('button', { name: 'Reopen…' }))
    const reopen = await screen.findByRole('dialog', { name: 'Reopen A1-1' })
    change('Why the customer reopens it', 'It broke again after a reboot.', reopen)
    fireEvent.click(within(reopen).getByRole('button', { name: 'Reopen' }))
    await waitFor(async () => expect((await current()).state).toBe('open'))

    const reopened = await current()
    await recordAs(station.store, (ctx) => resolve(reopened, completeResolution(), ctx))
    fireEvent.click(await screen.findByRole('button', { name: 'Close…' }))
    const close = await screen.findByRole('dialog', { name: 'Close A1-1' })
    // Nobody has asked the customer yet: the dialog does not answer for them.
    fireEvent.click(within(close).getByRole('button', { name: 'Close ticket' }))
    expect(await within(close).findByText(/^Say whether the customer is satisfied\./)).toBeTruthy()
    change('Is the customer satisfied?', 'yes', close)
    fireEvent.click(within(close).getByRole('button', { name: 'Close ticket' }))
    await waitFor(async () => expect((await current()).state).toBe('closed'))
    expect((await current()).closure).toMatchObject({ customerSatisfied: true, via: 'staff' })
  })
})

describe('history', () => {
  test('lists every event with who and when, and shows a change that was not applied', async () => {
    const stale = await current()
    await recordAs(station.store, (ctx) => resolve(stale, completeResolution(), ctx))
    // A second station resolved the same ticket from the same (stale) view of it.
    await recordAs(
      station.store,
      (ctx) => resolve(stale, completeResolution({ resolutionNotes: 'Also fixed here.' }), ctx),
      'agent2',
    )
    await openTicket()
    new Keyboard().press('5', { altKey: true })
    const table = await screen.findByRole('table', { name: /History of A1-1/ })
    await waitFor(() => expect(within(table).getAllByRole('row')).toHaveLength(4))
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((r) => within(r).getAllByRole('cell')[1]?.textContent)).toEqual([
      'Opened',
      'Resolved',
      'Resolved',
    ])
    expect(rows[2]?.textContent).toContain('agent2')
    expect(rows[2]?.textContent).toMatch(/Not applied: Cannot resolve/)
    expect(rows.every((r) => r.textContent?.includes('waiting to sync'))).toBe(true)
    expect(screen.getByText('1 conflict')).toBeTruthy()
  })
})

describe('a renumbered ticket (ARCHITECTURE.md "Data": a number once read stays findable)', () => {
  test('shows its new number and the one the caller was given', async () => {
    const [opening] = await station.store.pendingEvents(1)
    await station.store.applyPushResults([
      {
        id: opening!.id,
        status: 'rejected',
        code: 'number_taken',
        reason: 'Ticket number A1-1 is already another ticket’s.',
        highestSequence: 8,
      },
    ])
    await openTicket()
    expect(screen.getByLabelText('Ticket number').textContent).toBe('A1-9')
    expect(screen.getByLabelText('Also known as').textContent).toBe('also known as A1-1')
  })
})

describe('structure', () => {
  test('on every tab, no heading skips a level below the one before it (axe heading-order)', async () => {
    await openTicket()
    const keys = new Keyboard()
    for (const [digit, sectionHeading] of [
      ['1', 'Customer contacts'],
      ['2', 'Assignment'],
      ['3', 'Tech Notes'],
      ['4', 'Customer notes'],
    ] as const) {
      await waitFor(() => {
        keys.press(digit, { altKey: true })
        expect(screen.getByRole('heading', { name: sectionHeading })).toBeTruthy()
      })
      const levels = screen.getAllByRole('heading').map((h) => Number(h.tagName.slice(1)))
      levels.forEach((level, i) => expect(level).toBeLessThanOrEqual((levels[i - 1] ?? 0) + 1))
    }
  })
})
