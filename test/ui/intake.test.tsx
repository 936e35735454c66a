// @vitest-environment happy-dom
/**
 * Call intake, driven from the keyboard as an agent with a headset on does: every key goes to
 * whatever has focus, so these tests also prove where the focus moves after each step.
 */
import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import type { Ticket } from '../../src/shared/incident/ticket'
import { intakeDraftKey, type SavedDraft } from '../../src/renderer/src/intake/persistence'
import { Keyboard, AGENT, useTestStation, renderDesk, settle } from './support/desk'

// Issue 10: the templated call takes 9 keystrokes (Ctrl+N, five letters, Enter, digit, Ctrl+Enter).
const TEMPLATED_CALL_BUDGET = 9

const station = useTestStation()

async function loggedTicket(): Promise<Ticket> {
  const number = await screen.findByLabelText('Ticket number')
  const ticket = await station.store.ticketByNumber(number.textContent ?? '')
  if (!ticket) throw new Error(`no ticket ${number.textContent}`)
  return ticket
}

describe('a templated call by keyboard alone', () => {
  test(`is logged within ${TEMPLATED_CALL_BUDGET} keystrokes and its number shows at once, offline`, async () => {
    const { handedOver } = renderDesk(station.store)
    const keys = new Keyboard()
    keys.press('n', { ctrlKey: true })
    await screen.findByRole('heading', { name: 'New call' })
    expect(document.activeElement).toBe(screen.getByRole('combobox', { name: /Caller/ }))

    keys.type('dwhit')
    await screen.findByRole('option', { name: /Dana Whitfield/ })
    keys.press('Enter')
    await waitFor(() =>
      expect(screen.getByLabelText('Caller name')).toHaveProperty('value', 'Dana Whitfield'),
    )
    expect(document.activeElement?.getAttribute('type')).toBe('radio')

    keys.press('5') // VPN, fifth by label
    await waitFor(() =>
      expect(screen.getByLabelText('Title')).toHaveProperty('value', 'Cannot connect to VPN'),
    )
    keys.press('Enter', { ctrlKey: true })

    const ticket = await loggedTicket()
    expect(keys.strokes).toBeLessThanOrEqual(TEMPLATED_CALL_BUDGET)
    expect(ticket.number).toBe('A1-1')
    expect(ticket).toMatchObject({
      kind: 'incident',
      source: 'phone',
      service: 'Network',
      category: 'VPN',
      priority: 'P4',
      owner: AGENT.username,
      caller: {
        name: 'Dana Whitfield',
        username: 'dwhitfield',
        email: 'dana.whitfield@example.edu',
      },
    })
    expect(handedOver.map((e) => e.type)).toEqual(['opened'])
    console.info(`[intake] templated call logged in ${keys.strokes} keystrokes`)
  })

  test('an account matter needs 3 of 5 identity items: refused inline, then ticked with digits', async () => {
    renderDesk(station.store)
    const keys = new Keyboard()
    keys.press('n', { ctrlKey: true })
    await screen.findByRole('heading', { name: 'New call' })
    keys.type('dwhit')
    await screen.findByRole('option', { name: /Dana Whitfield/ })
    keys.press('Enter')
    await waitFor(() => expect(document.activeElement?.getAttribute('type')).toBe('radio'))
    keys.press('2') // Password reset
    const identity = await screen.findByRole('group', { name: /Identity check/ })
    await waitFor(() => expect(identity.contains(document.activeElement)).toBe(true))

    keys.press('Enter', { ctrlKey: true })
    expect(await within(identity).findByRole('alert')).toHaveProperty(
      'textContent',
      expect.stringContaining('3 of 5 identity items'),
    )
    keys.press('1')
    keys.press('2')
    keys.press('4')
    expect(within(identity).getByLabelText('University ID')).toHaveProperty('checked', true)
    keys.press('Enter', { ctrlKey: true })

    const ticket = await loggedTicket()
    expect(ticket.identityVerified.sort()).toEqual(['fullName', 'universityId', 'username'])
    expect(ticket.service).toBe('Accounts & Access')
    console.info(
      `[intake] account-matter call logged in ${keys.strokes - 1} keystrokes (one refused try)`,
    )
  })

  test('with no match, Enter starts a new caller from what was typed and focus goes to the next detail', async () => {
    renderDesk(station.store)
    const keys = new Keyboard()
    keys.press('n', { ctrlKey: true })
    await screen.findByRole('heading', { name: 'New call' })
    keys.type('555 777 1212')
    await settle()
    keys.press('Enter')
    await waitFor(() =>
      expect(screen.getByLabelText('Phone')).toHaveProperty('value', '555 777 1212'),
    )
    expect(document.activeElement).toBe(screen.getByLabelText('Caller name'))
    keys.press('Enter', { ctrlKey: true })
    const name = screen.getByLabelText('Caller name')
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'))
    expect(document.getElementById(name.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Is required.',
    )
  })
})

describe('the draft', () => {
  test('is saved as typed and comes back after a reload', async () => {
    const first = renderDesk(station.store)
    const draftId = () => first.desk.intake.getState().draft!.id
    const keys = new Keyboard()
    keys.press('n', { ctrlKey: true })
    await screen.findByRole('heading', { name: 'New call' })
    keys.type('dwhit')
    await screen.findByRole('option', { name: /Dana Whitfield/ })
    keys.press('Enter')
    await waitFor(() =>
      expect(screen.getByLabelText('Caller name')).toHaveProperty('value', 'Dana Whitfield'),
    )
    keys.press('3', { altKey: true }) // Printer, from anywhere
    keys.type(' Toner light on.')
    await waitFor(async () =>
      expect(
        (await station.store.loadDraft<SavedDraft>(intakeDraftKey(AGENT.username, draftId())))
          ?.value.draft.description,
      ).toMatch(/Toner light on\.$/),
    )
    first.unmount()
    station.store.close()

    const store = await station.reopen()
    renderDesk(store, { name: 'mine' })
    await screen.findByRole('heading', { name: 'New call' })
    expect(screen.getByLabelText('Caller name')).toHaveProperty('value', 'Dana Whitfield')
    expect(screen.getByLabelText('Title')).toHaveProperty('value', 'Printer problem')
    expect((screen.getByLabelText('Description') as HTMLTextAreaElement).value).toMatch(
      /Toner light on\.$/,
    )
  })

  test('is cleared once the call is logged', async () => {
    const { desk } = renderDesk(station.store)
    const keys = new Keyboard()
    keys.press('n', { ctrlKey: true })
    await screen.findByRole('heading', { name: 'New call' })
    const key = intakeDraftKey(AGENT.username, desk.intake.getState().draft!.id)
    keys.type('dwhit')
    await screen.findByRole('option', { name: /Dana Whitfield/ })
    keys.press('Enter')
    await waitFor(() => expect(document.activeElement?.getAttribute('type')).toBe('radio'))
    keys.press('5')
    await waitFor(async () => expect(await station.store.loadDraft(key)).toBeDefined())
    keys.press('Enter', { ctrlKey: true })
    await loggedTicket()
    await waitFor(async () => expect(await station.store.listDrafts()).toEqual([]))
  })
})

describe('a store that fails under the window', () => {
  test('a caller lookup that cannot read shows no matches, keeps the focus and raises nothing', async () => {
    renderDesk(station.store)
    const keys = new Keyboard()
    keys.press('n', { ctrlKey: true })
    await screen.findByRole('heading', { name: 'New call' })
    const caller = screen.getByRole('combobox', { name: /Caller/ })
    // As when the window closes its store while a lookup is under way: every read now fails.
    station.store.close()
    keys.type('dwhit')
    await settle()
    expect(caller).toHaveProperty('value', 'dwhit')
    expect(screen.queryByRole('option', { name: /Dana Whitfield/ })).toBeNull()
    expect(document.activeElement).toBe(caller)
  })
})

describe('around the call', () => {
  test("the caller's open ticket is offered as a duplicate, and the new call links to it as parent", async () => {
    const { desk } = renderDesk(station.store)
    const keys = new Keyboard()
    const logVpnCallFor = async (who: string) => {
      keys.press('n', { ctrlKey: true })
      await screen.findByRole('heading', { name: 'New call' })
      keys.type(who)
      await screen.findByRole('option', { name: /Dana Whitfield/ })
      keys.press('Enter')
      await waitFor(() => expect(document.activeElement?.getAttribute('type')).toBe('radio'))
      keys.press('5')
    }
    await logVpnCallFor('dwhit')
    keys.press('Enter', { ctrlKey: true })
    const first = await loggedTicket()

    await logVpnCallFor('dwhit')
    const duplicates = await screen.findByRole('group', { name: /Possible duplicates/ })
    within(duplicates).getByLabelText(new RegExp(first.number)).click()
    expect(desk.intake.getState().draft?.parentTicketId).toBe(first.id)
    expect(screen.getByText(/Recent tickets of Dana Whitfield/)).toBeTruthy()
    keys.press('Enter', { ctrlKey: true })
    await waitFor(() => expect(screen.getByLabelText('Ticket number').textContent).toBe('A1-2'))
    const second = await loggedTicket()
    expect(second.parentTicketId).toBe(first.id)
  })

  test('a call with no technical issue is logged as an incident and reclassified, and history keeps both', async () => {
    const { desk } = renderDesk(station.store)
    const keys = new Keyboard()
    keys.press('n', { ctrlKey: true })
    await screen.findByRole('heading', { name: 'New call' })
    keys.type('dwhit')
    await screen.findByRole('option', { name: /Dana Whitfield/ })
    keys.press('Enter')
    desk.intake.getState().update({ title: 'Asks for the VPN download page', kind: 'inquiry' })
    keys.press('Enter', { ctrlKey: true })
    expect(await screen.findByText('Is required.')).toBeTruthy()
    desk.intake.getState().update({ reclassifyReason: 'Only needed the link; nothing is broken.' })
    keys.press('Enter', { ctrlKey: true })
    const ticket = await loggedTicket()
    expect(ticket.kind).toBe('inquiry')
    expect(ticket.kindHistory.map((k) => k.kind)).toEqual(['incident', 'inquiry'])
  })

  test('a screen pop starts the intake with the ringing number in the caller box', async () => {
    const { station: main } = renderDesk(station.store, { name: 'mine' })
    main.emit('call.incoming', { number: '+1 555 010 2233', at: Date.now() })
    const box = await screen.findByRole('combobox', { name: /Caller/ })
    expect(box).toHaveProperty('value', '+1 555 010 2233')
    expect(await screen.findByRole('option', { name: /Dana Whitfield/ })).toBeTruthy()
  })
})
