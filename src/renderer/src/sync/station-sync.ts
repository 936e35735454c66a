/**
 * The renderer's side of sync (the flow is described in src/main/station/agent.ts). The store
 * holds the data; main relays. This module hands pending events to main after every write and on
 * start, applies push results through the store, and pulls pages through main from the store's
 * own cursor — each page and its cursor land in one Dexie transaction, inside the store.
 */
import type { TicketEvent } from '../../../shared/incident/events'
import {
  MAX_HAND_OVER,
  StationError,
  type EventPayloadOf,
  type StationApi,
} from '../../../shared/station-api'
import type { StationStore } from '../store'
import { createBootstrap, type BootstrapOptions, type BootstrapStore } from './bootstrap'

export type SyncStore = BootstrapStore &
  Pick<
    StationStore,
    | 'pendingEvents'
    | 'applyPushResults'
    | 'applyRemotePage'
    | 'getCursor'
    | 'stationCode'
    | 'setStationCode'
    | 'numbersRaised'
  >

export interface StationSyncOptions {
  station: Pick<StationApi, 'sync' | 'station' | 'on'>
  store: SyncStore
  /** A new station's snapshot (bootstrap.ts): tickets per request and per transaction. */
  bootstrap?: Pick<BootstrapOptions, 'pageSize' | 'chunkSize' | 'wordsChunkSize'>
  /** Problems worth showing; offline and signed-out states are the status bar's business. */
  onError?: (error: unknown) => void
}

export interface StationSync {
  /** Adopts main's station code, subscribes, hands over what is pending and pulls. */
  start(): Promise<void>
  /** Hands events to main: the given ones (just recorded), or every pending event of the store. */
  handOver(events?: readonly TicketEvent[]): Promise<void>
  /**
   * Pulls until up to date; concurrent calls share one run, and a call during a run adds a round.
   * With `resync`, pending events are handed over again afterwards (results may have been lost).
   */
  pull(resync?: boolean): Promise<void>
  stop(): void
}

/** How many pending events one hand-over of "everything pending" reads from the store. */
const PENDING_SCAN = 50 * MAX_HAND_OVER
const PAGES_PER_ROUND = 10_000
const ROUNDS_PER_RUN = 100

/** Being offline or signed out is a state, not an error: the next poke or reconnect retries. */
function isExpected(error: unknown): boolean {
  return (
    error instanceof StationError &&
    ['offline', 'not_signed_in', 'unauthorized', 'unavailable'].includes(error.code)
  )
}

export function createStationSync({
  station,
  store,
  onError = console.error,
  bootstrap: bootstrapSizes,
}: StationSyncOptions): StationSync {
  const unsubscribers: (() => void)[] = []
  let running: Promise<void> | null = null
  let again = false
  let handOverAfter = false
  let stopped = false

  const report = (error: unknown) => {
    // After stop, work in flight fails as its store closes; the next start redoes it from the store.
    if (!stopped && !isExpected(error)) onError(error)
  }

  async function handOver(events?: readonly TicketEvent[]): Promise<void> {
    const batch = events ?? (await store.pendingEvents(PENDING_SCAN))
    for (let i = 0; i < batch.length && !stopped; i += MAX_HAND_OVER) {
      await station.sync.handOver({ events: batch.slice(i, i + MAX_HAND_OVER) })
    }
  }

  const bootstrap = createBootstrap({
    station,
    store,
    onError: report,
    stopped: () => stopped,
    ...bootstrapSizes,
  })

  async function pullRounds(): Promise<void> {
    // A new station pulls only after the open tickets' snapshot (bootstrap.ts), from its position.
    await bootstrap.ensureOpen()
    for (let round = 0; round < ROUNDS_PER_RUN && !stopped; round++) {
      again = false
      for (let page = 0; page < PAGES_PER_ROUND && !stopped; page++) {
        const next = await station.sync.nextPage({ after: await store.getCursor() })
        await store.applyRemotePage(next)
        if (next.upToDate || next.events.length === 0) break
      }
      if (!again) break
    }
    bootstrap.continue()
    if (handOverAfter) {
      handOverAfter = false
      // Heals lost `sync.results`: what is still pending here goes to main again (deduplicated there).
      await handOver()
    }
  }

  /** `resync`: notifications may have been missed, so pending events are handed over again too. */
  function pull(resync = false): Promise<void> {
    handOverAfter ||= resync
    if (running) {
      again = true
      return running
    }
    running = pullRounds()
      .catch(report)
      .finally(() => {
        running = null
      })
    return running
  }

  /**
   * A commit's events from the live stream. While a pull runs, it will bring them (another round
   * is asked for); otherwise they are applied if they follow the store's cursor — the store checks
   * that in the transaction — and a gap is filled by pulling.
   */
  async function applyLive(page: EventPayloadOf<'sync.remoteEvents'>): Promise<void> {
    if (running) {
      again = true
      return
    }
    try {
      const result = await store.applyRemotePage(page)
      if (result.gap) await pull()
    } catch (error) {
      report(error)
      await pull()
    }
  }

  /** Main keeps the code enrollment gave; the store numbers tickets and stamps events with it. */
  async function adoptStationCode(): Promise<void> {
    const { stationCode } = await station.station.info({})
    if (stationCode && stationCode !== (await store.stationCode()))
      await store.setStationCode(stationCode)
  }

  return {
    async start() {
      stopped = false
      await adoptStationCode()
      unsubscribers.push(
        station.on('sync.results', ({ results }) => {
          store
            .applyPushResults(results)
            // A renumbered opening is a write like any other: main pushes it.
            .then(({ renumbered }) => (renumbered.length ? handOver(renumbered) : undefined))
            .catch(report)
        }),
        station.on('sync.remoteChanged', ({ seq }) => {
          void pull(seq === null)
        }),
        station.on('sync.remoteEvents', (page) => {
          void applyLive(page)
        }),
        station.on('numbers.raised', ({ stationCode, highest }) => {
          store.numbersRaised(stationCode, highest)
        }),
      )
      await handOver().catch(report)
      await pull()
    },
    handOver: (events) => handOver(events).catch(report),
    pull,
    stop() {
      stopped = true
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
    },
  }
}
