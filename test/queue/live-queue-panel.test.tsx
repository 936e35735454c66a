// @vitest-environment happy-dom
/**
 * The Live Queue panel in a DOM (happy-dom), over the real station store (fake-indexeddb) and the
 * real supervisor queue: rows, sorting, keyboard, live updates that keep the view, and the side
 * panel's actions through the store's record API.
 */
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Team, User } from '../../src/shared/directory'
import { uuidv7 } from '../../src/shared/ids'
import {
  foldTicket,
  resolve,
  type CommandContext,
  type Level,
  type TicketEvent,
} from '../../src/shared/incident'
import { createStationStore } from '../../src/renderer/src/store'
import { LiveQueuePanel } from '../../src/renderer/src/queue/LiveQueuePanel'
import {
  createSupervisorQueue,
  type SupervisorQueue,
} from '../../src/renderer/src/queue/supervisor-queue'
import type { QueueDirectory } from '../../src/renderer/src/queue/context'
import { manualClock, pageOf, phoneCall, remoteStation, T0 } from '../store/fixtures'
import { privateIndexedDb } from '../store/private-indexeddb'
import type { OpenTicketReader } from '../../src/renderer/src/queue/open-tickets'
import { loopbackStation, manualTicker } from './harness'
import { memoryNumbers } from '../support/ticket-numbers'
import { completeResolution } from '../support/incident-fixtures'

const TEAMS: Team[] = [
  {
    id: 'csc',
    name: 'Service Desk (CSC)',
    tier: 1,
    warmTransferPhone: '',
    email: '',
    hours: '',
    description: '',
  },
  {
    id: 'network',
    name: 'Network Services',
    tier: 2,
    warmTransferPhone: '555-0101',
    email: '',
    hours: '',
    description: '',
  },
  {
    id: 'identity',
    name: 'Identity and Access',
    tier: 2,
    warmTransferPhone: '555-0102',
    email: '',
    hours: '',
    description: '',
  },
]
const USERS: User[] = [{ username: 'super1', displayName: 'Sam Supervisor', role: 'supervisor' }]
const directory: QueueDirectory = {
  teams: TEAMS,
  routingGuidance: [],
  users: USERS,
  teamName: (id) => TEAMS.find((t) => t.id === id)?.name ?? id,
  userName: (u) => (u ? (USERS.find((x) => x.username === u)?.displayName ?? u) : 'nobody'),
}

const GRID_HEIGHT = 340
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight')
beforeAll(() => {
  // happy-dom does no layout: the grid gets the height a browser would give it, everything
  // else keeps happy-dom's answer.
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return this.classList.contains('qgrid') ? GRID_HEIGHT : (clientHeight?.get?.call(this) ?? 0)
    },
  })
})
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight)
})

let queues: SupervisorQueue[] = []
afterEach(() => {
  cleanup()
  for (const q of queues) q.stop()
  queues = []
})

async function setUp(name: string, calls: number, reader?: OpenTicketReader) {
  const clock = manualClock(T0)
  const database = privateIndexedDb()
  const store = await createStationStore(name, {
    ...database,
    numbers: memoryNumbers(),
    now: clock.now,
  })
  await store.setStationCode('SV1')
  const agent = remoteStation('B2', 'agent2', T0 - 3_600_000)
  const held = new Map<string, TicketEvent[]>()
  let seq = 0
  const deliver = async (events: TicketEvent[]) => {
    for (const e of events) held.set(e.ticketId, [...(held.get(e.ticketId) ?? []), e])
    await store.applyRemotePage(pageOf(events, seq))
    seq += events.length
  }
  const call = (impact: Level, title: string) =>
    agent.open(phoneCall({ impact, urgency: impact, title }))
  await deliver(
    Array.from({ length: calls }, (_, i) => call((1 + (i % 4)) as Level, `Call ${i + 1}`)).flat(),
  )
  const station = loopbackStation()
  const queue = createSupervisorQueue({
    store,
    station: station.api,
    ticker: manualTicker(T0),
    ...(reader ? { reader } : {}),
  })
  queues.push(queue)
  await queue.start()
  const record = (
    command: (ctx: CommandContext) => ReturnType<Parameters<typeof store.record>[0]>,
  ) =>
    store.record((rc) =>
      command({
        actor: 'super1',
        station: 'SV1',
        now: clock.now,
        newId: () => uuidv7(clock.now()),
        nextHlc: rc.nextHlc,
      }),
    )
  const current = (id: string) => foldTicket(held.get(id)!)!
  render(
    <LiveQueuePanel
      queue={queue}
      directory={directory}
      record={record}
      initialHeight={GRID_HEIGHT}
    />,
  )
  return { store, queue, agent, deliver, call, current }
}

const grid = () => screen.getByRole('grid', { name: 'Open tickets of the floor' })
const bodyRows = () => within(grid()).getAllByRole('row').slice(1)
const numbers = () => bodyRows().map((row) => within(row).getAllByRole('gridcell')[0]!.textContent)
const header = (name: string) =>
  within(grid()).getByRole('columnheader', { name: new RegExp(`^${name}`) })

describe('Live Queue panel', () => {
  it('says so when the floor cannot be read from the station, instead of loading for ever', async () => {
    await setUp('unreadable', 3, { read: () => Promise.reject(new Error('disk I/O error')) })
    expect(screen.getByRole('alert').textContent).toMatch(
      /floor could not be read from this station’s database \(disk I\/O error\)/,
    )
    expect(screen.queryByText(/loading the floor/)).toBeNull()
  })

  it('renders only the rows on screen out of hundreds', async () => {
    const { queue } = await setUp('virtual', 600)
    expect(screen.getByLabelText('Tickets shown').textContent).toBe('600')
    expect(queue.view.getState().view.rows).toHaveLength(600)
    expect(bodyRows().length).toBeGreaterThan(5)
    expect(bodyRows().length).toBeLessThan(40)
    expect(grid().getAttribute('aria-rowcount')).toBe('601')
  })

  it('sorts by a column header and says so', async () => {
    await setUp('sort', 6)
    fireEvent.click(within(header('Number')).getByRole('button'))
    expect(header('Number').getAttribute('aria-sort')).toBe('ascending')
    expect(numbers()).toEqual(['B2-1', 'B2-2', 'B2-3', 'B2-4', 'B2-5', 'B2-6'])
    fireEvent.click(within(header('Number')).getByRole('button'))
    expect(header('Number').getAttribute('aria-sort')).toBe('descending')
    expect(numbers()[0]).toBe('B2-6')
  })

  it('moves the selection with the keyboard and opens the ticket with Enter', async () => {
    await setUp('keys', 5)
    fireEvent.click(within(header('Number')).getByRole('button'))
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    fireEvent.keyDown(grid(), { key: 'ArrowDown' })
    expect(bodyRows()[1]!.getAttribute('aria-selected')).toBe('true')
    expect(grid().getAttribute('aria-activedescendant')).toBe(bodyRows()[1]!.id)
    fireEvent.keyDown(grid(), { key: 'Enter' })
    expect(screen.getByRole('heading', { level: 2, name: 'Call 2' })).toBeTruthy()
    fireEvent.keyDown(grid(), { key: 'End' })
    expect(bodyRows()[4]!.getAttribute('aria-selected')).toBe('true')
    expect(screen.getByRole('heading', { level: 2, name: 'Call 5' })).toBeTruthy()
    fireEvent.keyDown(grid(), { key: 'Escape' })
    expect(screen.queryByRole('heading', { level: 2 })).toBeNull()
  })

  it('shows a new ticket live and keeps the filter, sort and selection set before', async () => {
    const { queue, deliver, call } = await setUp('live', 8)
    fireEvent.click(screen.getByRole('button', { name: 'P1' }))
    fireEvent.click(within(header('Number')).getByRole('button'))
    fireEvent.click(within(header('Number')).getByRole('button'))
    fireEvent.click(bodyRows()[1]!)
    expect(numbers()).toEqual(['B2-5', 'B2-1'])
    await act(() => deliver(call(1, 'Core switch down')))
    await act(() => expect.poll(() => queue.view.getState().view.rows.length).toBe(3))
    expect(numbers()).toEqual(['B2-9', 'B2-5', 'B2-1'])
    expect(screen.getByRole('button', { name: 'P1' }).getAttribute('aria-pressed')).toBe('true')
    expect(header('Number').getAttribute('aria-sort')).toBe('descending')
    expect(bodyRows()[2]!.getAttribute('aria-selected')).toBe('true')
    expect(screen.getByRole('heading', { level: 2, name: 'Call 1' })).toBeTruthy()
  })

  it('returns an escalated ticket to its owner and assigns another from the side panel', async () => {
    const { queue, agent, deliver, current } = await setUp('act', 2)
    const [first, second] = [...queue.model.rows()].map((r) => r.id)
    await act(() => deliver(agent.escalate(current(first!), 'network')))
    await act(() => expect.poll(() => queue.model.get(first!)?.ticket.teamId).toBe('network'))
    act(() => queue.view.getState().select(first!, { open: true }))
    fireEvent.click(screen.getByRole('button', { name: 'Return to owner' }))
    await act(() => expect.poll(() => queue.model.get(first!)?.ticket.returnedToCsc).toBe(true))
    expect(queue.model.get(first!)?.unsynced).toBe(true)
    expect(
      within(screen.getByRole('complementary')).getAllByText('Returned to CSC').length,
    ).toBeGreaterThan(0)

    act(() => queue.view.getState().select(second!, { open: true }))
    const form = screen.getByRole('form', { name: 'Assign' })
    fireEvent.click(within(form).getByRole('button', { name: 'Assign' }))
    expect(await within(form).findByText(/choose one/i)).toBeTruthy()
    fireEvent.change(within(form).getByLabelText('Assign to team'), {
      target: { value: 'identity' },
    })
    fireEvent.click(within(form).getByRole('button', { name: 'Assign' }))
    await act(() => expect.poll(() => queue.model.get(second!)?.ticket.teamId).toBe('identity'))
  })

  it('rule 10: promotes a ticket to major, links calls to it, and resolves them with its resolution, emailing where checked', async () => {
    const { store, queue } = await setUp('major', 3)
    const [parentId, ...childIds] = [...queue.model.rows()].map((r) => r.id)
    act(() => queue.view.getState().select(parentId!, { open: true }))
    const panel = () => within(screen.getByRole('complementary'))
    const promote = panel().getByRole('form', { name: 'Promote to major incident' })
    fireEvent.change(within(promote).getByLabelText('Why it is a major incident'), {
      target: { value: 'Every printer on campus is down' },
    })
    fireEvent.click(within(promote).getByRole('button', { name: 'Promote to major incident' }))
    await act(() => expect.poll(() => queue.model.get(parentId!)?.ticket.major).toBeDefined())

    const link = panel().getByRole('form', { name: 'Link calls to this major incident' })
    for (const label of within(link).getAllByRole('checkbox')) fireEvent.click(label)
    fireEvent.click(within(link).getByRole('button', { name: 'Link 2 calls' }))
    for (const id of childIds)
      await act(() => expect.poll(() => queue.model.get(id)?.ticket.parentTicketId).toBe(parentId))
    expect(panel().getByRole('heading', { name: 'Linked calls (2)' })).toBeTruthy()

    // The parent is resolved (the ticket's Resolve dialog): the panel offers the cascade.
    const parent = queue.model.get(parentId!)!.ticket
    await act(async () => {
      await store.record((rc) =>
        resolve(parent, completeResolution({ firstContactResolution: false }), {
          actor: 'super1',
          station: 'SV1',
          now: () => T0,
          newId: () => uuidv7(T0),
          nextHlc: rc.nextHlc,
        }),
      )
    })
    const cascade = await panel().findByRole('form', { name: 'Resolve the linked calls' })
    const [keepEmail, noEmail] = within(cascade).getAllByRole('checkbox')
    expect((keepEmail as HTMLInputElement).checked).toBe(true)
    fireEvent.click(noEmail!)
    fireEvent.click(within(cascade).getByRole('button', { name: 'Resolve linked calls' }))
    for (const id of childIds)
      await act(() => expect.poll(() => queue.model.get(id)?.ticket.state).toBe('resolved'))
    const notes = await Promise.all(
      childIds.map(async (id) =>
        (await store.ticketEvents(id)).filter((e) => e.type === 'customer_note_added'),
      ),
    )
    expect(notes.map((n) => n.length)).toEqual([1, 0])
    expect(panel().queryByRole('form', { name: 'Resolve the linked calls' })).toBeNull()
  })
})
