// @vitest-environment happy-dom
/**
 * The floor view (station presence from the server, through the station API), and the metrics
 * and QA review screens over the real supervisor queue.
 */
import { act, cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { StationPresence } from '../../src/shared/sync/wire'
import { FloorView, MetricsView, QaReview } from '../../src/renderer/src/queue'
import {
  createSupervisorQueue,
  type SupervisorQueue,
} from '../../src/renderer/src/queue/supervisor-queue'
import type { QueueDirectory } from '../../src/renderer/src/queue/context'
import { floorOrder, floorSummary } from '../../src/renderer/src/floor/model'
import { createStationStore } from '../../src/renderer/src/store'
import { accepted, manualClock, pageOf, phoneCall, remoteStation, T0 } from '../store/fixtures'
import { privateIndexedDb } from '../store/private-indexeddb'
import { loopbackStation, manualTicker } from './harness'
import { foldTicket } from '../../src/shared/incident'
import { completeResolution } from '../support/incident-fixtures'
import { resolve } from '../../src/shared/incident/rules'
import { memoryNumbers } from '../support/ticket-numbers'

const MINUTE = 60_000
const directory: QueueDirectory = {
  teams: [],
  routingGuidance: [],
  users: [{ username: 'agent2', displayName: 'Ada Agent', role: 'agent' }],
  teamName: (id) => id,
  userName: (u) => (u === 'agent2' ? 'Ada Agent' : (u ?? 'nobody')),
}

const presence = (overrides: Partial<StationPresence>): StationPresence => ({
  stationCode: 'A1',
  user: null,
  connectedAt: T0 - 60 * MINUTE,
  pending: 0,
  lastSyncAt: T0 - MINUTE,
  online: true,
  setAside: 0,
  onCall: false,
  ...overrides,
})

let queues: SupervisorQueue[] = []
afterEach(() => {
  cleanup()
  for (const q of queues) q.stop()
  queues = []
})

describe('floor view', () => {
  it('orders offline stations holding work first, then stations with set-aside events, and sums the work', () => {
    const stations = [
      presence({ stationCode: 'A1', pending: 2 }),
      presence({ stationCode: 'B2', online: false, pending: 0 }),
      presence({ stationCode: 'C3', online: false, pending: 7 }),
      presence({ stationCode: 'D4', online: false, connectedAt: 0 }),
      presence({ stationCode: 'E5', setAside: 1 }),
    ]
    expect(floorOrder(stations).map((s) => s.stationCode)).toEqual(['C3', 'B2', 'E5', 'A1', 'D4'])
    expect(floorSummary(stations)).toEqual({
      online: 2,
      offline: 2,
      unsynced: 9,
      holdingWork: 2,
      setAside: 1,
      signedIn: 0,
    })
  })

  it('asks to watch the floor and shows each presence update as it comes', async () => {
    const station = loopbackStation()
    const ticker = manualTicker(T0)
    render(<FloorView station={station.api} directory={directory} ticker={ticker} />)
    expect(screen.getByText(/Asking the central server/)).toBeTruthy()
    act(() =>
      station.emit('floor.stations', {
        stations: [
          presence({ stationCode: 'A1', user: 'agent2', pending: 3, lastSyncAt: T0 - 4 * MINUTE }),
          presence({ stationCode: 'B2', online: false, user: 'agent2' }),
          presence({ stationCode: 'C3', setAside: 2 }),
        ],
      }),
    )
    const rows = within(screen.getByRole('table')).getAllByRole('row').slice(1)
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual([
      'B2',
      'C3',
      'A1',
    ])
    const setAsideColumn = within(screen.getByRole('table'))
      .getAllByRole('columnheader')
      .findIndex((h) => h.textContent === 'Set aside')
    expect(within(rows[1]!).getAllByRole('cell')[setAsideColumn - 1]!.textContent).toBe('2')
    expect(
      within(screen.getByLabelText('Floor summary')).getByText(/Events set aside/).parentElement!
        .textContent,
    ).toMatch(/^2/)
    expect(rows[2]!.textContent).toContain('Ada Agent')
    expect(rows[2]!.textContent).toContain('4 min ago')
    expect(rows[0]!.textContent).toContain('(last)')
    act(() =>
      station.emit('floor.stations', {
        stations: [presence({ stationCode: 'A1', online: false })],
      }),
    )
    expect(within(screen.getByRole('table')).getAllByRole('row')).toHaveLength(2)
  })
})

describe('metrics and QA review over the supervisor queue', () => {
  it('shows today’s figures and the tickets for review, and follows the floor', async () => {
    const clock = manualClock(T0)
    const database = privateIndexedDb()
    const store = await createStationStore('metrics', {
      ...database,
      numbers: memoryNumbers(),
      now: clock.now,
    })
    await store.setStationCode('SV1')
    const agent = remoteStation('B2', 'agent2', T0)
    const first = agent.open(phoneCall({ receivedAt: new Date(T0).toISOString() }))
    const second = agent.open(phoneCall({ receivedAt: new Date(T0 + 5 * MINUTE).toISOString() }))
    const toNetwork = agent.escalate(foldTicket(second)!, 'network')
    const toIdentity = agent.escalate(foldTicket([...second, ...toNetwork])!, 'identity')
    const toDesktop = agent.escalate(
      foldTicket([...second, ...toNetwork, ...toIdentity])!,
      'desktop',
    )
    await store.applyRemotePage(
      pageOf([...first, ...second, ...toNetwork, ...toIdentity, ...toDesktop], 0),
    )

    const ticker = manualTicker(T0 + 60 * MINUTE)
    const queue = createSupervisorQueue({ store, ticker })
    queues.push(queue)
    await queue.start()
    render(
      <>
        <MetricsView queue={queue} directory={directory} />
        <QaReview queue={queue} directory={directory} />
      </>,
    )
    const tile = (label: RegExp) =>
      screen.getByText(label).closest('.tile')!.querySelector('.tile__value')!.textContent
    expect(tile(/^Calls today/)).toBe('2')
    expect(tile(/^Reassigned/)).toBe('100%')
    expect(screen.getByRole('button', { name: '09:00–10:00: 2 calls' })).toBeTruthy()
    const review = screen.getByRole('region', { name: 'QA review' })
    expect(within(review).getByText('B2-2')).toBeTruthy()
    // Issue 10, item 9: the words say what it means; the rule number is the tooltip.
    expect(within(review).getByText('Bounced between teams')).toHaveProperty(
      'title',
      'Service desk process rule 5',
    )

    const resolution = accepted(resolve(foldTicket(first)!, completeResolution(), agent.ctx))
    await store.applyRemotePage(pageOf(resolution, 5))
    await act(async () => {
      await expect.poll(() => queue.model.get(first[0]!.ticketId)?.ticket.state).toBe('resolved')
      ticker.advance(1000)
    })
    expect(tile(/^First-contact resolution \(/)).toBe('100%')
  })
})
