import { afterEach, describe, expect, it } from 'vitest'
import { addTechNote, foldTicket, openTicket, type TicketEvent } from '../../src/shared/incident'
import {
  createStationStore,
  type StationStore,
  type TicketsChange,
} from '../../src/renderer/src/store'
import { runSeed, seededRandom } from '../support/random'
import {
  agentAt,
  manualClock,
  pageOf,
  phoneCall,
  remoteHistory,
  remoteStation,
  T0,
} from './fixtures'
import { privateIndexedDb } from './private-indexeddb'
import { memoryNumbers } from '../support/ticket-numbers'

const open: StationStore[] = []
afterEach(() => {
  for (const store of open.splice(0)) store.close()
})

async function enrolledStore(options: { now?: () => number } = {}) {
  const store = await createStationStore('station', {
    ...privateIndexedDb(),
    numbers: memoryNumbers(),
    ...options,
  })
  open.push(store)
  await store.setStationCode('A1')
  return store
}

/** Opens a ticket at this station and adds one tech note: two pending events. */
async function localTicketWithNote(store: StationStore) {
  const opened = await store.record((ctx) =>
    openTicket(phoneCall(), ctx.nextTicketNumber(), agentAt(ctx)),
  )
  if (!opened.ok) throw new Error('refused')
  const noted = await store.record((ctx) =>
    addTechNote(opened.tickets[0]!, 'Asked the caller to restart', agentAt(ctx)),
  )
  if (!noted.ok) throw new Error('refused')
  return { ticket: opened.tickets[0]!, opening: opened.events[0]!, note: noted.events[0]! }
}

const withoutSync = (rows: readonly { syncState: string }[]) =>
  rows.map(
    ({ syncState: _s, seq: _q, rejection: _r, ...event }: Record<string, unknown>) =>
      event as TicketEvent,
  )

describe('push results: per-event answers from the server (ARCHITECTURE.md "Sync")', () => {
  it('marks applied and duplicate events applied with their seq and counts them off', async () => {
    const store = await enrolledStore()
    const { opening, note } = await localTicketWithNote(store)
    expect(await store.pendingCount()).toBe(2)

    const outcome = await store.applyPushResults([
      { id: opening.id, status: 'applied', seq: 41 },
      { id: note.id, status: 'duplicate', seq: 42 },
      { id: '0190f0c0-0000-7000-8000-00000000dead', status: 'applied', seq: 43 },
    ])

    expect(outcome).toEqual({
      applied: 2,
      rejected: 0,
      unknown: ['0190f0c0-0000-7000-8000-00000000dead'],
      renumbered: [],
    })
    const rows = await store.ticketEvents(opening.ticketId)
    expect(rows.map((r) => [r.id, r.syncState, r.seq])).toEqual([
      [opening.id, 'applied', 41],
      [note.id, 'applied', 42],
    ])
    expect(await store.pendingCount()).toBe(0)
    expect(await store.pendingEvents(10)).toEqual([])
  })

  it('keeps a rejected event visible with its reason ("nothing typed is ever lost"), and folds the ticket without it', async () => {
    const store = await enrolledStore()
    const { ticket, note } = await localTicketWithNote(store)
    const changes: TicketsChange[] = []
    store.onTicketsChanged((change) => changes.push(change))

    await store.applyPushResults([
      { id: note.id, status: 'rejected', code: 'forbidden', reason: 'agent1 may not write here' },
    ])

    const [rejected] = await store.rejectedEvents(10)
    expect(rejected).toMatchObject({
      id: note.id,
      syncState: 'rejected',
      rejection: { code: 'forbidden', reason: 'agent1 may not write here' },
    })
    expect(await store.pendingCount()).toBe(1)
    expect(await store.pendingEvents(10)).toHaveLength(1)
    const refolded = (await store.getTicket(ticket.id))!
    expect(refolded.notes).toEqual([])
    expect(refolded).toEqual(ticket)
    expect(changes).toEqual([{ updated: [ticket], removed: [] }])
  })

  it('removes the ticket from the projection when its opening is rejected, keeping the events', async () => {
    const store = await enrolledStore()
    const { ticket, opening } = await localTicketWithNote(store)
    const changes: TicketsChange[] = []
    store.onTicketsChanged((change) => changes.push(change))

    await store.applyPushResults([
      { id: opening.id, status: 'rejected', code: 'station_mismatch', reason: 'not your station' },
    ])

    expect(await store.getTicket(ticket.id)).toBeUndefined()
    expect(await store.ticketEvents(ticket.id)).toHaveLength(2)
    expect(changes).toEqual([{ updated: [], removed: [ticket.id] }])
  })
})

describe('remote pages: events, projection and cursor in one transaction (ARCHITECTURE.md "Sync")', () => {
  it('stores new events as applied, projects them and moves the cursor', async () => {
    const store = await enrolledStore()
    const events = remoteHistory(remoteStation('B2', 'agent2'), 2)

    const result = await store.applyRemotePage(pageOf(events, 100))

    expect(result).toMatchObject({ added: events.length, confirmed: 0, skipped: [], cursor: 104 })
    expect(await store.getCursor()).toBe(104)
    const ticket = (await store.getTicket(events[0]!.ticketId))!
    expect(ticket).toEqual(foldTicket(events))
    expect(ticket.number).toBe('B2-1')
    const rows = await store.ticketEvents(ticket.id)
    expect(rows.map((r) => [r.syncState, r.seq])).toEqual([
      ['applied', 101],
      ['applied', 102],
      ['applied', 103],
      ['applied', 104],
    ])
    expect(await store.pendingCount()).toBe(0)
  })

  it('confirms its own pending events when they come back in a page', async () => {
    const store = await enrolledStore()
    const { opening, note } = await localTicketWithNote(store)
    const result = await store.applyRemotePage(pageOf([opening, note], 7))
    expect(result).toMatchObject({ added: 0, confirmed: 2, cursor: 9 })
    expect(await store.pendingCount()).toBe(0)
    expect((await store.ticketEvents(opening.ticketId)).map((r) => r.seq)).toEqual([8, 9])
  })

  it('keeps unparseable events out, reports them, and still moves past them', async () => {
    const store = await enrolledStore()
    const events = remoteHistory(remoteStation('B2', 'agent2'), 0)
    const garbage = { ...events[1], payload: { changes: {} } }
    const future = { ...events[1], id: '0190f0c0-0000-7000-8000-0000000000ff', schemaVersion: 99 }

    const result = await store.applyRemotePage(pageOf([events[0], garbage, future], 0))

    expect(result.added).toBe(1)
    expect(result.skipped.map((s) => [s.seq, s.code])).toEqual([
      [2, 'invalid_event'],
      [3, 'unsupported_schema_version'],
    ])
    expect(result.skipped[1]!.message).toMatch(/update this station/)
    expect(await store.ticketEvents(events[0]!.ticketId)).toHaveLength(1)
    expect(await store.getCursor()).toBe(3)
  })

  it('leaves events and cursor untouched when the page cannot be committed (atomicity)', async () => {
    let failing = false
    const store = await enrolledStore({
      now: () => {
        if (failing) throw new Error('wall clock unavailable')
        return T0
      },
    })
    await store.applyRemotePage(pageOf(remoteHistory(remoteStation('B2', 'agent2'), 0), 0))
    const events = remoteHistory(remoteStation('C3', 'agent3'), 1)
    failing = true

    // The clock merge runs after the events are written in the same transaction, so this fails
    // half-way through the page.
    await expect(store.applyRemotePage(pageOf(events, 2))).rejects.toThrow(/wall clock/)

    failing = false
    expect(await store.getCursor()).toBe(2)
    expect(await store.ticketEvents(events[0]!.ticketId)).toEqual([])
    expect(await store.getTicket(events[0]!.ticketId)).toBeUndefined()
  })

  it('never moves the cursor backwards', async () => {
    const store = await enrolledStore()
    await store.applyRemotePage({ events: [], next: 50 })
    expect((await store.applyRemotePage({ events: [], next: 20 })).cursor).toBe(50)
    expect(await store.getCursor()).toBe(50)
  })

  it('keeps events whose ticket has no opening yet, and folds them in when it arrives', async () => {
    const store = await enrolledStore()
    const events = remoteHistory(remoteStation('B2', 'agent2'), 2)
    const [opening, ...rest] = events

    await store.applyRemotePage(pageOf(rest, 0))
    expect(await store.getTicket(opening!.ticketId)).toBeUndefined()
    expect(await store.ticketEvents(opening!.ticketId)).toHaveLength(rest.length)

    await store.applyRemotePage(pageOf([opening], rest.length))
    expect(await store.getTicket(opening!.ticketId)).toEqual(foldTicket(events))
  })

  it('re-folds when an event arrives that sorts before what the ticket already holds', async () => {
    const store = await enrolledStore()
    const b2 = remoteStation('B2', 'agent2')
    const events = remoteHistory(b2, 3)
    const late = events.splice(2, 1)

    await store.applyRemotePage(pageOf(events, 0))
    const before = (await store.getTicket(events[0]!.ticketId))!
    expect(before.notes).toHaveLength(2)

    await store.applyRemotePage(pageOf(late, events.length))
    const after = (await store.getTicket(events[0]!.ticketId))!
    expect(after).toEqual(foldTicket([...events, ...late]))
    expect(after.notes.map((n) => n.body)).toEqual(['note 1', 'note 2', 'note 3'])
  })

  it('merges remote clocks so later local events sort after them, and flags a clock far ahead', async () => {
    const clock = manualClock()
    const store = await enrolledStore({ now: clock.now })
    const skewed = remoteStation('Z9', 'agent9', T0 + 60 * 60_000)
    const events = skewed.open()

    const result = await store.applyRemotePage(pageOf(events, 0))

    expect(result.clockWarnings).toHaveLength(1)
    expect(result.clockWarnings[0]).toMatchObject({ code: 'clock_far_ahead' })
    expect(result.clockWarnings[0]!.message).toMatch(/Z9/)
    expect(await store.getTicket(events[0]!.ticketId)).toBeDefined()
    expect(await store.nextHlc()).toMatch(/-A1$/)
    expect((await store.nextHlc()) > events[0]!.hlc).toBe(true)
  })
})

describe('convergence ("every station and the server converge to the same state", PRODUCT.md)', () => {
  it('folds randomly ordered, duplicated and split pages to the same tickets as foldTicket', async () => {
    const seed = runSeed('store convergence')
    const random = seededRandom(seed)
    const stations = [remoteStation('B2', 'agent2'), remoteStation('C3', 'agent3')]
    const histories = Array.from({ length: 6 }, (_, i) =>
      remoteHistory(stations[i % 2]!, random.int(4)),
    )
    // A second station's late edits, interleaved by clock with the first station's.
    for (const history of histories) {
      const ticket = foldTicket(history)!
      history.push(...stations[1]!.note(ticket, 'from the other station'))
    }
    const all = histories.flat()

    for (let round = 0; round < 20; round++) {
      const store = await createStationStore(`converge-${round}`, {
        ...privateIndexedDb(),
        numbers: memoryNumbers(),
      })
      open.push(store)
      const delivery = random.shuffle([...all, ...all.filter(() => random.chance(0.2))])
      let after = 0
      for (let start = 0; start < delivery.length;) {
        const size = 1 + random.int(5)
        const page = pageOf(delivery.slice(start, start + size), after)
        await store.applyRemotePage(page)
        after = page.next
        start += size
      }
      for (const history of histories) {
        const ticket = await store.getTicket(history[0]!.ticketId)
        expect(ticket, `seed ${seed}, round ${round}`).toEqual(foldTicket(history))
        const stored = withoutSync(await store.ticketEvents(history[0]!.ticketId))
        expect(foldTicket(stored)).toEqual(ticket)
      }
      store.close()
    }
  })
})
