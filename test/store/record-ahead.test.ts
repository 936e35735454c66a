/**
 * `recordAhead`: the outcome of a command at once, from the store's remembered view, and the
 * commit behind it bringing exactly that (or, when another write got in between, the same number).
 */
import { afterEach, expect, it } from 'vitest'
import { openTicket } from '../../src/shared/incident'
import { createStationStore, type StationStore } from '../../src/renderer/src/store'
import { memoryNumbers } from '../support/ticket-numbers'
import { agentAt, phoneCall, remoteStation, pageOf } from './fixtures'
import { privateIndexedDb } from './private-indexeddb'

const open: StationStore[] = []
afterEach(() => {
  for (const store of open.splice(0)) store.close()
})

async function enrolledStore(): Promise<StationStore> {
  const store = await createStationStore('station', {
    ...privateIndexedDb(),
    numbers: memoryNumbers(),
  })
  open.push(store)
  await store.setStationCode('A1')
  return store
}

const opening = (store: StationStore) =>
  store.recordAhead((ctx) => openTicket(phoneCall(), ctx.nextTicketNumber(), agentAt(ctx)))

it('shows the opening before it commits, and commits exactly what it showed', async () => {
  const store = await enrolledStore()
  await store.record((ctx) => openTicket(phoneCall(), ctx.nextTicketNumber(), agentAt(ctx)))
  const { preview, committed } = opening(store)
  expect(preview).toMatchObject({ ok: true, tickets: [{ number: 'A1-2' }] })
  const result = await committed
  expect(result).toEqual(preview)
  expect(await store.ticketByNumber('A1-2')).toEqual(result.ok && result.tickets[0])
  expect(await store.pendingCount()).toBe(2)
})

it('keeps the number it showed when another write got in first', async () => {
  const store = await enrolledStore()
  await store.record((ctx) => openTicket(phoneCall(), ctx.nextTicketNumber(), agentAt(ctx)))
  const { preview, committed } = opening(store)
  // A page from the server lands between the preview and the commit: the clock moved.
  const remote = remoteStation('B2', 'bea')
  await store.applyRemotePage(pageOf(remote.open(), 0))
  const result = await committed
  expect(result.ok && result.tickets[0]!.number).toBe(preview?.ok && preview.tickets[0]!.number)
  expect(await store.ticketByNumber('A1-2')).toBeDefined()
})

it('never shows a refused command as done, and its commit writes nothing', async () => {
  const store = await enrolledStore()
  const { preview, committed } = store.recordAhead((ctx) =>
    openTicket(phoneCall({ title: '' }), ctx.nextTicketNumber(), agentAt(ctx)),
  )
  // Refused on the view, or left to the commit to judge: never shown as logged.
  expect(preview?.ok ?? false).toBe(false)
  expect(await committed).toMatchObject({ ok: false })
  expect(await store.pendingCount()).toBe(0)
})

it('takes its number at once and commits only once startAfter settles', async () => {
  const store = await enrolledStore()
  await store.record((ctx) => openTicket(phoneCall(), ctx.nextTicketNumber(), agentAt(ctx)))
  let start!: () => void
  const { preview, committed } = store.recordAhead(
    (ctx) => openTicket(phoneCall(), ctx.nextTicketNumber(), agentAt(ctx)),
    new Promise<void>((resolve) => (start = resolve)),
  )
  expect(preview).toMatchObject({ ok: true, tickets: [{ number: 'A1-2' }] })
  // Another opening while it waits: it commits first, with the next number.
  const other = await opening(store).committed
  expect(other.ok && other.tickets[0]!.number).toBe('A1-3')
  expect(await store.ticketByNumber('A1-2')).toBeUndefined()
  start()
  const result = await committed
  expect(result.ok && result.tickets[0]!.number).toBe('A1-2')
  expect(await store.ticketByNumber('A1-2')).toBeDefined()
  expect(await store.pendingCount()).toBe(3)
})
