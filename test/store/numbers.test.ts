/**
 * Ticket numbers in the station store (ARCHITECTURE.md "Data"): they come from the station's one
 * authority (main, here its in-memory twin) in blocks held ahead of time, so a wiped or second
 * profile never restarts the sequence and showing a number never waits; a number the server
 * refuses is replaced by a fresh one and stays findable as an alias.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  addTechNote,
  foldTicket,
  openTicket,
  type EventOf,
  type TicketEvent,
} from '../../src/shared/incident'
import {
  createStationStore,
  type NumberAuthority,
  type StationStore,
} from '../../src/renderer/src/store'
import type { NumberBlock } from '../../src/shared/station-api'
import { memoryNumbers } from '../support/ticket-numbers'
import { agentAt, phoneCall } from './fixtures'
import { privateIndexedDb } from './private-indexeddb'

const open: StationStore[] = []
afterEach(() => {
  for (const store of open.splice(0)) store.close()
})

async function profile(numbers: NumberAuthority, idb = privateIndexedDb()) {
  const store = await createStationStore('station', { ...idb, numbers })
  open.push(store)
  await store.setStationCode('A1')
  return store
}

async function logCall(store: StationStore, title = 'Cannot print') {
  const result = await store.record((ctx) =>
    openTicket(phoneCall({ title }), ctx.nextTicketNumber(), agentAt(ctx)),
  )
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors)}`)
  return { ticket: result.tickets[0]!, opening: result.events[0] as EventOf<'opened'> }
}

const sequenceOf = (number: string) => Number(number.split('-')[1])
const withoutSync = (rows: readonly Record<string, unknown>[]) =>
  rows.map(({ syncState: _s, seq: _q, rejection: _r, ...event }) => event as TicketEvent)

describe('numbers from the station’s one authority (ARCHITECTURE.md "Data")', () => {
  it('does not start again at 1 on a wiped profile: main goes on', async () => {
    const main = memoryNumbers()
    const before = await profile(main)
    const used = [await logCall(before), await logCall(before)].map((c) => c.ticket.number)
    expect(used).toEqual(['A1-1', 'A1-2'])
    before.close()

    const wiped = await profile(main) // a fresh IndexedDB: the profile was cleared
    const after = (await logCall(wiped)).ticket.number
    expect(sequenceOf(after)).toBeGreaterThan(2)
  })

  it('never gives two profiles of one station the same number', async () => {
    const main = memoryNumbers()
    const [a, b] = [await profile(main), await profile(main)]
    const calls = await Promise.all(
      Array.from({ length: 12 }, (_, i) => logCall(i % 2 ? a : b, `Call ${i}`)),
    )
    const numbers = calls.map((c) => c.ticket.number)
    expect(new Set(numbers).size).toBe(numbers.length)
  })

  it('shows a number without waiting for main: the next block is asked for ahead of time', async () => {
    const main = memoryNumbers()
    const asked: Promise<NumberBlock>[] = []
    let release: () => void = () => undefined
    const held = new Promise<void>((resolve) => (release = resolve))
    // Main answers the first reservation and then stalls until released.
    const slow: NumberAuthority = {
      reserve: (request) => {
        const block = main.reserve(request)
        asked.push(block)
        return asked.length === 1 ? block : held.then(() => block)
      },
    }
    const store = await profile(slow)
    const numbers = [(await logCall(store)).ticket.number, (await logCall(store)).ticket.number]
    expect(numbers).toEqual(['A1-1', 'A1-2'])
    // Running low, the window already asked for its next block before it needed one.
    expect(asked.length).toBe(2)
    release()
    expect((await logCall(store)).ticket.number).toBe('A1-3')
    expect(sequenceOf((await logCall(store)).ticket.number)).toBeGreaterThan(3)
  })

  it('gives a window that learned the station code from another window its own numbers', async () => {
    const main = memoryNumbers()
    const idb = privateIndexedDb()
    const second = await createStationStore('station', { ...idb, numbers: main })
    open.push(second)
    const first = await profile(main, idb) // enrolls: the second window has no block yet
    const numbers = [(await logCall(second)).ticket.number, (await logCall(first)).ticket.number]
    expect(new Set(numbers).size).toBe(2)
    expect(numbers.every((n) => /^A1-\d+$/.test(n))).toBe(true)
  })

  it('drops held numbers the server already has once main says so (sign-in, enrollment)', async () => {
    const store = await profile(memoryNumbers())
    expect((await logCall(store)).ticket.number).toBe('A1-1') // the window now holds A1-2, A1-3
    store.numbersRaised('B7', 90) // another station's: nothing to do here
    store.numbersRaised('A1', 40)
    expect((await logCall(store)).ticket.number).toBe('A1-41')
  })

  it('gives the number of a refused command back, since nobody saw it', async () => {
    const store = await profile(memoryNumbers())
    const refused = await store.record((ctx) =>
      openTicket(phoneCall({ title: '' }), ctx.nextTicketNumber(), agentAt(ctx)),
    )
    expect(refused.ok).toBe(false)
    expect((await logCall(store)).ticket.number).toBe('A1-1')
  })
})

describe('a number the server refuses (number_taken)', () => {
  async function refusedTicket() {
    const main = memoryNumbers()
    const store = await profile(main)
    const { ticket, opening } = await logCall(store)
    const noted = await store.record((ctx) =>
      addTechNote(ticket, 'Asked the caller to restart', agentAt(ctx)),
    )
    if (!noted.ok) throw new Error('refused')
    const note = noted.events[0]!
    const results = [
      {
        id: opening.id,
        status: 'rejected' as const,
        code: 'number_taken' as const,
        reason: 'Ticket number A1-1 is already another ticket’s.',
        highestSequence: 40,
      },
      { id: note.id, status: 'applied' as const, seq: 7 },
    ]
    return { store, ticket, opening, note, results }
  }

  it('renumbers the ticket above what the server holds and keeps the old number findable', async () => {
    const { store, ticket, opening, note, results } = await refusedTicket()
    const outcome = await store.applyPushResults(results)
    expect(outcome).toMatchObject({ applied: 1, rejected: 1 })
    const [replacement] = outcome.renumbered as EventOf<'opened'>[]
    expect(replacement).toMatchObject({
      ticketId: ticket.id,
      hlc: opening.hlc,
      actor: opening.actor,
      station: 'A1',
      payload: { ...opening.payload, number: 'A1-41', previousNumbers: ['A1-1'] },
    })
    expect(replacement!.id).not.toBe(opening.id)

    const renumbered = (await store.getTicket(ticket.id))!
    expect(renumbered).toMatchObject({ number: 'A1-41', previousNumbers: ['A1-1'] })
    expect(renumbered.notes.map((n) => n.body)).toEqual(['Asked the caller to restart'])
    expect(renumbered.conflicts).toEqual([])
    // What the server and every other station fold from the events they hold.
    expect(renumbered).toEqual(foldTicket([note, replacement!]))

    expect((await store.search('A1-1')).map((t) => t.id)).toContain(ticket.id)
    expect((await store.ticketByNumber('a1-1'))?.id).toBe(ticket.id)
    expect((await store.ticketByNumber('A1-41'))?.id).toBe(ticket.id)
    const held = await store.ticketEvents(ticket.id)
    expect(held.map((e) => [e.id, e.syncState])).toEqual(
      expect.arrayContaining([
        [opening.id, 'rejected'],
        [replacement!.id, 'pending'],
        [note.id, 'applied'],
      ]),
    )
    expect(await store.pendingCount()).toBe(1)
    expect(withoutSync(await store.pendingEvents(10))).toEqual([replacement])
  })

  it('renumbers once, however often the refusal arrives', async () => {
    const { store, ticket, results } = await refusedTicket()
    const first = await store.applyPushResults(results)
    const again = await store.applyPushResults(results)
    expect(first.renumbered).toHaveLength(1)
    expect(again.renumbered).toEqual([])
    expect((await store.ticketEvents(ticket.id)).filter((e) => e.type === 'opened')).toHaveLength(2)
    expect(await store.pendingCount()).toBe(1)
  })

  it('renumbers a replacement refused in turn, keeping every number it was shown with', async () => {
    const { store, ticket, results } = await refusedTicket()
    const [replacement] = (await store.applyPushResults(results)).renumbered
    const second = await store.applyPushResults([
      {
        id: replacement!.id,
        status: 'rejected',
        code: 'number_taken',
        reason: 'taken',
        highestSequence: 50,
      },
    ])
    expect(second.renumbered[0]).toMatchObject({
      payload: { number: 'A1-51', previousNumbers: ['A1-1', 'A1-41'] },
    })
    expect((await store.getTicket(ticket.id))!.previousNumbers).toEqual(['A1-1', 'A1-41'])
    expect((await store.search('A1-41')).map((t) => t.id)).toContain(ticket.id)
  })

  it('renumbers a backlog refused at once, more numbers than one reservation holds', async () => {
    const store = await profile(memoryNumbers())
    const calls = []
    for (let i = 0; i < 45; i++) calls.push(await logCall(store, `Backlog ${i}`))
    const outcome = await store.applyPushResults(
      calls.map(({ opening }) => ({
        id: opening.id,
        status: 'rejected' as const,
        code: 'number_taken' as const,
        reason: 'taken',
        highestSequence: 100,
      })),
    )
    const numbers = (outcome.renumbered as EventOf<'opened'>[]).map((e) => e.payload.number)
    expect(numbers).toHaveLength(45)
    expect(new Set(numbers).size).toBe(45)
    expect(numbers.every((n) => sequenceOf(n) > 100)).toBe(true)
  })

  it('keeps numbering above the renumbered one afterwards', async () => {
    const { store, results } = await refusedTicket()
    await store.applyPushResults(results)
    expect(sequenceOf((await logCall(store)).ticket.number)).toBeGreaterThan(41)
  })
})
