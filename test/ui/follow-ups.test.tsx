// @vitest-environment happy-dom
/**
 * Rule 9 on the owner's desk (My tickets): an incident that came in by email puts a call-back
 * task there until a phone contact is recorded; and the live SLA timer of issue 10.7 says where
 * the ticket stands in words.
 */
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { expect, test } from 'vitest'
import { recordContact } from '../../src/shared/incident/rules'
import { AGENT, useTestStation, logVpnCall, recordAs, renderDesk } from './support/desk'

const station = useTestStation()

test('rule 9: an email incident puts a call-back task on its owner’s desk until a phone call is recorded', async () => {
  const ticketId = await logVpnCall(station.store, { source: 'email' })
  await logVpnCall(station.store, { title: 'A phone call', source: 'phone' })
  renderDesk(station.store, { name: 'mine' })
  const tasks = await screen.findByRole('list', { name: 'Follow-up' })
  expect(within(tasks).getAllByRole('listitem')).toHaveLength(1)
  expect(tasks.textContent).toMatch(
    /Call back Dana Whitfield at \+1 555 010 2233: A1-1 came in by email/,
  )
  expect(within(tasks).getByRole('button', { name: 'Open A1-1' })).toBeTruthy()

  const ticket = (await station.store.getTicket(ticketId))!
  await recordAs(station.store, (ctx) =>
    recordContact(ticket, { channel: 'phone', outcome: 'no_answer' }, ctx),
  )
  await waitFor(() => expect(screen.queryByRole('list', { name: 'Follow-up' })).toBeNull())
})

test('issue 10.7: My tickets shows the time left to the next target, in words', async () => {
  await logVpnCall(station.store, { impact: 1, urgency: 1 })
  renderDesk(station.store, { name: 'mine' })
  const table = await screen.findByRole('table', { name: 'My open tickets' })
  // A P1 phone call is taken at once; its 2-hour resolution target runs.
  expect(within(table).getByText('On track')).toBeTruthy()
  expect(table.textContent).toMatch(/Resolution in 1 h 59 min|Resolution in 2 h 00 min/)
})

/** A phone call logged `daysAgo` days ago, whose caller did not answer a call back then. */
async function unansweredCall(daysAgo: number): Promise<string> {
  const at = Date.now() - daysAgo * 24 * 3_600_000
  const ticketId = await logVpnCall(station.store, {}, at)
  const ticket = (await station.store.getTicket(ticketId))!
  await recordAs(
    station.store,
    (ctx) => recordContact(ticket, { channel: 'phone', outcome: 'no_answer' }, ctx),
    AGENT.username,
    at + 60_000,
  )
  return ticketId
}

test('rule 9: a customer who did not answer for a business day is resolved as inactive from the desk', async () => {
  const ticketId = await unansweredCall(8)
  renderDesk(station.store, { name: 'mine' })
  const resolveInactive = await screen.findByRole('button', { name: 'Resolve A1-1 as inactive' })
  resolveInactive.focus()
  fireEvent.click(resolveInactive)
  await waitFor(async () =>
    expect((await station.store.getTicket(ticketId))?.resolution?.resolutionCode).toBe(
      'inactive_ticket',
    ),
  )
  await waitFor(() => expect(screen.queryByRole('list', { name: 'Follow-up' })).toBeNull())
})

test('rule 9: an inactive resolution the station cannot save says so beside the list', async () => {
  await unansweredCall(8)
  renderDesk(station.store, { name: 'mine' })
  const resolveInactive = await screen.findByRole('button', { name: 'Resolve A1-1 as inactive' })
  station.store.close()
  fireEvent.click(resolveInactive)
  const refusal = await screen.findByText(/^This station could not save it/)
  expect(refusal.closest('[role="alert"]')).not.toBeNull()
  expect(screen.getByRole('button', { name: 'Resolve A1-1 as inactive' })).toBeTruthy()
})
