// @vitest-environment happy-dom
/** The shell: the shortcut overlay, navigation by keyboard, and what each role is offered. */
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { expect, test } from 'vitest'
import { SHORTCUTS, SUPERVISOR_GROUPS } from '../../src/renderer/src/ui/shortcuts'
import { Keyboard, logVpnCall, useTestStation, renderDesk } from './support/desk'

const station = useTestStation()

test('`?` shows every declared shortcut (an agent is not shown the supervisors’) and hides them again; typed into a field it is just a character', async () => {
  renderDesk(station.store)
  const keys = new Keyboard()
  keys.press('?', { shiftKey: true })
  const overlay = await screen.findByRole('dialog', { name: 'Keyboard shortcuts' })
  for (const shortcut of Object.values(SHORTCUTS)) {
    const listed = within(overlay).queryAllByText(shortcut.description).length > 0
    expect(listed, shortcut.description).toBe(!SUPERVISOR_GROUPS.includes(shortcut.group))
  }
  keys.press('?', { shiftKey: true })
  await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())

  const find = screen.getByLabelText('Find a ticket')
  find.focus()
  keys.press('?', { shiftKey: true })
  expect(screen.queryByRole('dialog')).toBeNull()
  expect(find).toHaveProperty('value', '?')
})

test('the floor list and my tickets are a key away, and a number opens its ticket', async () => {
  await logVpnCall(station.store)
  renderDesk(station.store)
  const keys = new Keyboard()
  keys.press('f', { altKey: true })
  const open = await screen.findByRole('table', { name: 'Open tickets' })
  await within(open).findByRole('button', { name: 'A1-1' })
  keys.press('m', { altKey: true })
  fireEvent.click(
    await within(await screen.findByRole('table', { name: 'My open tickets' })).findByRole(
      'button',
      {
        name: 'A1-1',
      },
    ),
  )
  expect(await screen.findByRole('heading', { name: 'Cannot connect to VPN' })).toBeTruthy()
})

test('agents see the desk; supervisors also get the live queue, floor view and metrics', async () => {
  const agent = renderDesk(station.store)
  expect(screen.queryByRole('button', { name: 'Live queue' })).toBeNull()
  agent.unmount()

  renderDesk(station.store, undefined, {
    username: 'super1',
    displayName: 'Sam Rivera',
    role: 'supervisor',
  })
  fireEvent.click(screen.getByRole('button', { name: 'Live queue' }))
  // The panel is issue 6's (tested there); the shell's part is to mount it for supervisors.
  expect(await screen.findByRole('heading', { name: 'Live queue' })).toBeTruthy()
  expect(screen.getByLabelText('Tickets shown')).toBeTruthy()
  expect(screen.getByRole('button', { name: 'Floor view' })).toBeTruthy()
  expect(screen.getByRole('button', { name: 'Metrics and QA' })).toBeTruthy()
})
