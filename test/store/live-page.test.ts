/**
 * A commit off the live stream (`applyRemotePage` with `after`): applied only when it follows the
 * store's cursor, so a station never moves its cursor over events it does not hold.
 */
import { afterEach, expect, it } from 'vitest'
import { createStationStore, type StationStore } from '../../src/renderer/src/store'
import { memoryNumbers } from '../support/ticket-numbers'
import { pageOf, remoteStation } from './fixtures'
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

it('applies a live commit that follows the cursor, and reports a gap without applying one that does not', async () => {
  const store = await enrolledStore()
  const remote = remoteStation('B2', 'bea')
  const [first] = remote.open()
  const [second] = remote.open()
  const [third] = remote.open()
  await store.applyRemotePage(pageOf([first], 0))

  // Seq 2 went missing (the message was lost): the commit at 3 does not follow cursor 1.
  const beyond = await store.applyRemotePage({ ...pageOf([third], 2), after: 2 })
  expect(beyond).toMatchObject({ added: 0, cursor: 1, gap: true })
  expect(await store.getTicket(third!.ticketId)).toBeUndefined()
  expect(await store.getCursor()).toBe(1)

  const follows = await store.applyRemotePage({ ...pageOf([second], 1), after: 1 })
  expect(follows).toMatchObject({ added: 1, cursor: 2 })
  expect(follows.gap).toBeUndefined()
  expect(await store.getTicket(second!.ticketId)).toBeDefined()

  // A commit the cursor has passed (a pull brought it first) changes nothing.
  const behind = await store.applyRemotePage({ ...pageOf([second], 1), after: 1 })
  expect(behind).toMatchObject({ added: 0, cursor: 2 })
  expect(behind.gap).toBeUndefined()
})

it('applies a live commit the cursor has reached part of, holding each event once', async () => {
  const store = await enrolledStore()
  const remote = remoteStation('B2', 'bea')
  const events = [...remote.open(), ...remote.open(), ...remote.open()]
  await store.applyRemotePage(pageOf(events.slice(0, 2), 0))
  // The commit 1..3 arrives live after a pull already brought 1..2.
  const result = await store.applyRemotePage({ ...pageOf(events, 0), after: 0 })
  expect(result).toMatchObject({ added: 1, cursor: 3 })
  for (const event of events) expect(await store.ticketEvents(event.ticketId)).toHaveLength(1)
})
