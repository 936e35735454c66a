// @vitest-environment happy-dom
/**
 * Logging a call never waits on the station's database for the number: it is on screen as the
 * commit starts, and a commit that fails keeps the call as a draft and says so.
 */
import { screen, waitFor } from '@testing-library/react'
import { expect, test } from 'vitest'
import type { StationStore } from '../../src/renderer/src/store'
import { intakeDraftKey, type SavedDraft } from '../../src/renderer/src/intake/persistence'
import { AGENT, Keyboard, useTestStation, renderDesk } from './support/desk'

const station = useTestStation()

/** Types Dana Whitfield's VPN call and waits until its draft is on disk. */
async function typeVpnCall(keys: Keyboard): Promise<void> {
  keys.press('n', { ctrlKey: true })
  await screen.findByRole('heading', { name: 'New call' })
  keys.type('dwhit')
  await screen.findByRole('option', { name: /Dana Whitfield/ })
  keys.press('Enter')
  await waitFor(() => expect(document.activeElement?.getAttribute('type')).toBe('radio'))
  keys.press('5')
  await waitFor(() =>
    expect(screen.getByLabelText('Title')).toHaveProperty('value', 'Cannot connect to VPN'),
  )
  await screen.findByText('Draft saved')
}

test('the number is on screen before the commit is done, and then the ticket opens', async () => {
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  const store: StationStore = {
    ...station.store,
    recordAhead(command, startAfter) {
      const { preview, committed } = station.store.recordAhead(command, startAfter)
      return { preview, committed: held.then(() => committed) }
    },
  }
  renderDesk(store)
  const keys = new Keyboard()
  await typeVpnCall(keys)
  keys.press('Enter', { ctrlKey: true })

  // Synchronously after the key: the commit has not been let through yet.
  expect(screen.getByText(/^Logged as/).textContent).toContain('Logged as A1-1')
  expect(screen.getByLabelText('Title')).toHaveProperty('value', 'Cannot connect to VPN')
  release()
  const number = await screen.findByLabelText('Ticket number')
  expect(number.textContent).toBe('A1-1')
  expect(await station.store.ticketByNumber('A1-1')).toMatchObject({
    title: 'Cannot connect to VPN',
  })
})

test('a commit that fails keeps the call as a draft and says so; the next try logs it', async () => {
  let failures = 1
  const store: StationStore = {
    ...station.store,
    recordAhead(command, startAfter) {
      if (failures-- > 0)
        return { preview: null, committed: Promise.reject(new Error('the disk is full')) }
      return station.store.recordAhead(command, startAfter)
    },
  }
  const rendered = renderDesk(store)
  const keys = new Keyboard()
  await typeVpnCall(keys)
  keys.press('Enter', { ctrlKey: true })

  const alert = await screen.findByText(/could not be saved/)
  expect(alert.getAttribute('role')).toBe('alert')
  expect(alert.textContent).toMatch(/could not be saved.*the disk is full.*kept here as a draft/)
  expect(screen.getByLabelText('Title')).toHaveProperty('value', 'Cannot connect to VPN')
  const draftId = rendered.desk.intake.getState().draft!.id
  expect(
    (await station.store.loadDraft<SavedDraft>(intakeDraftKey(AGENT.username, draftId)))?.value
      .draft.title,
  ).toBe('Cannot connect to VPN')

  keys.press('Enter', { ctrlKey: true })
  const number = await screen.findByLabelText('Ticket number')
  expect(await station.store.ticketByNumber(number.textContent ?? '')).toMatchObject({
    title: 'Cannot connect to VPN',
  })
  expect(screen.queryByText(/could not be saved/)).toBeNull()
})
