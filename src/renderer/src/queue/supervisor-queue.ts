/**
 * The supervisor's live queue, wired: the in-memory model loaded from the station store in
 * windows, kept current from the store's change feed, and shared by the queue panel, the metrics
 * and the QA review. Created once per signed-in supervisor desk, not per panel, so switching
 * screens neither reloads 10,000 tickets nor loses the view or the alerts.
 *
 * Loading reads the open and on-hold tickets through `queueWindow` (P1 first, so the first window
 * shows what matters most). Windows are by offset while the floor keeps changing, so each window
 * re-reads the tail of the one before and checks that an unchanged ticket from it is still there:
 * if it is, nothing that did not change can have slipped between two windows (what changed
 * arrives through the change feed); if it is not, the state is read again from the start.
 * Feed changes that commit during the load wait and are applied after it, newest last.
 */
import type { TicketEvent } from '../../../shared/incident/events'
import type { PriorityPolicy } from '../../../shared/incident/priority'
import type { Ticket } from '../../../shared/incident/ticket'
import type { StationApi } from '../../../shared/station-api'
import type { StationStore, TicketsChange } from '../store'
import { AlertWatch, describeAlert, type Alert } from './alerts'
import { createTicker, type Ticker } from './clock'
import { QueueModel, type QueueInput, type RowChange } from './model'
import { createQueueViewStore, type QueueViewStore } from './view-store'

export type QueueStore = Pick<
  StationStore,
  'queueWindow' | 'onTicketsChanged' | 'pendingEvents' | 'priorityPolicy'
>
export type QueueStation = Pick<StationApi, 'notify' | 'on'>

export interface SupervisorQueueOptions {
  store: QueueStore
  /** Desktop notifications and sync results come through it; tests may leave it out. */
  station?: QueueStation
  ticker?: Ticker
}

export interface LoadState {
  loading: boolean
  loaded: number
}

export interface SupervisorQueue {
  readonly model: QueueModel
  readonly ticker: Ticker
  readonly view: QueueViewStore
  loadState(): LoadState
  /** Called after every batch of changes, and when loading progresses. */
  subscribe(listener: (changes: readonly RowChange[]) => void): () => void
  /** Loads, then follows the store; resolves once every open ticket is in memory. */
  start(): Promise<void>
  stop(): void
}

export const QUEUE_WINDOW = 500
/** Rows of the previous window read again, to prove no unchanged ticket slipped past. */
const WINDOW_OVERLAP = 50
const MAX_WINDOWS = 1000
const MAX_RESTARTS = 3
/** Pending events looked at to know which tickets hold unsynced work. */
const PENDING_LIMIT = 1000
const DAY_MS = 24 * 60 * 60 * 1000

/** The start of the desk's day (the policy's UTC offset): the metrics' "today". */
export function deskDayStart(
  now: number,
  policy: Pick<PriorityPolicy, 'utcOffsetMinutes'>,
): number {
  const offset = policy.utcOffsetMinutes * 60_000
  return Math.floor((now + offset) / DAY_MS) * DAY_MS - offset
}

/** Which tickets have events the server has not answered for, from the events themselves. */
class PendingTickets {
  private readonly ticketOf = new Map<string, string>()

  reset(events: readonly Pick<TicketEvent, 'id' | 'ticketId'>[]): void {
    this.ticketOf.clear()
    for (const event of events) this.ticketOf.set(event.id, event.ticketId)
  }

  /** The server answered for these events (applied, duplicate or rejected): none is pending. */
  settle(eventIds: readonly string[]): void {
    for (const id of eventIds) this.ticketOf.delete(id)
  }

  tickets(): Set<string> {
    return new Set(this.ticketOf.values())
  }
}

export function createSupervisorQueue({
  store,
  station,
  ticker = createTicker(),
}: SupervisorQueueOptions): SupervisorQueue {
  const policy = () => store.priorityPolicy()
  const model = new QueueModel(deskDayStart(ticker.now(), policy()))
  const view = createQueueViewStore(model, ticker.now)
  const listeners = new Set<(changes: readonly RowChange[]) => void>()
  const alerts = new AlertWatch()
  const pending = new PendingTickets()
  /** Tickets the model holds as unsynced, to find those whose flag must flip. */
  let flagged = new Set<string>()
  let state: LoadState = { loading: false, loaded: 0 }
  let buffered: TicketsChange[] | null = null
  /** Feed changes and sync results are handled one at a time, in arrival order. */
  let chain: Promise<void> = Promise.resolve()
  const unsubscribers: (() => void)[] = []
  let stopped = false

  function publish(changes: readonly RowChange[]): void {
    const now = ticker.now()
    view.getState().applyChanges(changes, now)
    for (const listener of [...listeners]) listener(changes)
    if (!state.loading) show(alerts.changed(changes, now))
  }

  function show(list: readonly Alert[]): void {
    if (!station) return
    for (const alert of list) {
      station.notify
        .show({ ...describeAlert(alert), ticketId: alert.ticketId })
        .catch((error: unknown) => console.warn('Warmline: a queue notification failed', error))
    }
  }

  function inputs(tickets: readonly Ticket[]): QueueInput[] {
    const unsynced = pending.tickets()
    return tickets.map((ticket) => ({ ticket, unsynced: unsynced.has(ticket.id) }))
  }

  /**
   * Held tickets whose unsynced flag no longer matches the pending events, as inputs; `except`
   * are re-applied anyway.
   */
  function reflagged(except: ReadonlySet<string> = new Set()): QueueInput[] {
    const unsynced = pending.tickets()
    const candidates = new Set([...flagged, ...unsynced])
    flagged = unsynced
    return [...candidates].flatMap((id) => {
      const row = model.get(id)
      const flips = row && !except.has(id) && row.unsynced !== unsynced.has(id)
      return flips ? [{ ticket: row.ticket, unsynced: !row.unsynced }] : []
    })
  }

  async function handle(change: TicketsChange): Promise<void> {
    pending.reset(await store.pendingEvents(PENDING_LIMIT))
    const updated = inputs(change.updated)
    const changes = model.apply([
      ...updated,
      ...reflagged(new Set(change.updated.map((t) => t.id))),
    ])
    publish([...changes, ...model.remove(change.removed)])
  }

  function enqueue(work: () => Promise<void> | void): void {
    chain = chain
      .then(async () => {
        if (!stopped) await work()
      })
      .catch((error: unknown) => console.error('Warmline: the live queue missed a change', error))
  }

  async function loadState(ticketState: 'open' | 'on_hold'): Promise<void> {
    for (let restart = 0; restart <= MAX_RESTARTS; restart++) {
      let offset = 0
      let tail: Ticket[] = []
      let aligned = true
      for (let i = 0; i < MAX_WINDOWS && !stopped; i++) {
        const start = Math.max(0, offset - tail.length)
        const rows = await store.queueWindow(ticketState, { offset: start, limit: QUEUE_WINDOW })
        if (
          tail.length > 0 &&
          !tail.some((t) => rows.some((r) => r.id === t.id && r.lastEventKey === t.lastEventKey))
        ) {
          aligned = false
          break
        }
        const changes = model.apply(inputs(rows))
        state = { loading: true, loaded: model.size }
        publish(changes)
        if (rows.length < QUEUE_WINDOW) return
        offset = start + rows.length
        tail = rows.slice(-WINDOW_OVERLAP)
      }
      if (aligned) return
    }
  }

  return {
    model,
    ticker,
    view,
    loadState: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    async start() {
      stopped = false
      state = { loading: true, loaded: model.size }
      buffered = []
      unsubscribers.push(
        store.onTicketsChanged((change) => {
          if (buffered) buffered.push(change)
          else enqueue(() => handle(change))
        }),
      )
      if (station) {
        unsubscribers.push(
          station.on('sync.results', ({ results }) =>
            enqueue(() => {
              pending.settle(results.map((r) => r.id))
              publish(model.apply(reflagged()))
            }),
          ),
          station.on('notify.clicked', ({ ticketId }) => {
            if (ticketId && model.get(ticketId)) view.getState().select(ticketId, { open: true })
          }),
        )
      }
      pending.reset(await store.pendingEvents(PENDING_LIMIT))
      flagged = pending.tickets()
      await loadState('open')
      await loadState('on_hold')
      const waiting = buffered
      buffered = null
      for (const change of waiting) enqueue(() => handle(change))
      enqueue(() => {
        alerts.seed(model.rows(), ticker.now())
        state = { loading: false, loaded: model.size }
        publish([])
      })
      unsubscribers.push(
        ticker.subscribe((now) => {
          const dayStart = deskDayStart(now, policy())
          if (dayStart > model.retainedSince) publish(model.retain(dayStart))
          view.getState().tick(now)
          if (!state.loading) show(alerts.tick(model.rows(), now))
        }),
      )
      await chain
    },

    stop() {
      stopped = true
      for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
    },
  }
}
