/**
 * A new station's first sync (issue 13). Folding the whole log from seq 0 would keep a station
 * with 100,000 tickets of history unusable for minutes, so an empty store starts from the
 * server's projections instead:
 *
 * 1. Open tickets (`ensureOpen`): paged, each chunk written with the bootstrap's state, the first
 *    one also setting the pull cursor to the log position it is consistent with. Pulls wait for
 *    this; then the queue shows the open tickets and calls can be logged.
 * 2. History (`continue`): every ticket, in the background, in large pages, each chunk its own
 *    short transaction so live events and the agent's writes get in between. The state names the
 *    last ticket written: a restart goes on from there. The next page is fetched while the current
 *    one is written.
 * 3. Stale tickets: an adopted ticket the store cannot bring up to date itself (adopted.ts), or
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
  'bootstrapState' | 'staleTickets' | 'adoptSnapshot' | 'getCursor'
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
}

export interface Bootstrap {
  /** Resolves once the store holds the open tickets; at once for a store that does. */
  ensureOpen(): Promise<void>
  /** Starts loading history and refetching stale tickets, unless a run is under way. */
  continue(): void
}

const PAGE_SIZE = 2000
const CHUNK_SIZE = 500
/** Bounds every loop: more pages than 50 million tickets would need means something is wrong. */
const MAX_PAGES = 25_000

export function createBootstrap({
  station,
  store,
  onError,
  stopped,
  pageSize = PAGE_SIZE,
  chunkSize = CHUNK_SIZE,
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
    const done: BootstrapState =
      state.phase === 'open'
        ? page.next
          ? { ...state, after: page.next }
          : { phase: 'history', after: null, loaded: 0, total: 0 }
        : {
            phase: page.next ? 'history' : 'done',
            after: page.next,
            loaded: state.loaded + page.tickets.length,
            total: page.total ?? state.total,
          }
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

  async function runPhase(phase: 'open' | 'history', start: BootstrapState): Promise<void> {
    const scope = phase === 'open' ? 'open' : 'all'
    const prefetch = (after: string | null) => {
      const page = fetchPage(scope, after)
      // Awaited in turn below; one left behind by a stop or a failed write fails unobserved.
      page.catch(() => undefined)
      return page
    }
    let state = start
    let pending = prefetch(state.after)
    for (let n = 0; n < MAX_PAGES && state.phase === phase && !stopped(); n++) {
      const page = await pending
      if (page.next) pending = prefetch(page.next)
      const first = phase === 'open' && state.after === null
      state = await writePage(page, state, first)
      // A ticket reopened since the snapshot began must not wait for the end of the history.
      if (phase === 'history') await refetchStale()
    }
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
      const state = await store.bootstrapState()
      if (!state || state.phase === 'open') return
      if (state.phase === 'history') await runPhase('history', state)
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
