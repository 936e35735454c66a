/**
 * The live stream carries the events: a save at one station reaches another through the live
 * message itself, with no pull; a message the station missed shows as a gap at the next one,
 * which is then filled by a pull. Real central server (PGlite), real station services and store.
 */
import { expect, it } from 'vitest'
import { openTicket } from '../../src/shared/incident'
import type { RemotePage } from '../../src/renderer/src/store'
import { phoneCall } from '../support/incident-fixtures'
import { hashTickets, settled, type TestStation } from './support/floor'
import { eventually } from './support/station'
import { useFloor } from './support/use-floor'

const floor = useFloor('live-events')

async function station(name: string, username: string): Promise<TestStation> {
  const opened = await floor.station(name, username)
  await settled(opened)
  return opened
}

/** Counts the pages a station asks main for from now on. */
function countPulls(at: TestStation): { readonly count: number } {
  const counter = { count: 0 }
  const nextPage = at.api.sync.nextPage.bind(at.api.sync)
  at.api.sync.nextPage = (request) => {
    counter.count += 1
    return nextPage(request)
  }
  return counter
}

async function open(at: TestStation, title: string): Promise<string> {
  const events = await at.record((ctx) =>
    openTicket(phoneCall({ title }), ctx.nextTicketNumber(), ctx),
  )
  return events![0]!.ticketId
}

it('a save reaches the other station in the live message, without a pull; a missed message is pulled', async () => {
  const ann = await station('L', 'lena')
  const bob = await station('M', 'mira')
  const pulls = countPulls(bob)

  for (let i = 0; i < 3; i++) {
    const ticketId = await open(ann, `Printer ${i} jams`)
    await eventually('the ticket at the other station', async () =>
      Boolean(await bob.store.getTicket(ticketId)),
    )
  }
  expect(pulls.count).toBe(0)

  // Bob's store misses one live message: the next one does not follow his cursor, and he pulls.
  const apply = bob.store.applyRemotePage.bind(bob.store)
  let dropped = 0
  bob.store.applyRemotePage = async (page: RemotePage) => {
    if (page.after === undefined || dropped++ > 0) return apply(page)
    const cursor = await bob.store.getCursor()
    return { added: 0, confirmed: 0, skipped: [], clockWarnings: [], cursor }
  }
  const missed = await open(ann, 'Monitor flickers')
  await eventually('the missed message to be dropped', () => dropped > 0)
  expect(await bob.store.getTicket(missed)).toBeUndefined()
  const next = await open(ann, 'Keyboard missing keys')
  await eventually(
    'both tickets at the other station',
    async () =>
      Boolean(await bob.store.getTicket(missed)) && Boolean(await bob.store.getTicket(next)),
  )
  expect(pulls.count).toBeGreaterThan(0)
  await settled(ann)
  await settled(bob)
  const target = hashTickets(await floor.central.projection())
  expect(hashTickets(await bob.tickets())).toBe(target)
  expect(hashTickets(await ann.tickets())).toBe(target)
}, 240_000)
