import { describe, expect, it } from 'vitest'
import { addTechNote, compareEvents, foldTicket, openTicket } from '../../src/shared/incident'
import { createStationStore, type StationStore } from '../../src/renderer/src/store'
import { agentAt, manualClock, phoneCall, T0 } from './fixtures'
import { privateIndexedDb } from './private-indexeddb'
import { memoryNumbers } from '../support/ticket-numbers'

async function openCall(store: StationStore, now: () => number = () => T0) {
  const result = await store.record((ctx) =>
    openTicket(phoneCall(), ctx.nextTicketNumber(), agentAt(ctx, 'agent1', 'A1', now)),
  )
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return result
}

/** Opens the same database again, as the app does after a crash or restart. */
function station(clock = manualClock()) {
  const idb = privateIndexedDb()
  // Main outlives the renderer's restarts, and with it the station's number counter.
  const numbers = memoryNumbers()
  return { clock, start: () => createStationStore('station', { ...idb, numbers, now: clock.now }) }
}

const sequenceOf = (number: string) => Number(number.split('-')[1])

describe('a restart loses nothing ("Nothing typed is ever lost", PRODUCT.md "What offline-first means")', () => {
  it('never reuses a ticket number across a restart ("valid the moment they are shown")', async () => {
    const { start } = station()
    let store = await start()
    await store.setStationCode('A1')
    const first = [await openCall(store), await openCall(store), await openCall(store)]
    store.close()

    store = await start()
    const after = await openCall(store)
    const numbers = [...first, after].map((r) => r.tickets[0]!.number)
    expect(numbers.slice(0, 3)).toEqual(['A1-1', 'A1-2', 'A1-3'])
    // What the window held unused when it closed is skipped, never handed out again.
    expect(sequenceOf(numbers[3]!)).toBeGreaterThan(3)
    expect(await store.pendingCount()).toBe(4)
    store.close()
  })

  it('writes nothing for a command that fails after taking a number, and never shows the number', async () => {
    const { start } = station()
    const store = await start()
    await store.setStationCode('A1')
    // A command that takes a number and then fails leaves neither number nor event behind.
    await expect(
      store.record((ctx) => {
        ctx.nextTicketNumber()
        throw new Error('renderer crashed mid-command')
      }),
    ).rejects.toThrow(/crashed/)
    expect(await store.pendingCount()).toBe(0)
    expect((await openCall(store)).tickets[0]!.number).toMatch(/^A1-\d+$/)
    expect(await store.pendingCount()).toBe(1)
    store.close()
  })

  it('keeps each station code its own sequence across a re-enrollment', async () => {
    const { start } = station()
    const store = await start()
    await store.setStationCode('A1')
    await openCall(store)
    await openCall(store)
    await store.setStationCode('B7')
    expect((await openCall(store)).tickets[0]!.number).toBe('B7-1')
    await store.setStationCode('A1')
    expect(sequenceOf((await openCall(store)).tickets[0]!.number)).toBeGreaterThan(2)
    await expect(store.setStationCode('not a code')).rejects.toThrow(/station code/)
    store.close()
  })

  it('orders events made after a restart after the ones before it, even if the wall clock went back', async () => {
    const { clock, start } = station()
    let store = await start()
    await store.setStationCode('A1')
    clock.set(T0 + 10 * 60_000)
    const { tickets, events } = await openCall(store, clock.now)
    store.close()

    clock.set(T0) // the machine's clock was corrected backwards while the app was down
    store = await start()
    const noted = await store.record((ctx) =>
      addTechNote(tickets[0]!, 'after the restart', agentAt(ctx, 'agent1', 'A1', clock.now)),
    )
    if (!noted.ok) throw new Error('refused')
    expect(compareEvents(events[0]!, noted.events[0]!)).toBe(-1)
    expect((await store.getTicket(tickets[0]!.id))!.notes.map((n) => n.body)).toEqual([
      'after the restart',
    ])
    const standalone = await store.nextHlc()
    expect(standalone > noted.events[0]!.hlc).toBe(true)
    store.close()
  })

  it('keeps drafts across a restart until they are cleared', async () => {
    const { clock, start } = station()
    let store = await start()
    await store.saveDraft('intake', { title: 'Printer', description: 'half-typ' })
    clock.advance(5000)
    await store.saveDraft('intake', { title: 'Printer', description: 'half-typed' })
    await store.saveDraft('note:123', 'Called back')
    store.close()

    store = await start()
    expect(await store.loadDraft('intake')).toEqual({
      value: { title: 'Printer', description: 'half-typed' },
      savedAt: T0 + 5000,
    })
    expect((await store.listDrafts()).map((d) => d.key).sort()).toEqual(['intake', 'note:123'])
    await store.clearDraft('intake')
    expect(await store.loadDraft('intake')).toBeUndefined()
    expect(await store.listDrafts()).toEqual([{ key: 'note:123', savedAt: T0 + 5000 }])
    store.close()
  })
})

describe('two windows of the app on one database', () => {
  it('never hand out the same ticket number or clock value (ARCHITECTURE.md "Data")', async () => {
    const { start } = station()
    const first = await start()
    const second = await start()
    await first.setStationCode('A1')
    const made = []
    for (let i = 0; i < 3; i++) {
      made.push(await openCall(first), await openCall(second))
    }
    made.push(...(await Promise.all([openCall(first), openCall(second), openCall(first)])))
    const numbers = made.map((r) => r.tickets[0]!.number)
    expect(new Set(numbers).size).toBe(9)
    expect(numbers.every((number) => /^A1-\d+$/.test(number))).toBe(true)
    const clocks = made.map((r) => r.events[0]!.hlc)
    expect(new Set(clocks).size).toBe(9)
    expect(clocks.slice(0, 6)).toEqual([...clocks.slice(0, 6)].sort())
    expect(await first.pendingCount()).toBe(9)
    first.close()
    second.close()
  })

  it('keep both notes when each adds one to the same ticket', async () => {
    const { start } = station()
    const first = await start()
    const second = await start()
    await first.setStationCode('A1')
    const { tickets } = await openCall(first)
    const ticket = (await second.getTicket(tickets[0]!.id))!
    const note = (store: StationStore, body: string) =>
      store.record((ctx) => addTechNote(ticket, body, agentAt(ctx)))
    // Each window's remembered copy of the ticket is stale once the other one writes.
    await note(first, 'from the first window')
    await note(second, 'from the second window')
    await note(first, 'first again')
    const stored = (await first.getTicket(ticket.id))!
    expect(stored.notes.map((n) => n.body)).toEqual([
      'from the first window',
      'from the second window',
      'first again',
    ])
    const events = await first.ticketEvents(ticket.id)
    expect(stored).toEqual(foldTicket(events.map(({ syncState: _s, ...event }) => event)))
    expect(await second.pendingCount()).toBe(4)
    first.close()
    second.close()
  })

  it('do not bring back a note the server rejected while the other window held the ticket', async () => {
    const { start } = station()
    const agentWindow = await start()
    const syncWindow = await start()
    await agentWindow.setStationCode('A1')
    const { tickets } = await openCall(agentWindow)
    const note = async (body: string) => {
      const result = await agentWindow.record((ctx) => addTechNote(tickets[0]!, body, agentAt(ctx)))
      if (!result.ok) throw new Error('refused')
      return result.events[0]!
    }
    const rejected = await note('rejected by the server')
    await note('kept')
    // The last event stays the same, so only the ticket's content shows the change.
    await syncWindow.applyPushResults([
      { id: rejected.id, status: 'rejected', code: 'forbidden', reason: 'not allowed' },
    ])
    await note('after the rejection')
    const stored = (await agentWindow.getTicket(tickets[0]!.id))!
    expect(stored.notes.map((n) => n.body)).toEqual(['kept', 'after the rejection'])
    agentWindow.close()
    syncWindow.close()
  })

  it('notice a ticket the other window changed without moving the clock or the pending count', async () => {
    const { start } = station()
    const agentWindow = await start()
    const syncWindow = await start()
    await agentWindow.setStationCode('A1')
    const { tickets } = await openCall(agentWindow)
    const note = async (body: string) => {
      const result = await agentWindow.record((ctx) => addTechNote(tickets[0]!, body, agentAt(ctx)))
      if (!result.ok) throw new Error('refused')
      return result.events[0]!
    }
    const disputed = await note('rejected, then accepted after all')
    await syncWindow.applyPushResults([
      { id: disputed.id, status: 'rejected', code: 'forbidden', reason: 'not allowed' },
    ])
    await note('second')
    // Back in the projection: the ticket changes, its last event and the counters do not.
    await syncWindow.applyPushResults([{ id: disputed.id, status: 'duplicate', seq: 7 }])
    await note('third')
    const stored = (await agentWindow.getTicket(tickets[0]!.id))!
    expect(stored.notes.map((n) => n.body)).toEqual([
      'rejected, then accepted after all',
      'second',
      'third',
    ])
    agentWindow.close()
    syncWindow.close()
  })
})

describe('the station clock', () => {
  it('flags a remote clock far ahead and still merges it', async () => {
    const { start } = station()
    const store = await start()
    await store.setStationCode('A1')
    expect(await store.observeRemoteHlc('2026-11-27T09:01:00.000Z-0000-B2')).toBeUndefined()
    const warning = await store.observeRemoteHlc('2026-11-27T11:00:00.000Z-0003-Z9')
    expect(warning).toMatchObject({ code: 'clock_far_ahead' })
    expect(await store.nextHlc()).toBe('2026-11-27T11:00:00.000Z-0005-A1')
    store.close()
  })
})
