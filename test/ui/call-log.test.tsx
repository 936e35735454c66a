// @vitest-environment happy-dom
/**
 * The supervisors' Calls screen (PRODUCT.md, "the phone system"): who is waiting, who gave up
 * (with the number to call back), and the figures per hour, read as a person reads the screen.
 */
import { cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, expect, it } from 'vitest'
import type { CallRecord } from '../../src/shared/calls/cti'
import { StationError, type StationApi } from '../../src/shared/station-api'
import { CallLogView } from '../../src/renderer/src/calls/CallLogView'

afterEach(cleanup)

const now = Date.now()
const call = (over: Partial<CallRecord>): CallRecord => ({
  callId: Math.random().toString(36),
  direction: 'in',
  from: '+1 555 0100',
  to: '4000',
  queue: 'helpdesk',
  startedAt: now - 60_000,
  answeredAt: null,
  answeredBy: null,
  endedAt: null,
  cause: null,
  transfers: [],
  status: 'waiting',
  ...over,
})

const stationWith = (calls: () => Promise<{ calls: CallRecord[] }>) =>
  ({ calls: { log: calls } }) as unknown as StationApi

it('lists the waiting, the abandoned with a call-back link, and the figures per hour', async () => {
  const calls = [
    call({ from: '+1 555 0101' }),
    call({ from: '+1 555 0102', endedAt: now - 20_000, status: 'abandoned', cause: 'abandoned' }),
    call({
      from: '+1 555 0103',
      answeredAt: now - 50_000,
      endedAt: now - 10_000,
      status: 'answered',
      answeredBy: { extension: '204', username: 'agent1' },
    }),
  ]
  render(<CallLogView station={stationWith(async () => ({ calls }))} />)
  const waiting = await screen.findByRole('table', { name: 'Calls waiting' })
  expect(within(waiting).getByText('+1 555 0101')).toBeTruthy()
  const callbacks = screen.getByRole('table', { name: 'Abandoned calls to call back' })
  expect(within(callbacks).getByRole('link', { name: '+1 555 0102' }).getAttribute('href')).toBe(
    'tel:+15550102',
  )
  const hours = screen.getByRole('table', { name: 'Call figures per hour' })
  const row = within(hours).getAllByRole('row')[1]!
  expect(
    within(row)
      .getAllByRole('cell')
      .map((c) => c.textContent),
  ).toEqual(['3', '1', '1', '50%', '10 s', '40 s'])
})

it('says so when the call log cannot be loaded', async () => {
  render(
    <CallLogView
      station={stationWith(() =>
        Promise.reject(new StationError('offline', 'The central server cannot be reached.')),
      )}
    />,
  )
  expect((await screen.findByRole('alert')).textContent).toMatch(/cannot be reached/)
})
