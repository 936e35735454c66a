import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { foldTicket, type Ticket } from '../../src/shared/incident'
import type { Priority, TicketState } from '../../src/shared/incident/vocabulary'
import { createStationStore, type QueueKey, type StationStore } from '../../src/renderer/src/store'
import { StationDb, ticketRow } from '../../src/renderer/src/store/db'
import { T0, remoteStation } from './fixtures'
import { privateIndexedDb } from './private-indexeddb'
import { memoryNumbers } from '../support/ticket-numbers'

const PRIORITIES: Priority[] = ['P1', 'P2', 'P3', 'P4']
const STATES: TicketState[] = ['open', 'on_hold', 'resolved', 'open', 'closed']
const SERVICES = ['Printing', 'Email', 'Network']
const HOUR = 60 * 60 * 1000

/**
 * Tickets written straight into the projection, so many can share one queue key: equal keys are
 * what a keyset window could skip at its edge.
 */
const tickets: Ticket[] = []
let store: StationStore

beforeAll(async () => {
  const idb = privateIndexedDb()
  const base = foldTicket(remoteStation('B2', 'agent2').open())!
  for (let i = 0; i < 150; i++) {
    tickets.push({
      ...base,
      id: `t-${String((i * 37) % 150).padStart(3, '0')}`,
      number: `B2-${i + 1}`,
      state: STATES[i % STATES.length]!,
      priority: PRIORITIES[i % 3]!,
      // Few distinct instants: most tickets share their key with several others.
      updatedAt: T0 + (i % 4) * 1000,
      service: SERVICES[i % SERVICES.length]!,
      receivedAt: T0 - (i % 10) * HOUR,
    })
  }
  const db = new StationDb('windows', idb)
  await db.tickets.bulkAdd(tickets.map(ticketRow))
  db.close()
  store = await createStationStore('windows', { ...idb, numbers: memoryNumbers() })
})

afterAll(() => store.close())

const queueOrder = (a: Ticket, b: Ticket) =>
  a.priority.localeCompare(b.priority) || a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : 1)

async function readAll(state: TicketState, limit: number): Promise<Ticket[][]> {
  const windows: Ticket[][] = []
  let after: QueueKey | undefined
  for (let i = 0; i <= tickets.length; i++) {
    const window = await store.queueWindow(state, { ...(after ? { after } : {}), limit })
    const last = window[window.length - 1]
    if (!last) break
    windows.push(window)
    after = [state, last.priority, last.updatedAt]
  }
  return windows
}

describe('keyset windows of the queue', () => {
  it.each([1, 2, 5, 7, 1000])(
    'reads every ticket once, in queue order, with windows of %i',
    async (limit) => {
      for (const state of ['open', 'on_hold'] as const) {
        const expected = tickets.filter((t) => t.state === state).sort(queueOrder)
        const windows = await readAll(state, limit)
        expect(windows.flat().map((t) => t.id)).toEqual(expected.map((t) => t.id))
        // A window grows past its limit only to keep the tickets of one key together.
        for (const window of windows.slice(0, -1)) {
          const last = window[window.length - 1]!
          const beyond = window.slice(limit)
          for (const t of beyond)
            expect([t.priority, t.updatedAt]).toEqual([last.priority, last.updatedAt])
        }
      }
    },
  )

  it('starts after the key given, and an empty window ends the queue', async () => {
    const open = tickets.filter((t) => t.state === 'open').sort(queueOrder)
    const last = open[open.length - 1]!
    const first = await store.queueWindow('open', { after: ['open', 'P1', 0], limit: 3 })
    expect(first.length).toBeGreaterThanOrEqual(3)
    expect(first).toEqual(open.slice(0, first.length))
    expect(
      await store.queueWindow('open', { after: ['open', last.priority, last.updatedAt], limit: 3 }),
    ).toEqual([])
    expect(await store.queueWindow('open', { limit: 0 })).toEqual([])
  })
})

describe('open tickets of one service since a time', () => {
  it.each([
    ['Printing', 3, 50],
    ['Email', 0, 50],
    ['Network', 9, 4],
  ] as const)('%s, the last %i hours, at most %i', async (service, hours, limit) => {
    const since = T0 - hours * HOUR
    const expected = tickets
      .filter(
        (t) =>
          t.service === service &&
          (t.state === 'open' || t.state === 'on_hold') &&
          t.receivedAt >= since,
      )
      .sort((a, b) => b.receivedAt - a.receivedAt)
    const found = await store.openTicketsForService(service, since, limit)
    expect(found.map((t) => t.receivedAt)).toEqual(
      expected.slice(0, limit).map((t) => t.receivedAt),
    )
    for (const ticket of found) expect(expected).toContainEqual(ticket)
  })

  it('finds nothing for a service no ticket has, nor for a limit of 0', async () => {
    expect(await store.openTicketsForService('Telephony', 0)).toEqual([])
    expect(await store.openTicketsForService('Printing', 0, 0)).toEqual([])
  })
})
