/**
 * What every module of the station store shares: the open database, the wall clock, the window's
 * ticket numbers, the priority policy in force, the station's meta rows, the remembered view of
 * recent rows a write may skip reading, and the change feed. One `StoreCore` is made per store
 * instance (station-store.ts) and handed to each module.
 */
import type { PriorityPolicy } from '../../../shared/incident/priority'
import type { Ticket } from '../../../shared/incident/ticket'
import { createClock, type HlcState } from '../../../shared/sync/hlc'
import { PENDING_COUNT_KEY, StationDb, type TicketRow } from './db'
import { StoreError, type TicketsChange } from './store-types'
import type { NumberPool } from './ticket-numbers'

export const META = {
  station: 'station',
  clock: 'hlc',
  cursor: 'cursor',
  policy: 'policy',
  majorIncidents: 'majorIncidents',
  pendingCount: PENDING_COUNT_KEY,
  /** Where a station started from the server's snapshot stands (bootstrap-writes.ts). */
  bootstrap: 'bootstrap',
} as const

/** The rows a local write reads about the station; remembered so it may skip reading them. */
export const VIEW_KEYS = [META.station, META.clock, META.pendingCount] as const

/** The largest window any read returns. */
export const MAX_WINDOW = 1000

/** The station's identity and its ticket sequences, one row so a command reads it at once. */
export interface StationMeta {
  code: string
  /**
   * Highest sequence this profile used per station code. Main hands the numbers out; this only
   * goes with each reservation as its floor, so main never trails what a profile already used.
   */
  lastSequence: Record<string, number>
}

/** The tickets a write changed: the new projection, or null when the ticket left it. */
export type Projected = Map<string, Ticket | null>

const RECENT_ROWS = 500

export interface StoreCore {
  readonly db: StationDb
  readonly now: () => number
  readonly numbers: NumberPool
  /** The policy tickets are folded with; the directory replaces it. */
  policy: PriorityPolicy
  readMeta(keys: readonly string[]): Promise<Map<string, unknown>>
  getMeta<T>(key: string): Promise<T | undefined>
  putMeta(key: string, value: unknown): Promise<void>
  /**
   * What this store instance last saw of the rows a local write reads: the station, its clock
   * and the pending counter, and the tickets it recently read or wrote. With them a command is
   * carried out in one round trip (optimistic-write.ts); they are a guess, always checked
   * against the store inside the write, never trusted.
   */
  readonly view: {
    meta(): ReadonlyMap<string, unknown>
    row(ticketId: string): TicketRow | undefined
    /** Takes in meta values as they are once the current write commits. */
    remember(meta: ReadonlyMap<string, unknown>): void
    rememberRow(row: TicketRow): void
    forgetRow(ticketId: string): void
  }
  /** Runs `work` in one read-write transaction and tells the change feed once it committed. */
  write<T>(work: (out: Projected) => Promise<T>): Promise<T>
  onTicketsChanged(listener: (change: TicketsChange) => void): () => void
}

export function createStoreCore(
  db: StationDb,
  now: () => number,
  numbers: NumberPool,
  policy: PriorityPolicy,
): StoreCore {
  const listeners = new Set<(change: TicketsChange) => void>()
  const writeTables = [db.events, db.tickets, db.meta]
  let lastMeta: Map<string, unknown> = new Map()
  const recentRows = new Map<string, TicketRow>()

  function notify(projected: Projected): void {
    const change: TicketsChange = { updated: [], removed: [] }
    for (const [id, ticket] of projected) {
      if (ticket) change.updated.push(ticket)
      else change.removed.push(id)
    }
    for (const listener of listeners) {
      try {
        listener(change)
      } catch (error) {
        // The data is committed: a failing listener must not make the write look failed.
        setTimeout(() => {
          throw error
        })
      }
    }
  }

  return {
    db,
    now,
    numbers,
    policy,

    async readMeta(keys) {
      const rows = await db.meta.bulkGet([...keys])
      return new Map(rows.flatMap((row) => (row ? [[row.key, row.value] as const] : [])))
    },

    async getMeta<T>(key: string) {
      return (await db.meta.get(key))?.value as T | undefined
    },

    async putMeta(key, value) {
      await db.meta.put({ key, value })
    },

    view: {
      meta: () => lastMeta,
      row: (ticketId) => recentRows.get(ticketId),
      remember(meta) {
        const next = new Map(lastMeta)
        for (const key of VIEW_KEYS) if (meta.has(key)) next.set(key, meta.get(key))
        lastMeta = next
      },
      rememberRow(row) {
        recentRows.delete(row.id)
        recentRows.set(row.id, row)
        if (recentRows.size > RECENT_ROWS) recentRows.delete(recentRows.keys().next().value!)
      },
      forgetRow(ticketId) {
        recentRows.delete(ticketId)
      },
    },

    async write(work) {
      const out: Projected = new Map()
      // An async scope function: only then does Dexie keep the transaction across native awaits.
      const result = await db.transaction('rw', writeTables, async () => work(out))
      if (out.size > 0 && listeners.size > 0) notify(out)
      return result
    },

    onTicketsChanged(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

export function stationOf(meta: ReadonlyMap<string, unknown>): StationMeta | undefined {
  return meta.get(META.station) as StationMeta | undefined
}

export function pendingOf(meta: ReadonlyMap<string, unknown>): number {
  return (meta.get(META.pendingCount) as number | undefined) ?? 0
}

export function requireStation(station: StationMeta | undefined): StationMeta {
  if (!station) {
    throw new StoreError(
      'not_enrolled',
      'This station is not enrolled yet: it has no station code.',
    )
  }
  return station
}

export function clockOf(meta: ReadonlyMap<string, unknown>, station: StationMeta): HlcState {
  const stored = meta.get(META.clock) as HlcState | undefined
  return stored ? { ...stored, node: station.code } : createClock(station.code)
}

/** The station row with `sequences` counted as used; null when it already covers them. */
export function usedSequence(
  station: StationMeta,
  sequences: readonly number[],
): StationMeta | null {
  const before = station.lastSequence[station.code] ?? 0
  const highest = Math.max(before, ...sequences)
  return highest === before
    ? null
    : { ...station, lastSequence: { ...station.lastSequence, [station.code]: highest } }
}

export function uniqueById<R extends { id: string }>(rows: readonly R[]): R[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()]
}

export function isTicket(ticket: Ticket | null): ticket is Ticket {
  return ticket !== null
}

export function groupByTicket<E extends { ticketId: string }>(
  events: readonly E[],
): Map<string, E[]> {
  const groups = new Map<string, E[]>()
  for (const event of events) {
    const group = groups.get(event.ticketId)
    if (group) group.push(event)
    else groups.set(event.ticketId, [event])
  }
  return groups
}
