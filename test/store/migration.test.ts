import { describe, expect, it } from 'vitest'
import { foldTicket, type TicketEvent } from '../../src/shared/incident'
import { createStationStore, STATION_DB_VERSION } from '../../src/renderer/src/store'
import { StationDb, ticketRow, type StoredEvent } from '../../src/renderer/src/store/db'
import { tokenKeys, wordKeys } from '../../src/renderer/src/store/search-words'
import { T0, pageOf, phoneCall, remoteHistory, remoteStation } from './fixtures'
import { privateIndexedDb } from './private-indexeddb'
import { memoryNumbers } from '../support/ticket-numbers'

describe('schema migrations', () => {
  it('upgrades a version 1 database in place: data kept, pending counter and queue indexes added', async () => {
    const idb = privateIndexedDb()
    const a1 = remoteStation('A1', 'agent1')
    const b2 = remoteStation('B2', 'agent2')
    const mine = remoteHistory(a1, 1)
    const theirs = [...b2.open()]
    theirs.push(...b2.escalate(foldTicket(theirs)!, 'network'))
    const unopened = remoteHistory(b2, 1).slice(1)

    // Written the way version 1 wrote: no pending counter, no team or owner indexes.
    const v1 = new StationDb('station', idb, 1)
    await v1.open()
    expect(v1.verno).toBe(1)
    const rows: StoredEvent[] = [
      ...mine.map((e): StoredEvent => ({ ...e, syncState: 'pending' })),
      ...theirs.map((e, i): StoredEvent => ({ ...e, syncState: 'applied', seq: i + 1 })),
      ...unopened.map((e, i): StoredEvent => ({ ...e, syncState: 'applied', seq: i + 10 })),
    ]
    await v1.events.bulkAdd(rows)
    await v1.tickets.bulkAdd([ticketRow(foldTicket(mine)!), ticketRow(foldTicket(theirs)!)])
    await v1.meta.bulkPut([
      { key: 'cursor', value: 11 },
      { key: 'station', value: { code: 'A1', lastSequence: { A1: 1 } } },
    ])
    v1.close()

    const store = await createStationStore('station', { ...idb, numbers: memoryNumbers() })
    expect(await store.pendingCount()).toBe(mine.length)
    expect(await store.getCursor()).toBe(11)
    expect(await store.getTicket(mine[0]!.ticketId)).toEqual(foldTicket(mine))
    expect((await store.search('A1-1'))[0]!.id).toBe(mine[0]!.ticketId)
    expect((await store.ticketsByTeam('network')).map((t) => t.id)).toEqual([theirs[0]!.ticketId])
    expect((await store.ticketsByOwner('agent1')).map((t) => t.id)).toEqual([mine[0]!.ticketId])
    expect(await store.ticketEvents(unopened[0]!.ticketId)).toHaveLength(unopened.length)

    // The upgraded store works on: the counter moves, the old pending events stay in the queue.
    await store.applyRemotePage(pageOf(mine as TicketEvent[], 11))
    expect(await store.pendingCount()).toBe(0)
    store.close()

    const reopened = new StationDb('station', idb)
    await reopened.open()
    expect(reopened.verno).toBe(STATION_DB_VERSION)
    reopened.close()
  })

  it('upgrades a version 2 database in place: tickets kept and found by service', async () => {
    const idb = privateIndexedDb()
    const b2 = remoteStation('B2', 'agent2')
    const printing = [...b2.open()]
    const email = [...b2.open(phoneCall({ service: 'Email' }))]
    const escalated = [...b2.open()]
    escalated.push(...b2.escalate(foldTicket(escalated)!, 'network'))

    const v2 = new StationDb('station', idb, 2)
    await v2.open()
    expect(v2.verno).toBe(2)
    const tickets = [foldTicket(printing)!, foldTicket(email)!, foldTicket(escalated)!]
    await v2.tickets.bulkAdd(tickets.map(ticketRow))
    await v2.meta.put({ key: 'pendingCount', value: 0 })
    v2.close()

    const store = await createStationStore('station', { ...idb, numbers: memoryNumbers() })
    for (const ticket of tickets) expect(await store.getTicket(ticket.id)).toEqual(ticket)
    const found = await store.openTicketsForService('Printing', T0 - 60_000)
    expect(new Set(found.map((t) => t.id))).toEqual(new Set([tickets[0]!.id, tickets[2]!.id]))
    expect(await store.openTicketsForService('Printing', T0 + 60_000)).toEqual([])
    expect((await store.queueWindow('open', { limit: 10 })).length).toBeGreaterThan(0)
    store.close()

    const reopened = new StationDb('station', idb)
    await reopened.open()
    expect(reopened.verno).toBe(STATION_DB_VERSION)
    reopened.close()
  })

  it('upgrades a version 3 database in place: the search words of every held ticket written', async () => {
    const idb = privateIndexedDb()
    const b2 = remoteStation('B2', 'agent2')
    const tickets = Array.from({ length: 5 }, (_, i) =>
      foldTicket(b2.open(phoneCall({ caller: { name: i === 3 ? 'Dana Whitaker' : 'Jane Doe' } })))!,
    )
    const renumbered = { ...tickets[3]!, number: 'B2-40', previousNumbers: [tickets[3]!.number] }
    const v3 = new StationDb('station', idb, 3)
    await v3.open()
    expect(v3.verno).toBe(3)
    await v3.tickets.bulkAdd([...tickets.slice(0, 3), renumbered, tickets[4]!].map(ticketRow))
    await v3.meta.put({ key: 'pendingCount', value: 0 })
    v3.close()

    const store = await createStationStore('station', { ...idb, numbers: memoryNumbers() })
    expect((await store.search('dana whit')).map((t) => t.id)).toEqual([renumbered.id])
    expect((await store.search(`whit ${tickets[3]!.number}`)).map((t) => t.id)).toEqual([
      renumbered.id,
    ])
    expect((await store.ticketByNumber(tickets[3]!.number))?.id).toBe(renumbered.id)
    expect(await store.search('jan do', 50)).toHaveLength(4)
    store.close()

    const reopened = new StationDb('station', idb)
    await reopened.open()
    expect(reopened.verno).toBe(STATION_DB_VERSION)
    const rows = await reopened.tickets.toArray()
    expect(new Set(await reopened.words.toCollection().primaryKeys())).toEqual(
      new Set(rows.flatMap(wordKeys)),
    )
    reopened.close()
  })

  it('upgrades a version 4 database in place: name words keyed apart, their pairs added', async () => {
    const idb = privateIndexedDb()
    const b2 = remoteStation('B2', 'agent2')
    const names = ['Dana Whitaker', 'Jane Doe', 'Jane Ann Doe', 'Dana Jo White', 'Jane Doe']
    const tickets = names.map((name) =>
      foldTicket(b2.open(phoneCall({ caller: { name }, title: 'Printer jams' })))!,
    )
    const v4 = new StationDb('station', idb, 4)
    await v4.open()
    expect(v4.verno).toBe(4)
    await v4.tickets.bulkAdd(tickets.map(ticketRow))
    await v4.meta.put({ key: 'pendingCount', value: 0 })
    // Written the way version 4 wrote: a key per token, no name marked, no pairs.
    const v4Keys = new Set(tickets.map(ticketRow).flatMap(tokenKeys))
    expect(new Set(await v4.words.toCollection().primaryKeys())).toEqual(v4Keys)
    v4.close()

    const store = await createStationStore('station', { ...idb, numbers: memoryNumbers() })
    const ids = async (query: string) => new Set((await store.search(query, 50)).map((t) => t.id))
    expect(await ids('dana whit')).toEqual(new Set([tickets[0]!.id, tickets[3]!.id]))
    expect(await ids('doe jan')).toEqual(new Set([tickets[1]!.id, tickets[2]!.id, tickets[4]!.id]))
    expect(await ids('ann doe')).toEqual(new Set([tickets[2]!.id]))
    expect(await ids('jam dan')).toEqual(new Set([tickets[0]!.id, tickets[3]!.id]))
    store.close()

    const reopened = new StationDb('station', idb)
    await reopened.open()
    expect(reopened.verno).toBe(STATION_DB_VERSION)
    const held = new Set(await reopened.words.toCollection().primaryKeys())
    expect(held).toEqual(new Set(tickets.map(ticketRow).flatMap(wordKeys)))
    expect(held.size).toBeGreaterThan(v4Keys.size)
    reopened.close()
  })
})
