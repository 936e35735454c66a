/**
 * The station's sync against the real central server (PGlite) and the real renderer store
 * (fake-indexeddb): outages, restarts and lost answers lose nothing and apply nothing twice.
 */
import { describe, expect, it } from 'vitest'
import { addTechNote, openTicket } from '../../src/shared/incident'
import type { RemotePage } from '../../src/renderer/src/store'
import { phoneCall } from '../support/incident-fixtures'
import { foldAll, hashTickets, settled, type TestStation } from './support/floor'
import { eventually } from './support/station'
import { useFloor } from './support/use-floor'

// One central server for the file: a fresh PGlite data directory takes many seconds to create.
// Every test's stations pull the whole log, so earlier tests' tickets are part of each comparison.
const floor = useFloor('sync', {
  stations: 'per-test',
  afterEachTest: (central) => central.start(),
})

const LONG = 480_000

const station = (name: string, username: string) => floor.station(name, username)

/** Opens `tickets` tickets with `notesEach` tech notes each, through the store and the hand-over. */
async function recordCalls(at: TestStation, tickets: number, notesEach: number): Promise<string[]> {
  const ids: string[] = []
  for (let t = 0; t < tickets; t++) {
    const opened = await at.record((ctx) =>
      openTicket(phoneCall({ title: `Call ${t} at ${at.name}` }), ctx.nextTicketNumber(), ctx),
    )
    ids.push(...opened!.map((e) => e.id))
    let ticket = (await at.store.getTicket(opened![0]!.ticketId))!
    for (let n = 0; n < notesEach; n++) {
      const noted = await at.record((ctx) => addTechNote(ticket, `Note ${n}`, ctx))
      ids.push(...noted!.map((e) => e.id))
      ticket = (await at.store.getTicket(ticket.id))!
    }
  }
  return ids
}

/** Station, server projection and server log folded as a station folds it: one hash. */
async function expectConverged(...at: TestStation[]): Promise<void> {
  const serverHash = hashTickets(await floor.central.projection())
  const log = await floor.central.pullAll()
  expect(hashTickets(foldAll(log.map((row) => row.event)))).toBe(serverHash)
  for (const s of at) expect(hashTickets(await s.tickets()), `${s.name}'s tickets`).toBe(serverHash)
}

describe('a station and the central server', () => {
  it(
    '500 events written with the server down, a restart mid-push, answers lost: each applied exactly once',
    async () => {
      const ann = await station('A', 'ann')
      await floor.central.stop()

      const recorded = await recordCalls(ann, 100, 4)
      expect(recorded).toHaveLength(500)
      expect(await ann.store.pendingCount()).toBe(500)
      expect((await ann.api.sync.status({})).pending).toBe(500)
      await eventually(
        'the station to say it is offline',
        async () => (await ann.api.sync.status({})).connection === 'offline',
      )

      // A restart while offline: main's outbox is on disk, and the renderer hands over again.
      await ann.restart()
      expect((await ann.api.sync.status({})).pending).toBe(500)

      // The server comes back but its answers are lost on the way: it commits, the station does not know.
      ann.link.swallowResponses()
      await floor.central.start()
      await eventually(
        'the server to commit a first batch nobody heard of',
        async () => (await floor.central.pullAll()).length > 0,
      )
      expect((await ann.api.sync.status({})).pending).toBe(500)

      // The station restarts mid-push, and the network heals.
      await ann.restart()
      await ann.link.restore()
      await settled(ann)

      const log = await floor.central.pullAll()
      expect(log.map((row) => row.event.id).sort()).toEqual([...recorded].sort())
      expect(new Set(log.map((row) => row.seq)).size).toBe(500)
      expect(await ann.store.rejectedEvents(10)).toEqual([])
      expect(await ann.store.getCursor()).toBe(Math.max(...log.map((row) => row.seq)))
      await expectConverged(ann)
    },
    LONG,
  )

  it(
    'duplicate pokes, a dropped live socket and a server restart during a pull: no loss, no duplicate',
    async () => {
      const ann = await station('D', 'dora')
      const bob = await station('E', 'emil')

      await recordCalls(ann, 30, 4)
      await settled(ann)

      // Duplicate pokes: many pulls at once share one run and apply each page once.
      await Promise.all(Array.from({ length: 20 }, () => bob.sync.pull()))
      await settled(bob)
      await expectConverged(ann, bob)

      // A dropped live socket: while bob is cut off, ann goes on; bob catches up by himself on reconnect.
      await bob.link.cut()
      await eventually(
        'bob to notice he is offline',
        async () => (await bob.api.sync.status({})).connection === 'offline',
      )
      await recordCalls(ann, 20, 4)
      await settled(ann)
      await bob.link.restore()
      const target = hashTickets(await floor.central.projection())
      await eventually(
        'bob to catch up after reconnecting',
        async () => hashTickets(await bob.tickets()) === target,
      )

      // The server restarts in the middle of a new station's first pull, after its first page.
      const carol = await station('F', 'fay')
      carol.sync.stop()
      const apply = carol.store.applyRemotePage.bind(carol.store)
      let pagesBeforeRestart = 0
      carol.store.applyRemotePage = async (page: RemotePage) => {
        const result = await apply(page)
        if (++pagesBeforeRestart === 1) await floor.central.stop()
        return result
      }
      await carol.sync.start()
      expect(pagesBeforeRestart).toBe(1)
      expect(await carol.store.getCursor()).toBeGreaterThan(0)
      await floor.central.start()
      await eventually(
        'carol to finish the pull after the restart',
        async () => hashTickets(await carol.tickets()) === target,
      )
      await settled(carol)
      await expectConverged(ann, bob, carol)
    },
    LONG,
  )
})
