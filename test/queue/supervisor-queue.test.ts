/**
 * The supervisor's queue over the real station store (fake-indexeddb): windowed loading, the
 * change feed, unsynced work, alerts and the day boundary.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  changeFields,
  foldTicket,
  hold,
  openTicket,
  resolve,
  type Level,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { defaultCalendar } from '../../src/shared/incident/calendar'
import { uuidv7 } from '../../src/shared/ids'
import { createStationStore, type StationStore } from '../../src/renderer/src/store'
import {
  createSupervisorQueue,
  deskDayStart,
  QUEUE_WINDOW,
  type SupervisorQueue,
} from '../../src/renderer/src/queue/supervisor-queue'
import { openTicketReader, type OpenTicketReader } from '../../src/renderer/src/queue/open-tickets'
import { completeResolution } from '../support/incident-fixtures'
import { accepted, manualClock, pageOf, phoneCall, remoteStation, T0 } from '../store/fixtures'
import { privateIndexedDb } from '../store/private-indexeddb'
import { loopbackStation, manualTicker, type ManualTicker } from './harness'
import { memoryNumbers } from '../support/ticket-numbers'

const MINUTE = 60_000
let running: SupervisorQueue[] = []
afterEach(() => {
  for (const queue of running) queue.stop()
  running = []
})

async function floor(name: string) {
  const clock = manualClock(T0)
  const database = privateIndexedDb()
  const store = await createStationStore(name, {
    ...database,
    numbers: memoryNumbers(),
    now: clock.now,
  })
  await store.setStationCode('SV1')
  const agent = remoteStation('B2', 'agent2', T0 - 60 * MINUTE)
  let seq = 0
  const tickets = new Map<string, TicketEvent[]>()
  const deliver = async (events: TicketEvent[]) => {
    for (const event of events)
      tickets.set(event.ticketId, [...(tickets.get(event.ticketId) ?? []), event])
    for (let i = 0; i < events.length; i += 200) {
      const page = pageOf(events.slice(i, i + 200), seq)
      seq = page.next
      await store.applyRemotePage(page)
    }
  }
  const call = (impact: Level, urgency: Level) =>
    agent.open(
      phoneCall({ impact, urgency, receivedAt: new Date(agent.ctx.now() + 1000).toISOString() }),
    )
  const current = (id: string) => foldTicket(tickets.get(id)!)!
  return { clock, store, database, agent, deliver, call, current, tickets }
}

type Floor = Awaited<ReturnType<typeof floor>>

function start(
  f: Floor,
  {
    station = loopbackStation(),
    ticker = manualTicker(T0),
    reader,
  }: {
    station?: ReturnType<typeof loopbackStation>
    ticker?: ManualTicker
    reader?: OpenTicketReader
  } = {},
) {
  const queue = createSupervisorQueue({
    store: f.store,
    station: station.api,
    ticker,
    ...(reader ? { reader } : {}),
  })
  running.push(queue)
  return { queue, station, ticker }
}

const openIds = (queue: SupervisorQueue) =>
  [...queue.model.rows()]
    .filter((r) => r.ticket.state === 'open' || r.ticket.state === 'on_hold')
    .map((r) => r.id)
    .sort()

async function storeOpenIds(store: StationStore): Promise<string[]> {
  const ids: string[] = []
  for (const state of ['open', 'on_hold'] as const) {
    await openTicketReader(store).read(state, 1000, (rows) => {
      ids.push(...rows.map((t) => t.id))
    })
  }
  return ids.sort()
}

describe('loading the queue in windows', () => {
  it('holds every open and held ticket, every P1 in the first window, and nothing resolved', async () => {
    const f = await floor('load')
    const events = Array.from({ length: 2 * QUEUE_WINDOW + 30 }, (_, i) =>
      f.call(((i % 4) + 1) as Level, ((i % 3) + 1) as Level),
    ).flat()
    await f.deliver(events)
    const [first, second] = [...f.tickets.keys()].map(f.current)
    await f.deliver([
      ...accepted(hold(first!, 'waiting for the caller', f.agent.ctx)),
      ...accepted(resolve(second!, completeResolution(), f.agent.ctx)),
    ])
    const { queue } = start(f)
    const batches: string[][] = []
    queue.subscribe((changes) => batches.push(changes.map((c) => c.after!.ticket.priority)))
    await queue.start()
    expect(openIds(queue)).toEqual(await storeOpenIds(f.store))
    expect(openIds(queue)).toHaveLength(2 * QUEUE_WINDOW + 29)
    const p1s = [...queue.model.rows()].filter(
      (r) => r.ticket.priority === 'P1' && r.ticket.state === 'open',
    ).length
    expect(batches[0]!.filter((p) => p === 'P1')).toHaveLength(p1s)
    expect(batches[0]).toEqual([...batches[0]!].sort())
    expect(queue.loadState()).toEqual({ loading: false, loaded: queue.model.size })
  })

  it('loses no ticket when the floor changes between two windows', async () => {
    const f = await floor('race')
    await f.deliver(
      Array.from({ length: 2 * QUEUE_WINDOW + 100 }, (_, i) =>
        f.call((3 + (i % 2)) as Level, 4),
      ).flat(),
    )
    const real = openTicketReader(f.store)
    let windows = 0
    const racing: OpenTicketReader = {
      read: (state, limit, onWindow) =>
        real.read(state, limit, async (tickets) => {
          await onWindow(tickets)
          if (state !== 'open' || ++windows !== 1) return
          // The floor moves on between two windows: tickets already read are resolved or drop
          // in priority (read again later), and tickets not read yet become P1, moving to a
          // place the windows have passed.
          const read = new Set(tickets.map((t) => t.id))
          const unread = [...f.tickets.keys()].filter((id) => !read.has(id)).slice(0, 10)
          await f.deliver([
            ...tickets
              .slice(0, 10)
              .flatMap((t) =>
                accepted(resolve(f.current(t.id), completeResolution(), f.agent.ctx)),
              ),
            ...tickets
              .slice(10, 20)
              .flatMap((t) =>
                accepted(changeFields(f.current(t.id), { impact: 4, urgency: 4 }, f.agent.ctx)),
              ),
            ...unread.flatMap((id) =>
              accepted(changeFields(f.current(id), { impact: 1, urgency: 1 }, f.agent.ctx)),
            ),
          ])
        }),
    }
    const { queue } = start(f, { reader: racing })
    await queue.start()
    expect(openIds(queue)).toEqual(await storeOpenIds(f.store))
    expect(openIds(queue)).toHaveLength(2 * QUEUE_WINDOW + 90)
    for (const id of openIds(queue))
      expect(queue.model.get(id)!.ticket).toEqual(await f.store.getTicket(id))
  })
  it('says why when the store cannot be read, follows nothing after it, and never rejects', async () => {
    const f = await floor('broken')
    await f.deliver(f.call(2, 2))
    const failing: OpenTicketReader = {
      read: () => Promise.reject(new Error('IndexedDB refused the read')),
    }
    const { queue } = start(f, { reader: failing })
    let published = 0
    queue.subscribe(() => published++)
    await queue.start()
    expect(queue.loadState()).toEqual({
      loading: false,
      loaded: 0,
      failed: 'IndexedDB refused the read',
    })
    expect(published).toBe(1)
    // Stopped with the failure: a later save is not half-applied to a queue that never loaded.
    await f.deliver(f.call(3, 3))
    expect(queue.model.size).toBe(0)
  })

  it('stays quiet when its desk closes the store during the load', async () => {
    const f = await floor('closing')
    await f.deliver(f.call(2, 2))
    const { queue } = start(f)
    // The desk's teardown: the store closes, and the queue is stopped while its reads fail.
    f.store.close()
    const started = queue.start()
    queue.stop()
    await expect(started).resolves.toBeUndefined()
    expect(queue.loadState().failed).toBeUndefined()
  })
})

describe('following the store', () => {
  it('shows a ticket from another station without reload, keeping filters, sort and selection', async () => {
    const f = await floor('follow')
    await f.deliver([...f.call(1, 1), ...f.call(4, 4), ...f.call(2, 2)])
    const { queue } = start(f)
    await queue.start()
    const view = queue.view.getState()
    view.toggleFilter('priorities', 'P1')
    view.setSorting([{ id: 'age', desc: true }])
    view.select(queue.view.getState().view.rows[0]!.id, { open: true })
    const selected = queue.view.getState().selectedId

    const late = f.call(1, 2)
    await f.deliver(late)
    await expect.poll(() => queue.view.getState().view.rows.length).toBe(2)
    const after = queue.view.getState()
    expect(after.filters.priorities).toEqual(['P1'])
    expect(after.sorting).toEqual([{ id: 'age', desc: true }])
    expect(after.selectedId).toBe(selected)
    expect(after.panelOpen).toBe(true)
    expect(after.view.rows.map((r) => r.ticket.priority)).toEqual(['P1', 'P1'])
    expect(after.view.rows[1]!.id).toBe(late[0]!.ticketId)
  })

  it('marks tickets with unsent events until the server answers for them', async () => {
    const f = await floor('unsynced')
    const { queue, station } = start(f)
    await queue.start()
    const recorded = await f.store.record((rc) =>
      openTicket(phoneCall(), rc.nextTicketNumber(), {
        actor: 'super1',
        station: 'SV1',
        now: f.clock.now,
        newId: () => uuidv7(f.clock.now()),
        nextHlc: rc.nextHlc,
      }),
    )
    if (!recorded.ok) throw new Error('recording refused')
    const id = recorded.tickets[0]!.id
    await expect.poll(() => queue.model.get(id)?.unsynced).toBe(true)
    const results = recorded.events.map((e, i) => ({
      id: e.id,
      status: 'applied' as const,
      seq: 900 + i,
    }))
    await f.store.applyPushResults(results)
    station.emit('sync.results', { results })
    await expect.poll(() => queue.model.get(id)?.unsynced).toBe(false)
  })

  it('drops a ticket the server refused the opening of', async () => {
    const f = await floor('removed')
    const { queue } = start(f)
    await queue.start()
    const recorded = await f.store.record((rc) =>
      openTicket(phoneCall(), rc.nextTicketNumber(), {
        actor: 'super1',
        station: 'SV1',
        now: f.clock.now,
        newId: () => uuidv7(f.clock.now()),
        nextHlc: rc.nextHlc,
      }),
    )
    if (!recorded.ok) throw new Error('recording refused')
    const id = recorded.tickets[0]!.id
    await expect.poll(() => queue.model.get(id)).toBeDefined()
    await f.store.applyPushResults([
      { id: recorded.events[0]!.id, status: 'rejected', code: 'forbidden', reason: 'not allowed' },
    ])
    await expect.poll(() => queue.model.get(id)).toBeUndefined()
  })
})

describe('desktop notifications', () => {
  it('tells of a new P1 and of a breach once each, and of nothing that was so at load', async () => {
    const f = await floor('alerts')
    const loadTimeP1 = f.call(1, 1)
    await f.deliver(loadTimeP1)
    const { queue, station, ticker } = start(f)
    await queue.start()
    expect(station.shown).toEqual([])

    const emailed = f.agent.open(
      phoneCall({ source: 'email', impact: 1, urgency: 2, receivedAt: new Date(T0).toISOString() }),
    )
    await f.deliver(emailed)
    await expect.poll(() => station.shown.length).toBe(1)
    expect(station.shown[0]).toMatchObject({
      title: expect.stringMatching(/^New P1: B2-/),
      ticketId: emailed[0]!.ticketId,
    })

    // Its first-assignment target (15 min) runs out; the load-time P1 was taken on the call.
    ticker.advance(14 * MINUTE)
    expect(station.shown).toHaveLength(1)
    ticker.advance(2 * MINUTE)
    ticker.advance(1 * MINUTE)
    await expect.poll(() => station.shown.length).toBe(2)
    expect(station.shown[1]!.title).toMatch(/^First assignment target breached: B2-/)
    await f.deliver(
      accepted(resolve(f.current(loadTimeP1[0]!.ticketId), completeResolution(), f.agent.ctx)),
    )
    ticker.advance(MINUTE)
    expect(station.shown).toHaveLength(2)
  })

  it('a stop and a new start, as React StrictMode does, leave one live queue', async () => {
    const f = await floor('restart')
    await f.deliver([...f.call(3, 3), ...f.call(3, 4)])
    const { queue, station } = start(f)
    const first = queue.start()
    queue.stop()
    await queue.start()
    await first
    expect(queue.model.size).toBe(2)
    const p1 = f.call(1, 1)
    await f.deliver(p1)
    await expect.poll(() => queue.model.get(p1[0]!.ticketId)).toBeDefined()
    await expect.poll(() => station.shown.length).toBe(1)
  })

  it('selects and opens the ticket of a clicked notification', async () => {
    const f = await floor('clicked')
    const p1 = f.call(1, 1)
    await f.deliver(p1)
    const { queue, station } = start(f)
    await queue.start()
    station.emit('notify.clicked', { ticketId: p1[0]!.ticketId })
    expect(queue.view.getState()).toMatchObject({ selectedId: p1[0]!.ticketId, panelOpen: true })
  })
})

describe("the desk's day", () => {
  it('starts at midnight in the desk calendar', () => {
    const inZone = (timeZone: string) => ({ calendar: defaultCalendar(timeZone) })
    expect(deskDayStart(Date.parse('2026-11-27T09:00:00Z'), inZone('UTC'))).toBe(
      Date.parse('2026-11-27T00:00:00Z'),
    )
    expect(deskDayStart(Date.parse('2026-11-27T03:00:00Z'), inZone('America/New_York'))).toBe(
      Date.parse('2026-11-26T05:00:00Z'),
    )
    // The day summer time starts is 23 hours long, and still starts at midnight.
    expect(deskDayStart(Date.parse('2026-03-08T12:00:00Z'), inZone('America/New_York'))).toBe(
      Date.parse('2026-03-08T05:00:00Z'),
    )
  })

  it('lets go of tickets resolved the day before when the day turns', async () => {
    const f = await floor('day')
    const events = f.call(3, 3)
    await f.deliver(events)
    const { queue, ticker } = start(f)
    await queue.start()
    const ticket: Ticket = f.current(events[0]!.ticketId)
    await f.deliver(accepted(resolve(ticket, completeResolution(), f.agent.ctx)))
    await expect.poll(() => queue.model.get(ticket.id)?.ticket.state).toBe('resolved')
    ticker.advance(24 * 60 * MINUTE)
    expect(queue.model.get(ticket.id)).toBeUndefined()
  })
})
