// @vitest-environment happy-dom
/**
 * Rule 9 on the owner's desk (My tickets): an incident that came in by email puts a call-back
 * task there until a phone contact is recorded; and the live SLA timer of issue 10.7 says where
 * the ticket stands in words.
 */
import { screen, waitFor, within } from '@testing-library/react'
import { expect, test } from 'vitest'
import { recordContact } from '../../src/shared/incident/rules'
import { useTestStation, logVpnCall, recordAs, renderDesk } from './support/desk'

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
