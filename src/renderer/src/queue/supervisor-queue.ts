/**
 * The supervisor's live queue, wired: the in-memory model loaded from the station's database in
 * windows, kept current from the store's change feed, and shared by the queue panel, the metrics
 * and the QA review. Created once per signed-in supervisor desk, not per panel, so switching
 * screens neither reloads 10,000 tickets nor loses the view or the alerts.
 *
 * Loading reads the open, then the on-hold tickets in keyset windows (open-tickets.ts), P1 first,
 * so the first window shows what matters most. Feed changes that commit during the load wait and
 * are applied after it, newest last, so a ticket read in an older state is brought up to date.
 */
import type { TicketEvent } from '../../../shared/incident/events'
import { dayStartIn } from '../../../shared/incident/calendar'
import type { PriorityPolicy } from '../../../shared/incident/priority'
import type { Ticket } from '../../../shared/incident/ticket'
import type { StationApi } from '../../../shared/station-api'
import type { StationStore, TicketsChange } from '../store'
import { AlertWatch, describeAlert, type Alert } from './alerts'
import { createTicker, type Ticker } from './clock'
import { QueueModel, type QueueInput, type RowChange } from './model'
import { openTicketReader, type OpenTicketReader } from './open-tickets'
import { createQueueViewStore, type QueueViewStore } from './view-store'

export type QueueStore = Pick<
  StationStore,
  'onTicketsChanged' | 'pendingEvents' | 'priorityPolicy' | 'queueWindow'
>
export type QueueStation = Pick<StationApi, 'notify' | 'on'>

export interface SupervisorQueueOptions {
  store: QueueStore
  /** Desktop notifications and sync results come through it; tests may leave it out. */
  station?: QueueStation
  ticker?: Ticker
  /** How the open tickets are read at start; by default from the store. */
  reader?: OpenTicketReader
}

export interface LoadState {
  loading: boolean
  loaded: number
  /** Why the floor could not be read from this station's database; the queue stops there. */
  failed?: string
}

export interface SupervisorQueue {
  readonly model: QueueModel
  readonly ticker: Ticker
  readonly view: QueueViewStore
  loadState(): LoadState
  /** Called after every batch of changes, and when loading progresses. */
  subscribe(listener: (changes: readonly RowChange[]) => void): () => void
  /**
   * Loads, then follows the store; resolves once every open ticket is in memory, or once a read
   * of the store failed (then `loadState().failed` says why). Never rejects.
   */
  start(): Promise<void>
  stop(): void
}

export const QUEUE_WINDOW = 500
/** Pending events looked at to know which tickets hold unsynced work. */
const PENDING_LIMIT = 1000

/** The start of the desk's day (in the business calendar's zone): the metrics' "today". */
export function deskDayStart(now: number, policy: Pick<PriorityPolicy, 'calendar'>): number {
  return dayStartIn(now, policy.calendar)
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
  reader,
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
  /** Each start() is one run; a stop() or a later start() ends it, and its late work is dropped. */
  let run = 0

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

  /** Held tickets whose unsynced flag no longer matches the pending events, as inputs. */
  function reflagged(): QueueInput[] {
    const unsynced = pending.tickets()
    const candidates = new Set([...flagged, ...unsynced])
    flagged = unsynced
    return [...candidates].flatMap((id) => {
      const row = model.get(id)
      return row && row.unsynced !== unsynced.has(id)
        ? [{ ticket: row.ticket, unsynced: !row.unsynced }]
        : []
    })
  }

  /**
   * The change goes on screen first, flagged as far as is known; which tickets hold unsent work
   * is read after it (one more IndexedDB round trip), and only the flags that moved change again.
   */
  async function handle(change: TicketsChange): Promise<void> {
    publish([...model.apply(inputs(change.updated)), ...model.remove(change.removed)])
    pending.reset(await store.pendingEvents(PENDING_LIMIT))
    const flips = model.apply(reflagged())
    if (flips.length > 0) publish(flips)
  }

  function enqueue(work: () => Promise<void> | void): void {
    const mine = run
    chain = chain
      .then(async () => {
        if (mine === run) await work()
      })
      .catch((error: unknown) => console.error('Warmline: the live queue missed a change', error))
  }

  async function load(mine: number): Promise<void> {
    const windows = reader ?? openTicketReader(store)
    for (const ticketState of ['open', 'on_hold'] as const) {
      if (mine !== run) return
      await windows.read(ticketState, QUEUE_WINDOW, (tickets) => {
        if (mine !== run) return
        const changes = model.apply(inputs(tickets))
        state = { loading: true, loaded: model.size }
        publish(changes)
      })
    }
  }

  /** The load, then the feed: what `start` runs, failing as a whole if a read fails. */
  async function follow(mine: number): Promise<void> {
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
            const flips = model.apply(reflagged())
            if (flips.length > 0) publish(flips)
          }),
        ),
        station.on('notify.clicked', ({ ticketId }) => {
          if (ticketId && model.get(ticketId)) view.getState().select(ticketId, { open: true })
        }),
      )
    }
    pending.reset(await store.pendingEvents(PENDING_LIMIT))
    flagged = pending.tickets()
    await load(mine)
    if (mine !== run) return
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
  }

  function stop(): void {
    run += 1
    for (const unsubscribe of unsubscribers.splice(0)) unsubscribe()
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
      const mine = ++run
      try {
        await follow(mine)
      } catch (error) {
        // Stopped meanwhile (the desk closed its store): nobody is looking any more.
        if (mine !== run) return
        stop()
        const reason = error instanceof Error ? error.message : String(error)
        console.error('Warmline: the live queue could not read the floor', error)
        state = { loading: false, loaded: model.size, failed: reason }
        publish([])
      }
    },

    stop,
  }
}
