import { afterEach, describe, expect, it } from 'vitest'
import { addTechNote, foldTicket, openTicket, type TicketEvent } from '../../src/shared/incident'
import {
  createStationStore,
  type StationStore,
  type TicketsChange,
} from '../../src/renderer/src/store'
import { agentAt, manualClock, phoneCall, remoteStation } from './fixtures'
import { privateIndexedDb } from './private-indexeddb'
import { memoryNumbers } from '../support/ticket-numbers'

const open: StationStore[] = []
afterEach(() => {
  for (const store of open.splice(0)) store.close()
})

async function enrolledStore(clock = manualClock()) {
  const store = await createStationStore('station', {
    ...privateIndexedDb(),
    numbers: memoryNumbers(),
    now: clock.now,
  })
  open.push(store)
  await store.setStationCode('A1')
  return store
}

async function openCall(store: StationStore, title = 'Cannot print to the library printer') {
  const result = await store.record((ctx) =>
    openTicket(phoneCall({ title }), ctx.nextTicketNumber(), agentAt(ctx)),
  )
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return result
}

describe('recording events: event and projection in one transaction (ARCHITECTURE.md "Stores")', () => {
  it('writes the opening as pending and projects the ticket with its station number', async () => {
    const store = await enrolledStore()
    const { events, tickets } = await openCall(store)

    expect(tickets).toHaveLength(1)
    const ticket = tickets[0]!
    expect(ticket.number).toBe('A1-1')
    expect(await store.getTicket(ticket.id)).toEqual(ticket)
    expect(await store.ticketByNumber('a1-1')).toEqual(ticket)
    const stored = await store.ticketEvents(ticket.id)
    expect(stored).toEqual([{ ...events[0], syncState: 'pending' }])
    expect(await store.pendingEvents(10)).toEqual(events)
    expect(await store.pendingCount()).toBe(1)
  })

  it('applies a later local event to the stored ticket', async () => {
    const clock = manualClock()
    const store = await enrolledStore(clock)
    const { tickets } = await openCall(store)
    clock.advance(60_000)
    const noted = await store.record((ctx) =>
      addTechNote(tickets[0]!, 'Cleared the queue', agentAt(ctx, 'agent1', 'A1', clock.now)),
    )
    expect(noted.ok).toBe(true)
    const ticket = (await store.getTicket(tickets[0]!.id))!
    expect(ticket.notes.map((n) => n.body)).toEqual(['Cleared the queue'])
    const all = (await store.ticketEvents(ticket.id)).map(
      ({ syncState: _s, ...e }) => e as TicketEvent,
    )
    expect(ticket).toEqual(foldTicket(all))
    expect(await store.pendingCount()).toBe(2)
  })

  it('leaves no event behind when the projection fails (atomicity)', async () => {
    const store = await enrolledStore()
    const good = remoteStation('A1', 'agent1').open()
    // A hand-made event whose clock value the fold cannot read: the projection throws.
    const broken = { ...good[0]!, id: '0190f0c0-0000-7000-8000-000000000001', hlc: 'yesterday' }
    await expect(store.recordEvents([good[0]!, broken])).rejects.toThrow(/hybrid logical clock/)

    expect(await store.ticketEvents(good[0]!.ticketId)).toEqual([])
    expect(await store.getTicket(good[0]!.ticketId)).toBeUndefined()
    expect(await store.pendingEvents(10)).toEqual([])
    expect(await store.pendingCount()).toBe(0)
  })

  it('ignores an event it already holds (idempotent on event id)', async () => {
    const store = await enrolledStore()
    const { events, tickets } = await openCall(store)
    const again = await store.recordEvents([...events, ...events])
    expect(again.recorded).toEqual([])
    expect(again.tickets).toEqual([])
    expect(await store.getTicket(tickets[0]!.id)).toEqual(tickets[0])
    expect(await store.pendingCount()).toBe(1)
  })

  it('records nothing for a command whose event it holds already, rejected and out of the ticket', async () => {
    const store = await enrolledStore()
    const { tickets } = await openCall(store)
    const noted = await store.record((ctx) =>
      addTechNote(tickets[0]!, 'Cleared the queue', agentAt(ctx)),
    )
    if (!noted.ok) throw new Error(JSON.stringify(noted.errors))
    const note = noted.events[0]!
    await store.applyPushResults([
      { id: note.id, status: 'rejected', code: 'forbidden', reason: 'not yours' },
    ])
    // The remembered ticket is current and the note is later than its last event: only the
    // store's own refusal of a second event with that id keeps the note out.
    const again = await store.record(() => ({ ok: true, events: [note] }))

    expect(again).toMatchObject({ ok: true, tickets: [] })
    expect(await store.getTicket(tickets[0]!.id)).toEqual(tickets[0])
    expect(await store.rejectedEvents(10)).toMatchObject([{ id: note.id, syncState: 'rejected' }])
    expect(await store.pendingCount()).toBe(1)
  })

  it('does not use up a ticket number when the command is refused (rule 3)', async () => {
    const store = await enrolledStore()
    const refused = await store.record((ctx) =>
      openTicket(
        { ...phoneCall(), accountMatter: true, identityCheck: { verified: ['fullName'] } },
        ctx.nextTicketNumber(),
        agentAt(ctx),
      ),
    )
    expect(refused.ok).toBe(false)
    if (refused.ok) return
    expect(refused.errors.map((e) => e.rule)).toContain('rule 3')
    expect(await store.pendingCount()).toBe(0)

    const { tickets } = await openCall(store)
    expect(tickets[0]!.number).toBe('A1-1')
  })

  it('refuses to make events before the station is enrolled', async () => {
    const store = await createStationStore('unenrolled', {
      ...privateIndexedDb(),
      numbers: memoryNumbers(),
    })
    open.push(store)
    await expect(openCall(store)).rejects.toThrow(/not enrolled/)
    await expect(store.nextHlc()).rejects.toThrow(/not enrolled/)
  })
})

describe('the change feed', () => {
  it('tells listeners about committed tickets only, once per transaction', async () => {
    const store = await enrolledStore()
    const changes: TicketsChange[] = []
    const stop = store.onTicketsChanged((change) => changes.push(change))

    const { tickets } = await openCall(store)
    expect(changes).toEqual([{ updated: tickets, removed: [] }])

    const good = remoteStation('A1', 'agent1').open()
    await expect(store.recordEvents([{ ...good[0]!, hlc: 'not a clock' }])).rejects.toThrow()
    expect(changes).toHaveLength(1)

    stop()
    await openCall(store, 'second call')
    expect(changes).toHaveLength(1)
  })
})
