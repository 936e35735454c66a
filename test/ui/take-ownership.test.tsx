// @vitest-environment happy-dom
/**
 * Rule 4's owner for an incident opened by email, on the real station store: the floor list shows
 * it as waiting for an owner, the ticket offers "Take ownership", and once taken the header names
 * the agent, focus stays on the ticket's actions, and rule 9's call-back reaches the agent.
 */
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react'
import { expect, test } from 'vitest'
import { openFromEmail } from '../../src/shared/incident/email-in'
import { SERVER_ACTOR } from '../../src/shared/incident/vocabulary'
import { emailMessage } from '../support/incident-fixtures'
import {
  AGENT,
  SUPERVISOR,
  Keyboard,
  logVpnCall,
  useTestStation,
  recordAs,
  renderDesk,
} from './support/desk'

const station = useTestStation()

/** What the server's mail-in intake writes for a new message, as it reaches the station. */
async function emailOpened(): Promise<string> {
  const [opened] = await recordAs(
    station.store,
    (ctx) =>
      openFromEmail(emailMessage({ receivedAt: Date.now() - 60_000 }), undefined, 'SRV-1', ctx),
    SERVER_ACTOR,
  )
  return opened!.ticketId
}

const toolbar = () => screen.getByRole('toolbar', { name: 'Ticket actions' })

test('rule 4: the floor list shows an email-opened ticket as waiting for an owner', async () => {
  await emailOpened()
  renderDesk(station.store)
  new Keyboard().press('f', { altKey: true })
  const waiting = await screen.findByRole('table', { name: 'Tickets waiting for an owner' })
  expect(await within(waiting).findByRole('button', { name: 'SRV-1' })).toBeTruthy()
})

test('rule 4: Take ownership makes the agent the owner, keeps focus on the actions, and brings the call-back (rule 9)', async () => {
  const ticketId = await emailOpened()
  const { handedOver } = renderDesk(station.store, { name: 'ticket', ticketId }, AGENT)
  await screen.findByRole('heading', { name: 'Projector shows no signal' })
  expect(screen.getByLabelText('Owner').textContent).toBe('No owner yet')
  expect(await station.store.ticketsByOwner(AGENT.username)).toEqual([])

  const take = within(toolbar()).getByRole('button', { name: 'Take ownership' })
  // A native button in the tab order: reached and pressed from the keyboard like the others.
  expect(take.tabIndex).toBe(0)
  take.focus()
  expect(document.activeElement).toBe(take)
  fireEvent.click(take)

  await waitFor(() =>
    expect(screen.getByLabelText('Owner').textContent).toBe(`Owner: ${AGENT.displayName}`),
  )
  expect(within(toolbar()).queryByRole('button', { name: 'Take ownership' })).toBeNull()
  // The pressed button is gone: the next keystroke belongs to the ticket's first action.
  await waitFor(() =>
    expect(document.activeElement).toBe(
      within(toolbar()).getByRole('button', { name: 'Escalate…' }),
    ),
  )
  expect(handedOver.at(-1)).toMatchObject({
    type: 'ownership_taken',
    actor: AGENT.username,
    payload: { from: SERVER_ACTOR },
  })
  // Notifications read the agent's own tickets: the call-back owed to the customer is theirs now.
  const mine = await station.store.ticketsByOwner(AGENT.username)
  expect(mine.map((t) => t.id)).toEqual([ticketId])
  fireEvent.click(screen.getByRole('button', { name: /Notifications/ }))
  expect(await screen.findByRole('button', { name: 'Call Priya N. back about SRV-1' })).toBeTruthy()
})

test('rule 4: a colleague’s ticket offers no take-over to an agent; a supervisor finds it as the last action', async () => {
  const ticketId = await logVpnCall(station.store)
  renderDesk(station.store, { name: 'ticket', ticketId }, { ...AGENT, username: 'agent2' })
  await screen.findByRole('heading', { name: 'Cannot connect to VPN' })
  expect(within(toolbar()).queryByRole('button', { name: 'Take ownership' })).toBeNull()
  cleanup()

  renderDesk(station.store, { name: 'ticket', ticketId }, SUPERVISOR)
  await screen.findByRole('heading', { name: 'Cannot connect to VPN' })
  const actions = within(toolbar()).getAllByRole('button')
  expect(actions.at(-1)?.textContent).toBe('Take ownership')
  fireEvent.click(actions.at(-1)!)
  // The test station's directory lists the agent only, so the supervisor shows by user name.
  await waitFor(() =>
    expect(screen.getByLabelText('Owner').textContent).toBe(`Owner: ${SUPERVISOR.username}`),
  )
})

test('a take-over the station cannot save is refused on screen, not dropped', async () => {
  const ticketId = await emailOpened()
  const { handedOver } = renderDesk(station.store, { name: 'ticket', ticketId }, AGENT)
  await screen.findByRole('heading', { name: 'Projector shows no signal' })
  // What a newer Warmline opening this profile in another window does to the old one's database.
  station.store.close()
  fireEvent.click(within(toolbar()).getByRole('button', { name: 'Take ownership' }))
  const refusal = await screen.findByText(
    /^This station could not save it \(.+\); nothing was saved/,
  )
  expect(refusal.closest('[role="alert"]')).not.toBeNull()
  expect(screen.getByLabelText('Owner').textContent).toBe('No owner yet')
  expect(handedOver).toEqual([])
})
