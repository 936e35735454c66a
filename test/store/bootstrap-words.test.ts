/**
 * A new station's rows come in without their search words, which a later phase writes
 * (store/bootstrap-writes.ts, sync/bootstrap.ts): however the phases are interrupted and whatever
 * writes come in between, the `words` store ends up holding exactly the keys of the rows the store
 * holds, and search finds every adopted ticket by its current words only.
 */
import { afterEach, expect, it } from 'vitest'
import { foldTicket, type Ticket, type TicketEvent } from '../../src/shared/incident'
import type { SnapshotRequest, SnapshotResponse } from '../../src/shared/sync/wire'
import { createStationStore, type StationStore } from '../../src/renderer/src/store'
import { StationDb } from '../../src/renderer/src/store/db'
import { wordKeys } from '../../src/renderer/src/store/search-words'
import { createBootstrap } from '../../src/renderer/src/sync/bootstrap'
import { memoryNumbers } from '../support/ticket-numbers'
import { pageOf, phoneCall, remoteStation, T0 } from './fixtures'
import { privateIndexedDb } from './private-indexeddb'

const open: StationStore[] = []
afterEach(() => {
  for (const store of open.splice(0)) store.close()
})

const CALLERS = ['Avery Quinlan', 'Brook Ostrander', 'Casey Pemberton', 'Devon Ruiz']

/** The server: `count` tickets of a remote station, the first `working` of them still open. */
function server(count: number, working: number) {
  const remote = remoteStation('R1', 'rita')
  const log: TicketEvent[] = []
  const byTicket = new Map<string, TicketEvent[]>()
  for (let i = 0; i < count; i++) {
    const events = remote.open(
      phoneCall({
        title: `Projector ${i} flickers`,
        caller: { ...phoneCall().caller, name: CALLERS[i % CALLERS.length]! },
      }),
    )
    log.push(...events)
    byTicket.set(events[0]!.ticketId, events)
  }
  const ids = [...byTicket.keys()].sort()
  const openIds = new Set([...byTicket.keys()].slice(0, working))
  const entry = (id: string) => ({
    seq: log.indexOf(byTicket.get(id)!.at(-1)!) + 1,
    ticket: foldTicket(
      byTicket.get(id)!,
    )! as unknown as SnapshotResponse['tickets'][number]['ticket'],
  })
  const station = {
    sync: {
      async snapshotPage(request: SnapshotRequest): Promise<SnapshotResponse> {
        const scope = ids.filter((id) => request.scope === 'all' || openIds.has(id))
        const from = request.after ? scope.findIndex((id) => id > request.after!) : 0
        const page = from < 0 ? [] : scope.slice(from, from + (request.limit ?? 100))
        const last = page.at(-1)
        const more = last !== undefined && last !== scope.at(-1)
        return {
          tickets: page.map(entry),
          position: log.length,
          next: more ? last : null,
          ...(request.after ? {} : { total: scope.length }),
        }
      },
    },
  }
  return { remote, log, ids, station, ticket: (id: string) => foldTicket(byTicket.get(id)!)! }
}

async function enrolledStore(idb: ReturnType<typeof privateIndexedDb>): Promise<StationStore> {
  const store = await createStationStore('station', { ...idb, numbers: memoryNumbers() })
  open.push(store)
  await store.setStationCode('A1')
  return store
}

/**
 * Runs the bootstrap until `stopAt` says so after a write of words, or to its end: until its
 * background run has asked for stale tickets one last time.
 */
async function bootstrap(
  store: StationStore,
  station: ReturnType<typeof server>['station'],
  stopAt: (phase: string, writes: number) => boolean = () => false,
): Promise<void> {
  let stop = false
  let ending = false
  let writes = 0
  let finished!: () => void
  const ended = new Promise<void>((resolve) => (finished = resolve))
  const watched: StationStore = {
    ...store,
    async writeSearchWords(write) {
      const { phase } = (await store.bootstrapState())!
      const state = await store.writeSearchWords(write)
      stop ||= stopAt(phase, ++writes)
      ending ||= stop || state.phase === 'done'
      return state
    },
    async staleTickets() {
      const stale = await store.staleTickets()
      if (ending) finished()
      return stale
    },
  }
  const boot = createBootstrap({
    station: station as never,
    store: watched,
    onError: (error) => {
      throw error
    },
    stopped: () => stop,
    pageSize: 3,
    chunkSize: 2,
    wordsChunkSize: 2,
  })
  await boot.ensureOpen()
  boot.continue()
  await ended
}

/** The words store, and the keys the rows the store holds call for. */
async function wordsAndRows(idb: ReturnType<typeof privateIndexedDb>) {
  const db = new StationDb('station', idb)
  try {
    const words = ((await db.words.toCollection().primaryKeys()) as string[]).sort()
    const rows = await db.tickets.toArray()
    return { words, expected: rows.flatMap(wordKeys).sort() }
  } finally {
    db.close()
  }
}

it('a restart in the words phase goes on; the words end as the rows are, a retitle while they waited included', async () => {
  const idb = privateIndexedDb()
  const central = server(11, 4)
  const first = await enrolledStore(idb)
  // Stopped after the second transaction of history words: most rows have none yet.
  await bootstrap(first, central.station, (phase, writes) => phase === 'words' && writes >= 5)
  const stopped = (await first.bootstrapState())!
  expect(stopped.phase).toBe('words')
  expect(stopped.searchable).toBeGreaterThan(0)
  expect(stopped.searchable).toBeLessThan(11)
  const waiting = central.ids.at(-1)!
  expect(await first.search('projector flickers', 20)).not.toHaveLength(11)

  // Pulled while its words wait: the row changes title through the ordinary write.
  const retitled = central.remote.retitle(central.ticket(waiting), 'Smartboard is dark')
  await first.applyRemotePage(pageOf(retitled, central.log.length))
  first.close()

  const again = await enrolledStore(idb)
  expect((await again.bootstrapState())!).toMatchObject({ phase: 'words', after: stopped.after })
  await bootstrap(again, central.station)
  expect(await again.bootstrapState()).toMatchObject({ phase: 'done', loaded: 11, total: 11 })
  again.close()

  const { words, expected } = await wordsAndRows(idb)
  expect(words).toEqual(expected)
  const reopened = await enrolledStore(idb)
  expect((await reopened.search('projector flickers', 20)).map((t) => t.id).sort()).toEqual(
    central.ids.filter((id) => id !== waiting),
  )
  expect((await reopened.search('smartboard dark', 20)).map((t) => t.id)).toEqual([waiting])
  expect(await reopened.search('avery quin', 20)).toHaveLength(3)
})

it('a bootstrap page that replaces a stale row takes the old words out and puts the new in', async () => {
  const idb = privateIndexedDb()
  const central = server(5, 5)
  const store = await enrolledStore(idb)
  await bootstrap(store, central.station)
  const id = central.ids[2]!
  const held = (await store.getTicket(id))!
  // A station whose clock runs an hour behind: its note sorts before the adopted ticket's last
  // event, so this store cannot fold it and asks the server for the ticket again.
  const late = remoteStation('L1', 'lee', T0 - 3_600_000)
  await store.applyRemotePage(pageOf(late.note(held, 'Bulb swapped'), central.log.length))
  expect(await store.staleTickets()).toEqual([id])

  const fresh: Ticket = { ...held, title: 'Speaker hums', lastEventKey: `${held.lastEventKey}z` }
  const state = (await store.bootstrapState())!
  await store.adoptSnapshot({
    page: {
      tickets: [{ seq: central.log.length + 1, ticket: fresh as never }],
      position: central.log.length + 1,
    },
    state,
  })
  expect(await store.staleTickets()).toEqual([])
  expect((await store.search('speaker hums', 20)).map((t) => t.id)).toEqual([id])
  expect((await store.search('projector flickers', 20)).map((t) => t.id)).not.toContain(id)
  store.close()
  const { words, expected } = await wordsAndRows(idb)
  expect(words).toEqual(expected)
})

it('a closed store writes no more of a bootstrap still running: its words and pages fail as its reads do', async () => {
  const idb = privateIndexedDb()
  const central = server(3, 3)
  const store = await enrolledStore(idb)
  const started = { phase: 'history', after: null, loaded: 0, total: 3 } as const
  await store.adoptSnapshot({
    page: { tickets: [], position: central.log.length },
    state: { ...started, phase: 'open' },
  })
  store.close()

  const page = await central.station.sync.snapshotPage({ scope: 'all' })
  await expect(store.adoptSnapshot({ page, state: started })).rejects.toThrow(/closed/i)
  await expect(
    store.writeSearchWords({ after: null, limit: 10, stateAfter: () => started }),
  ).rejects.toThrow(/closed/i)
  await expect(store.bootstrapState()).rejects.toThrow(/closed/i)

  const reopened = await enrolledStore(idb)
  expect(await reopened.bootstrapState()).toMatchObject({ phase: 'open' })
  expect(await reopened.getTicket(central.ids[0]!)).toBeUndefined()
})
