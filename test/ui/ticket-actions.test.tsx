// @vitest-environment happy-dom
/**
 * The ticket actions beyond escalation and resolution, on the real station store: hold / resume,
 * a customer contact with the call-back cue of rule 9, and the supervisor-only redaction of a
 * customer note (rule 11).
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import type { User } from '../../src/shared/directory'
import { addCustomerNote } from '../../src/shared/incident/rules'
import type { Ticket } from '../../src/shared/incident/ticket'
import {
  AGENT,
  SUPERVISOR,
  Keyboard,
  logVpnCall,
  useTestStation,
  recordAs,
  renderDesk,
  type RenderedDesk,
} from './support/desk'

const station = useTestStation()

const ticketOf = async (id: string): Promise<Ticket> => (await station.store.getTicket(id))!
const change = (label: string | RegExp, value: string, scope: HTMLElement) =>
  fireEvent.change(within(scope).getByLabelText(label), { target: { value } })
const toolbar = () => screen.getByRole('toolbar', { name: 'Ticket actions' })

async function openTicket(ticketId: string, user: User = AGENT): Promise<RenderedDesk> {
  const rendered = renderDesk(station.store, { name: 'ticket', ticketId }, user)
  await screen.findByRole('heading', { name: 'Cannot connect to VPN' })
  return rendered
}

describe('hold and resume', () => {
  test('hold asks a reason, writes `held` and shows the state and reason in the header; resume undoes it', async () => {
    const ticketId = await logVpnCall(station.store)
    const { handedOver } = await openTicket(ticketId)

    fireEvent.click(within(toolbar()).getByRole('button', { name: 'Hold…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Put A1-1 on hold' })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Put on hold' }))
    // No reason: refused inline, nothing written.
    expect(await within(dialog).findByText(/Is required/)).toBeTruthy()
    expect((await ticketOf(ticketId)).state).toBe('open')

    change('Why it waits (hold reason)', 'Waiting for the replacement laptop', dialog)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Put on hold' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())

    expect((await screen.findByLabelText('Hold reason')).textContent).toBe(
      'Waiting for the replacement laptop',
    )
    expect(screen.getByLabelText('State').textContent).toMatch(/hold/i)
    const held = await ticketOf(ticketId)
    expect(held.state).toBe('on_hold')
    expect(held.holdReason).toBe('Waiting for the replacement laptop')
    expect(handedOver.at(-1)).toMatchObject({
      type: 'held',
      payload: { reason: 'Waiting for the replacement laptop' },
    })
    expect(within(toolbar()).queryByRole('button', { name: 'Hold…' })).toBeNull()

    fireEvent.click(within(toolbar()).getByRole('button', { name: 'Resume' }))
    await waitFor(() => expect(screen.queryByLabelText('Hold reason')).toBeNull())
    expect(screen.getByLabelText('State').textContent).toBe('Open')
    expect((await ticketOf(ticketId)).state).toBe('open')
    expect(handedOver.at(-1)?.type).toBe('resumed')
    expect(within(toolbar()).getByRole('button', { name: 'Hold…' })).toBeTruthy()
  })

  test('Alt+H opens the hold dialog on an open ticket and resumes one on hold', async () => {
    const ticketId = await logVpnCall(station.store)
    await openTicket(ticketId)
    const keys = new Keyboard()
    keys.press('h', { altKey: true })
    const dialog = await screen.findByRole('dialog', { name: 'Put A1-1 on hold' })
    await waitFor(() =>
      expect(document.activeElement).toBe(
        within(dialog).getByLabelText('Why it waits (hold reason)'),
      ),
    )
    keys.type('Vendor')
    fireEvent.click(within(dialog).getByRole('button', { name: 'Put on hold' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    expect((await screen.findByLabelText('Hold reason')).textContent).toBe('Vendor')

    keys.press('h', { altKey: true })
    await waitFor(() => expect(screen.queryByLabelText('Hold reason')).toBeNull())
    expect((await ticketOf(ticketId)).state).toBe('open')
  })
})

describe('customer contact (rule 9)', () => {
  test('an email ticket shows the call-back cue until a phone contact is recorded', async () => {
    const ticketId = await logVpnCall(station.store, { source: 'email' })
    const { handedOver } = await openTicket(ticketId)

    expect(await screen.findByText(/Call the customer back \(rule 9\)/)).toBeTruthy()

    // An email reply does not count as the call back.
    fireEvent.click(within(toolbar()).getByRole('button', { name: 'Record contact…' }))
    let dialog = await screen.findByRole('dialog', { name: 'Customer contact on A1-1' })
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Channel' }), {
      target: { value: 'email' },
    })
    // How it went is the agent's to say, not the dialog's.
    fireEvent.click(within(dialog).getByRole('button', { name: 'Record contact' }))
    expect(await within(dialog).findByText(/Say how the contact went/)).toBeTruthy()
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Outcome' }), {
      target: { value: 'reached' },
    })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Record contact' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    const contacts = await screen.findByRole('list', { name: 'Customer contacts' })
    expect(within(contacts).getByText(/Email · Reached/)).toBeTruthy()
    expect(screen.getByText(/Call the customer back \(rule 9\)/)).toBeTruthy()

    fireEvent.click(within(toolbar()).getByRole('button', { name: 'Record contact…' }))
    dialog = await screen.findByRole('dialog', { name: 'Customer contact on A1-1' })
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Outcome' }), {
      target: { value: 'left_voicemail' },
    })
    change('Contact note (optional)', 'Asked her to call back after 2 pm', dialog)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Record contact' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())

    expect(await within(contacts).findByText(/Phone · Left voicemail/)).toBeTruthy()
    expect(within(contacts).getByText('Asked her to call back after 2 pm')).toBeTruthy()
    await waitFor(() => expect(screen.queryByText(/Call the customer back \(rule 9\)/)).toBeNull())
    expect(handedOver.at(-1)).toMatchObject({
      type: 'customer_contacted',
      payload: {
        channel: 'phone',
        outcome: 'left_voicemail',
        note: 'Asked her to call back after 2 pm',
      },
    })
    expect((await ticketOf(ticketId)).contacts.map((c) => c.channel)).toEqual(['email', 'phone'])
  })

  test('a phone ticket shows no call-back cue', async () => {
    const ticketId = await logVpnCall(station.store)
    await openTicket(ticketId)
    await screen.findByRole('complementary', { name: 'Ticket facts' })
    expect(screen.queryByText(/Call the customer back/)).toBeNull()
  })
})

describe('note redaction (rule 11)', () => {
  async function ticketWithCustomerNote(): Promise<string> {
    const ticketId = await logVpnCall(station.store)
    const ticket = await ticketOf(ticketId)
    await recordAs(station.store, (ctx) =>
      addCustomerNote(
        ticket,
        'Your new password is Hunter2, please change it.',
        { customer: false, cc: [] },
        ctx,
      ),
    )
    return ticketId
  }

  const customerNotes = async () => {
    fireEvent.click(screen.getByRole('tab', { name: /Customer notes/ }))
    return screen.findByRole('list', { name: 'Customer notes' })
  }

  test('a supervisor redacts a customer note with a reason; the redaction shows under the note', async () => {
    const ticketId = await ticketWithCustomerNote()
    const { handedOver } = await openTicket(ticketId, SUPERVISOR)
    const list = await customerNotes()

    fireEvent.click(within(list).getByRole('button', { name: 'Redact…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Redact a customer note on A1-1' })
    const text = within(dialog).getByLabelText(
      'Note text, with the sensitive data removed',
    ) as HTMLTextAreaElement
    expect(text.value).toBe('Your new password is Hunter2, please change it.')
    change(
      'Note text, with the sensitive data removed',
      'Your new password is [redacted], please change it.',
      dialog,
    )
    fireEvent.click(within(dialog).getByRole('button', { name: 'Redact' }))
    // The reason is required.
    expect(await within(dialog).findByText(/Is required/)).toBeTruthy()
    change('Reason for the redaction', 'Password typed into a customer note', dialog)
    fireEvent.click(within(dialog).getByRole('button', { name: 'Redact' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())

    expect(
      await within(list).findByText('Your new password is [redacted], please change it.'),
    ).toBeTruthy()
    expect(within(list).queryByText(/Hunter2/)).toBeNull()
    expect(
      within(list).getByText(/^Redacted by .+ at .+: Password typed into a customer note$/),
    ).toBeTruthy()
    expect(handedOver.at(-1)).toMatchObject({
      type: 'note_redacted',
      actor: 'sup1',
      payload: {
        redactedBody: 'Your new password is [redacted], please change it.',
        reason: 'Password typed into a customer note',
      },
    })
    const note = (await ticketOf(ticketId)).notes.find((n) => n.kind === 'customer')!
    expect(note.redactions).toMatchObject([
      { by: 'sup1', reason: 'Password typed into a customer note' },
    ])

    // The History lists the note and the redaction, and no longer the text it removed.
    new Keyboard().press('5', { altKey: true })
    const history = await screen.findByRole('table', { name: /History of A1-1/ })
    await within(history).findByText(/^redacted · Your new password is \[redacted\]/)
    expect(within(history).getByText('Password typed into a customer note')).toBeTruthy()
    expect(document.body.textContent).not.toContain('Hunter2')
  })

  test('an agent does not see Redact', async () => {
    const ticketId = await ticketWithCustomerNote()
    await openTicket(ticketId, AGENT)
    const list = await customerNotes()
    expect(within(list).getByText('Your new password is Hunter2, please change it.')).toBeTruthy()
    expect(screen.queryByRole('button', { name: /Redact/ })).toBeNull()
  })
})
