/**
 * A new station's first sync (issue 13). Folding the whole log from seq 0 would keep a station
 * with 100,000 tickets of history unusable for minutes, so an empty store starts from the
 * server's projections instead:
 *
 * 1. Open tickets (`ensureOpen`): paged, each page written with the bootstrap's state, the first
 *    one also setting the pull cursor to the log position it is consistent with. Pulls wait for
 *    this; then the queue shows the open tickets, they open by number, and calls can be logged.
 * 2. Their search words (`continue`, in the background): a few short transactions over the rows
 *    just written; search finds them within a second or two.
 * 3. History: every ticket, in large pages, each chunk its own short transaction so live events
 *    and the agent's writes get in between. The state names the last ticket written: a restart
 *    goes on from there. The next page is fetched while the current one is written.
 * 4. The search words of all of it, in id order over the store's rows, resumable the same way.
 *    Rows go in without words because words cost four times the rows (store/bootstrap-writes.ts):
 *    the history opens by number and phone long before word search reaches it.
 * 5. Stale tickets: an adopted ticket the store cannot bring up to date itself (adopted.ts), or
 *    one it has events but no row for, is asked for again by id, after every history page and
 *    every pull.
 *
 * A store that has pulled before (a cursor, no bootstrap state) never bootstraps.
 */
import type { StationApi } from '../../../shared/station-api'
import { MAX_SNAPSHOT_IDS, type SnapshotResponse } from '../../../shared/sync/wire'
import type { BootstrapState, StationStore } from '../store'

export type BootstrapStore = Pick<
  StationStore,
  'bootstrapState' | 'staleTickets' | 'adoptSnapshot' | 'writeSearchWords' | 'getCursor'
>

export interface BootstrapOptions {
  station: Pick<StationApi, 'sync'>
  store: BootstrapStore
  onError(error: unknown): void
  /** The sync stopped: no further page is fetched or written. */
  stopped(): boolean
  /** Tickets per request (the server's maximum by default). */
  pageSize?: number
  /** Tickets per transaction: how long a live write may wait behind history. */
  chunkSize?: number
  /** Tickets whose search words go in one transaction (a dozen keys each). */
  wordsChunkSize?: number
}

export interface Bootstrap {
  /** Resolves once the store holds the open tickets; at once for a store that does. */
  ensureOpen(): Promise<void>
  /** Starts loading history and refetching stale tickets, unless a run is under way. */
  continue(): void
}

const PAGE_SIZE = 2000
const CHUNK_SIZE = 500
const WORDS_CHUNK_SIZE = 250
/** Bounds every loop: more than 50 million tickets means something is wrong. */
const MAX_TICKETS = 50_000_000

export function createBootstrap({
  station,
  store,
  onError,
  stopped,
  pageSize = PAGE_SIZE,
  chunkSize = CHUNK_SIZE,
  wordsChunkSize = WORDS_CHUNK_SIZE,
}: BootstrapOptions): Bootstrap {
  let opening: Promise<void> | null = null
  let background: Promise<void> | null = null
  let again = false

  const fetchPage = (scope: 'open' | 'all', after: string | null) =>
    station.sync.snapshotPage({ scope, limit: pageSize, ...(after ? { after } : {}) })

  /** Writes a page in chunks; returns the state after its last chunk. */
  async function writePage(
    page: SnapshotResponse,
    state: BootstrapState,
    first: boolean,
  ): Promise<BootstrapState> {
    const loaded = state.loaded + page.tickets.length
    const total = page.total ?? state.total
    const done: BootstrapState =
      state.phase === 'open'
        ? page.next
          ? { ...state, after: page.next }
          : { phase: 'openWords', after: null, loaded: 0, total: 0, searchable: 0 }
        : page.next
          ? { phase: 'history', after: page.next, loaded, total }
          : { phase: 'words', after: null, loaded, total, searchable: 0 }
    // Nothing waits on the open phase but the agent's first sight of the queue: one transaction a
    // page. History shares the store with live work, so its transactions stay short.
    const size = state.phase === 'open' ? Math.max(1, page.tickets.length) : chunkSize
    let current = state
    for (let i = 0; i < page.tickets.length || i === 0; i += size) {
      const tickets = page.tickets.slice(i, i + size)
      const last = i + size >= page.tickets.length
      current = last
        ? done
        : {
            ...current,
            after: tickets[tickets.length - 1]!.ticket.id,
            ...(state.phase === 'history'
              ? { loaded: state.loaded + i + tickets.length, total: done.total }
              : {}),
          }
      await store.adoptSnapshot({
        page: { tickets, position: page.position },
        state: current,
        first: first && i === 0,
      })
      if (stopped()) break
    }
    return current
  }

  async function runPhase(
    phase: 'open' | 'history',
    start: BootstrapState,
  ): Promise<BootstrapState> {
    const scope = phase === 'open' ? 'open' : 'all'
    const prefetch = (after: string | null) => {
      const page = fetchPage(scope, after)
      // Awaited in turn below; one left behind by a stop or a failed write fails unobserved.
      page.catch(() => undefined)
      return page
    }
    let state = start
    let pending = prefetch(state.after)
    for (let n = 0; n < MAX_TICKETS / pageSize && state.phase === phase && !stopped(); n++) {
      const page = await pending
      if (page.next) pending = prefetch(page.next)
      const first = phase === 'open' && state.after === null
      state = await writePage(page, state, first)
      // A ticket reopened since the snapshot began must not wait for the end of the history.
      if (phase === 'history') await refetchStale()
    }
    return state
  }

  /** The search words of the store's rows, a chunk per transaction, in id order. */
  async function runWords(
    phase: 'openWords' | 'words',
    start: BootstrapState,
  ): Promise<BootstrapState> {
    let state = start
    for (let n = 0; n < MAX_TICKETS / wordsChunkSize && state.phase === phase && !stopped(); n++) {
      const before = state
      state = await store.writeSearchWords({
        after: before.after,
        limit: wordsChunkSize,
        stateAfter: (last, count) => {
          const searchable = (before.searchable ?? 0) + count
          if (last !== null && count === wordsChunkSize)
            return { ...before, after: last, searchable }
          return phase === 'openWords'
            ? { phase: 'history', after: null, loaded: 0, total: 0 }
            : { phase: 'done', after: null, loaded: before.loaded, total: before.total, searchable }
        },
      })
    }
    return state
  }

  async function open(): Promise<void> {
    let state = await store.bootstrapState()
    if (!state) {
      if ((await store.getCursor()) > 0) return
      state = { phase: 'open', after: null, loaded: 0, total: 0 }
    }
    if (state.phase === 'open') await runPhase('open', state)
  }

  async function refetchStale(): Promise<void> {
    const stale = await store.staleTickets()
    for (let i = 0; i < stale.length && !stopped(); i += MAX_SNAPSHOT_IDS) {
      const ids = stale.slice(i, i + MAX_SNAPSHOT_IDS)
      const page = await station.sync.snapshotPage({ scope: 'all', ids })
      await store.adoptSnapshot({ page, refetched: ids })
    }
  }

  async function backgroundRun(): Promise<void> {
    do {
      again = false
      let state = await store.bootstrapState()
      if (!state || state.phase === 'open') return
      if (state.phase === 'openWords') state = await runWords('openWords', state)
      if (state.phase === 'history') state = await runPhase('history', state)
      if (state.phase === 'words') await runWords('words', state)
      await refetchStale()
    } while (again && !stopped())
  }

  return {
    ensureOpen() {
      opening ??= open().catch((error: unknown) => {
        // Not usable yet: the next pull (a reconnect, a poke) asks again.
        opening = null
        throw error
      })
      return opening
    },
    continue() {
      if (stopped()) return
      if (background) {
        again = true
        return
      }
      background = backgroundRun()
        .catch(onError)
        .finally(() => {
          background = null
        })
    },
  }
}
