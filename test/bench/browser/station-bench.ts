/**
 * The page side of the `station` bench: a new station's real store and real bootstrap
 * (sync/bootstrap.ts) against the central server, reached through `warmlineSnapshot` — the
 * bench's stand-in for main, which asks the server with the station's ServerClient and hands the
 * page over as IPC would, as JSON. Timing happens here, in the page.
 *
 * The floors, in the same page: the same pages asked for and dropped (what the server and the
 * hand-over cost alone), and what the bootstrap writes, put with bare IndexedDB in transactions
 * of the same size and durability (relaxed): the rows into an object store with the station's
 * ticket indexes, then, for the history, the search words of every row (search-words.ts).
 */
import { uuidv7 } from '../../../src/shared/ids'
import { openTicket } from '../../../src/shared/incident'
import { snapshotResponseSchema, type SnapshotRequest } from '../../../src/shared/sync/wire'
import { createStationStore, type StationStore } from '../../../src/renderer/src/store'
import { ticketRow, type TicketRow } from '../../../src/renderer/src/store/db'
import { WORDS_TABLE, wordKeys } from '../../../src/renderer/src/store/search-words'
import type { Ticket } from '../../../src/shared/incident/ticket'
import { createBootstrap } from '../../../src/renderer/src/sync/bootstrap'
import { memoryNumbers } from '../../support/ticket-numbers'
import { phoneCall } from '../../support/incident-fixtures'

const DB = 'warmline-station-bench'
const FLOOR_DB = 'warmline-floor-bench'
const STATION_CODE = 'N1'
/** The number of a resolved ticket of the history (suites/station.ts): H1-1 to H1-97000. */
const HISTORY_NUMBER_PREFIX = 'H1-4242'

declare global {
  interface Window {
    warmlineSnapshot(request: SnapshotRequest): Promise<string>
    stationBench: typeof bench
  }
}

const station = {
  sync: {
    snapshotPage: async (request: SnapshotRequest) =>
      snapshotResponseSchema.parse(JSON.parse(await window.warmlineSnapshot(request))),
  },
}

let store: StationStore | null = null

const bench = {
  /** Until usable: the open tickets in, the queue's first window read, a call logged. */
  async open(pageSize: number, chunkSize: number, wordsChunkSize: number) {
    const started = performance.now()
    store = await createStationStore(DB, { numbers: memoryNumbers() })
    await store.setStationCode(STATION_CODE)
    const boot = createBootstrap({
      station: station as never,
      store,
      onError: (error) => console.error(error),
      stopped: () => false,
      pageSize,
      chunkSize,
      wordsChunkSize,
    })
    await boot.ensureOpen()
    const first = await store.queueWindow('open', { limit: 50 })
    const logged = await store.record((ctx) =>
      openTicket(phoneCall(), ctx.nextTicketNumber(), {
        actor: 'bench',
        station: STATION_CODE,
        now: Date.now,
        newId: () => uuidv7(),
        nextHlc: ctx.nextHlc,
      }),
    )
    const ms = performance.now() - started
    if (!logged.ok) throw new Error('the call could not be logged')
    ;(window as unknown as { boot: typeof boot }).boot = boot
    return { ms, firstWindow: first.length }
  },

  /**
   * History in the background, until the store holds all of it and search reaches all of it;
   * progress sampled as shown, and when each phase ended (the open tickets' words, the rows).
   */
  async history() {
    const boot = (window as unknown as { boot: ReturnType<typeof createBootstrap> }).boot
    const started = performance.now()
    boot.continue()
    const samples: string[] = []
    const ended: Partial<Record<'openWords' | 'history', number>> = {}
    for (let n = 0; n < 36_000; n++) {
      const state = await store!.bootstrapState()
      const ms = performance.now() - started
      if (state?.phase !== 'openWords') ended.openWords ??= ms
      if (state?.phase === 'words' || state?.phase === 'done') ended.history ??= ms
      if (state?.phase === 'done') {
        // A number prefix is read from the words (the exact number from its index): the
        // history's tickets H1-42420 to H1-42429 are found only once their words are in.
        const found = await store!.search(HISTORY_NUMBER_PREFIX, 20)
        if (found.filter((ticket) => ticket.state === 'resolved').length < 11)
          throw new Error(`search found ${found.length} tickets of the history by number prefix`)
        return { ms, ended, loaded: state.loaded, total: state.total, samples }
      }
      if (n % 40 === 0 && state) {
        const done =
          state.phase === 'words' ? `${state.searchable ?? 0} searchable` : `${state.loaded}`
        samples.push(`${state.phase} ${done} of ${state.total}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error('history did not finish in 30 minutes')
  },

  /** The floors: the pages alone, then the same rows with bare IndexedDB. */
  async floor(scope: 'open' | 'all', pageSize: number, chunkSize: number, wordsChunkSize: number) {
    const pages: Ticket[][] = []
    let after: string | null = null
    const fetchStarted = performance.now()
    for (let n = 0; n < 100_000; n++) {
      const page = await station.sync.snapshotPage({
        scope,
        limit: pageSize,
        ...(after ? { after } : {}),
      })
      pages.push(page.tickets.map((t) => t.ticket as unknown as Ticket))
      after = page.next
      if (!after) break
    }
    const fetchMs = performance.now() - fetchStarted
    const db = await openFloorDb()
    // The open tickets go in a transaction a page, the history in chunks (sync/bootstrap.ts).
    const rowsPerTx = scope === 'open' ? pageSize : chunkSize
    const writeStarted = performance.now()
    const rows: TicketRow[] = []
    for (const page of pages) {
      for (let i = 0; i < page.length; i += rowsPerTx) {
        const chunk = page.slice(i, i + rowsPerTx).map(ticketRow)
        rows.push(...chunk)
        await put(db, 'tickets', (tickets) => {
          for (const row of chunk) tickets.put(row)
        })
      }
    }
    const writeMs = performance.now() - writeStarted
    const wordsStarted = performance.now()
    if (scope === 'all') {
      for (let i = 0; i < rows.length; i += wordsChunkSize) {
        await put(db, WORDS_TABLE, (words) => {
          for (const row of rows.slice(i, i + wordsChunkSize))
            for (const key of wordKeys(row)) words.put(0, key)
        })
      }
    }
    const wordsMs = performance.now() - wordsStarted
    db.close()
    return { fetchMs, writeMs, wordsMs, rows: rows.length }
  },
}

/** One relaxed transaction on `store`, as the bootstrap's connection writes (bootstrap-writes.ts). */
function put(db: IDBDatabase, store: string, work: (store: IDBObjectStore) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const tx = db.transaction(store, 'readwrite', { durability: 'relaxed' })
    work(tx.objectStore(store))
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
  })
}

/** The station's ticket indexes and search words (db.ts, version 4), on a database of its own. */
function openFloorDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const deleting = indexedDB.deleteDatabase(FLOOR_DB)
    deleting.onerror = () => reject(deleting.error)
    deleting.onsuccess = () => {
      const request = indexedDB.open(FLOOR_DB, 1)
      request.onupgradeneeded = () => {
        const tickets = request.result.createObjectStore('tickets', { keyPath: 'id' })
        tickets.createIndex('number', 'number')
        tickets.createIndex('callerPhone', 'callerPhone')
        for (const keys of [
          ['state', 'priority', 'updatedAt'],
          ['teamId', 'state', 'updatedAt'],
          ['owner', 'state', 'updatedAt'],
          ['service', 'state', 'receivedAt'],
        ])
          tickets.createIndex(keys.join('+'), keys)
        request.result.createObjectStore(WORDS_TABLE)
      }
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    }
  })
}

window.stationBench = bench
