/**
 * The station store: the repository the UI works through (ARCHITECTURE.md "Stores"). Every write
 * is one IndexedDB transaction that writes the events *and* the tickets projection they change, so
 * a crash leaves either both or neither. Reads are index lookups with limits, never scans.
 *
 * Events made here are `pending` until the server answers for them (`applyPushResults`); events
 * from the server arrive in pages (`applyRemotePage`) that move the pull cursor in the same
 * transaction. A rejected event stays in the log, visible, but leaves the projection: the server
 * and every other station never see it, and all replicas must fold the same set.
 */
import { Dexie, type Table } from 'dexie'
import type {
  CallTemplate,
  CallerRecord,
  RoutingGuidance,
  Team,
  User,
} from '../../../shared/directory'
import { compareEvents, parseTicketEvent, type TicketEvent } from '../../../shared/incident/events'
import { applyEvent, canApplyInOrder, foldTicket } from '../../../shared/incident/fold'
import { DEFAULT_PRIORITY_POLICY, type PriorityPolicy } from '../../../shared/incident/priority'
import type { CommandResult, RuleError } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { formatTicketNumber } from '../../../shared/incident/ticket-number'
import type { TicketState } from '../../../shared/incident/vocabulary'
import {
  createClock,
  formatHlc,
  receive,
  tick,
  type ClockWarning,
  type HlcState,
} from '../../../shared/sync/hlc'
import type { PushResult } from '../../../shared/sync/wire'
import {
  PENDING_COUNT_KEY,
  StationDb,
  callerOfRow,
  callerRow,
  eventOfRow,
  ticketOfRow,
  ticketRow,
  type StationDbOptions,
  type StoredEvent,
  type TicketRow,
} from './db'
import { planSearch, prefixesAll, queryWords } from './query'

export interface StationStoreOptions extends StationDbOptions {
  /** Wall clock in ms, for the hybrid logical clock and draft times. */
  now?: () => number
}

/** What a command gets from the store while its transaction is open. */
export interface RecordContext {
  /** The station's next hybrid logical clock value; persisted with the events. */
  nextHlc(): string
  /**
   * The station's next ticket number (station code + sequence). It is used up only if the
   * command's events are written: both commit in one transaction, so a number is never reused.
   */
  nextTicketNumber(): string
}

export type RecordResult =
  { ok: true; events: TicketEvent[]; tickets: Ticket[] } | { ok: false; errors: RuleError[] }

export interface TicketsChange {
  /** Tickets whose projection changed, as committed. */
  updated: Ticket[]
  /** Tickets that left the projection (their opening was rejected by the server). */
  removed: string[]
}

export interface RemotePage {
  events: readonly { seq: number; event: unknown }[]
  next: number
}

export interface RemotePageResult {
  /** Events new to this station. */
  added: number
  /** This station's pending events the server now confirms. */
  confirmed: number
  /** Events that failed to parse: kept out of the store, reported here. */
  skipped: { seq: number; code: string; message: string }[]
  clockWarnings: ClockWarning[]
  cursor: number
}

export interface PushResultsOutcome {
  applied: number
  rejected: number
  /** Results for events this store does not hold. */
  unknown: string[]
}

/** What `replaceDirectory` takes: the server's directory snapshot, any part of it. */
export interface DirectoryData {
  teams: readonly Team[]
  routingGuidance: readonly RoutingGuidance[]
  users?: readonly User[]
  callers?: readonly CallerRecord[]
  templates?: readonly CallTemplate[]
  policy?: PriorityPolicy
}

export interface QueueWindow {
  offset: number
  limit: number
}

export interface Draft<T> {
  value: T
  savedAt: number
}

export class StoreError extends Error {
  constructor(
    readonly code: 'not_enrolled',
    message: string,
  ) {
    super(message)
    this.name = 'StoreError'
  }
}

/** The station's identity and its ticket sequences, one row so a command reads it at once. */
interface StationMeta {
  code: string
  /** Last sequence issued per station code: a re-enrolled station never reissues an old number. */
  lastSequence: Record<string, number>
}

const META = {
  station: 'station',
  clock: 'hlc',
  cursor: 'cursor',
  policy: 'policy',
  pendingCount: PENDING_COUNT_KEY,
} as const
const DRAFT_PREFIX = 'draft:'

const WORKING_STATES: readonly TicketState[] = ['open', 'on_hold']
const MAX_WINDOW = 1000

export interface StationStore {
  readonly name: string
  close(): void

  // Station identity and clock
  setStationCode(code: string): Promise<void>
  stationCode(): Promise<string | null>
  nextHlc(): Promise<string>
  observeRemoteHlc(hlc: string): Promise<ClockWarning | undefined>

  // Writes
  record(command: (ctx: RecordContext) => CommandResult): Promise<RecordResult>
  recordEvents(
    events: readonly TicketEvent[],
  ): Promise<{ recorded: TicketEvent[]; tickets: Ticket[] }>
  applyPushResults(results: readonly PushResult[]): Promise<PushResultsOutcome>
  applyRemotePage(page: RemotePage): Promise<RemotePageResult>

  // Reads
  getTicket(id: string): Promise<Ticket | undefined>
  ticketByNumber(number: string): Promise<Ticket | undefined>
  search(query: string, limit?: number): Promise<Ticket[]>
  ticketEvents(ticketId: string): Promise<StoredEvent[]>
  queueWindow(state: TicketState, window: QueueWindow): Promise<Ticket[]>
  ticketsByTeam(
    teamId: string,
    options?: { states?: readonly TicketState[]; limit?: number },
  ): Promise<Ticket[]>
  ticketsByOwner(
    owner: string,
    options?: { states?: readonly TicketState[]; limit?: number },
  ): Promise<Ticket[]>
  pendingEvents(limit: number): Promise<TicketEvent[]>
  pendingCount(): Promise<number>
  rejectedEvents(limit: number): Promise<StoredEvent[]>
  getCursor(): Promise<number>

  // Directory
  replaceDirectory(directory: DirectoryData): Promise<void>
  teams(): Promise<Team[]>
  routingGuidance(): Promise<RoutingGuidance[]>
  users(): Promise<User[]>
  templates(): Promise<CallTemplate[]>
  priorityPolicy(): PriorityPolicy
  findCallers(query: string, limit?: number): Promise<CallerRecord[]>

  // Drafts: what the agent is typing, saved as they type
  saveDraft<T>(key: string, value: T): Promise<void>
  loadDraft<T>(key: string): Promise<Draft<T> | undefined>
  clearDraft(key: string): Promise<void>
  listDrafts(): Promise<{ key: string; savedAt: number }[]>

  // Change feed
  onTicketsChanged(listener: (change: TicketsChange) => void): () => void
}

/**
 * Opens (creating or upgrading) the station database `name` and returns its repository.
 */
export async function createStationStore(
  name: string,
  options: StationStoreOptions = {},
): Promise<StationStore> {
  const db = new StationDb(name, options)
  await db.open()
  const now = options.now ?? Date.now
  const listeners = new Set<(change: TicketsChange) => void>()
  let policy =
    ((await db.meta.get(META.policy))?.value as PriorityPolicy | undefined) ??
    DEFAULT_PRIORITY_POLICY

  const writeTables = [db.events, db.tickets, db.meta]

  // ---------------------------------------------------------------------------------------------
  // Inside a transaction

  async function getMeta<T>(key: string): Promise<T | undefined> {
    return (await db.meta.get(key))?.value as T | undefined
  }

  async function putMeta(key: string, value: unknown): Promise<void> {
    await db.meta.put({ key, value })
  }

  async function adjustPendingCount(delta: number): Promise<void> {
    if (delta === 0) return
    const count = (await getMeta<number>(META.pendingCount)) ?? 0
    await putMeta(META.pendingCount, Math.max(0, count + delta))
  }

  /** The ticket's events the projection folds: everything held except what the server refused. */
  async function foldableEvents(ticketId: string): Promise<TicketEvent[]> {
    const rows = await db.events
      .where('[ticketId+hlc]')
      .between([ticketId, Dexie.minKey], [ticketId, Dexie.maxKey])
      .toArray()
    return rows.filter((row) => row.syncState !== 'rejected').map(eventOfRow)
  }

  type Projected = Map<string, Ticket | null>

  /**
   * Brings one ticket's projection up to date after `added` (events new to the store, already
   * written). In-order events are applied to the stored ticket; anything else re-folds the
   * ticket from its stored events, which is also how events waiting for their opening join it.
   */
  async function project(
    ticketId: string,
    added: readonly TicketEvent[],
    out: Projected,
  ): Promise<void> {
    const row = await db.tickets.get(ticketId)
    const current = row ? ticketOfRow(row) : null
    const sorted = [...added].sort(compareEvents)
    let next: Ticket | null
    if (sorted.length > 0 && canApplyInOrder(current, sorted[0]!)) {
      next = sorted.reduce<Ticket | null>(
        (ticket, event) => applyEvent(ticket, event, policy),
        current,
      )
    } else {
      next = foldTicket(await foldableEvents(ticketId), policy)
    }
    if (next) {
      await db.tickets.put(ticketRow(next))
      out.set(ticketId, next)
    } else if (row) {
      await db.tickets.delete(ticketId)
      out.set(ticketId, null)
    }
  }

  /** Writes events new to the store as pending and projects them; returns the new ones. */
  async function writeLocal(
    events: readonly TicketEvent[],
    out: Projected,
  ): Promise<TicketEvent[]> {
    const unique = [...new Map(events.map((event) => [event.id, event])).values()]
    const existing = await db.events.bulkGet(unique.map((event) => event.id))
    const fresh = unique.filter((_, i) => existing[i] === undefined)
    if (fresh.length === 0) return []
    await db.events.bulkAdd(fresh.map((event) => ({ ...event, syncState: 'pending' as const })))
    await adjustPendingCount(fresh.length)
    for (const [ticketId, added] of groupByTicket(fresh)) await project(ticketId, added, out)
    return fresh
  }

  /** Runs `work` in one read-write transaction and tells the change feed once it committed. */
  async function write<T>(work: (out: Projected) => Promise<T>): Promise<T> {
    const out: Projected = new Map()
    // An async scope function: only then does Dexie keep the transaction across native awaits.
    const result = await db.transaction('rw', writeTables, async () => work(out))
    if (out.size > 0 && listeners.size > 0) notify(out)
    return result
  }

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

  async function stationMeta(): Promise<StationMeta | undefined> {
    return getMeta<StationMeta>(META.station)
  }

  function requireStation(station: StationMeta | undefined): StationMeta {
    if (!station)
      throw new StoreError(
        'not_enrolled',
        'This station is not enrolled yet: it has no station code.',
      )
    return station
  }

  async function loadClock(station: StationMeta): Promise<HlcState> {
    const stored = await getMeta<HlcState>(META.clock)
    return stored ? { ...stored, node: station.code } : createClock(station.code)
  }

  // ---------------------------------------------------------------------------------------------
  // Reads

  const rowsToTickets = (rows: readonly TicketRow[]) => rows.map(ticketOfRow)

  async function byCompound(
    index: '[teamId+state+updatedAt]' | '[owner+state+updatedAt]',
    key: string,
    states: readonly TicketState[],
    limit: number,
  ): Promise<Ticket[]> {
    const bounded = Math.min(Math.max(limit, 0), MAX_WINDOW)
    const perState = await Promise.all(
      states.map((state) =>
        db.tickets
          .where(index)
          .between([key, state, Dexie.minKey], [key, state, Dexie.maxKey])
          .limit(bounded)
          .toArray(),
      ),
    )
    // Least recently touched first: what has waited longest needs attention first.
    return rowsToTickets(
      perState
        .flat()
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .slice(0, bounded),
    )
  }

  async function searchRows(query: string, limit: number): Promise<TicketRow[]> {
    const plan = planSearch(query)
    switch (plan.kind) {
      case 'none':
        return []
      case 'number': {
        const exact = await db.tickets.where('number').equals(plan.number).limit(limit).toArray()
        if (exact.length >= limit) return exact
        const seen = new Set(exact.map((row) => row.id))
        const more = await db.tickets
          .where('tokens')
          .startsWith(plan.prefix)
          .distinct()
          .filter((row) => !seen.has(row.id))
          .limit(limit - exact.length)
          .toArray()
        return [...exact, ...more]
      }
      case 'phone':
        // Newest first: the caller on the line is most likely about their latest ticket.
        return db.tickets
          .where('callerPhone')
          .startsWith(plan.digits)
          .reverse()
          .limit(limit)
          .toArray()
      case 'words': {
        let collection = db.tickets.where('tokens').startsWith(plan.index).reverse().distinct()
        if (plan.rest.length > 0)
          collection = collection.filter((row) => prefixesAll(row.tokens, plan.rest))
        return collection.limit(limit).toArray()
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The repository

  const store: StationStore = {
    name,
    close: () => db.close(),

    async setStationCode(code) {
      formatTicketNumber(code, 1) // refuses what is not a station code
      await db.transaction('rw', db.meta, async () => {
        const current = await stationMeta()
        await putMeta(META.station, {
          code,
          lastSequence: current?.lastSequence ?? {},
        } satisfies StationMeta)
      })
    },

    async stationCode() {
      return (await stationMeta())?.code ?? null
    },

    async nextHlc() {
      return db.transaction('rw', db.meta, async () => {
        const clock = tick(await loadClock(requireStation(await stationMeta())), now())
        await putMeta(META.clock, clock)
        return formatHlc(clock)
      })
    },

    async observeRemoteHlc(hlc) {
      return db.transaction('rw', db.meta, async () => {
        const merged = receive(await loadClock(requireStation(await stationMeta())), hlc, now())
        await putMeta(META.clock, merged.clock)
        return merged.warning
      })
    },

    async record(command) {
      return write(async (out): Promise<RecordResult> => {
        const station = requireStation(await stationMeta())
        let clock = await loadClock(station)
        let sequence = station.lastSequence[station.code] ?? 0
        const clockBefore = clock
        const sequenceBefore = sequence
        const result = command({
          nextHlc: () => {
            clock = tick(clock, now())
            return formatHlc(clock)
          },
          nextTicketNumber: () => formatTicketNumber(station.code, ++sequence),
        })
        // A refused command wrote nothing, and its number (if it took one) is free again.
        if (!result.ok) return result
        if (clock !== clockBefore) await putMeta(META.clock, clock)
        if (sequence !== sequenceBefore) {
          await putMeta(META.station, {
            ...station,
            lastSequence: { ...station.lastSequence, [station.code]: sequence },
          } satisfies StationMeta)
        }
        await writeLocal(result.events, out)
        return { ok: true, events: result.events, tickets: [...out.values()].filter(isTicket) }
      })
    },

    async recordEvents(events) {
      return write(async (out) => {
        const recorded = await writeLocal(events, out)
        return { recorded, tickets: [...out.values()].filter(isTicket) }
      })
    },

    async applyPushResults(results) {
      return write(async (out) => {
        const outcome: PushResultsOutcome = { applied: 0, rejected: 0, unknown: [] }
        const latest = new Map(results.map((result) => [result.id, result]))
        const ids = [...latest.keys()]
        const rows = await db.events.bulkGet(ids)
        const changed: StoredEvent[] = []
        const refold = new Set<string>()
        let pendingDelta = 0
        for (const [i, id] of ids.entries()) {
          const row = rows[i]
          const result = latest.get(id)!
          if (!row) {
            outcome.unknown.push(id)
            continue
          }
          if (row.syncState === 'pending') pendingDelta -= 1
          if (result.status === 'rejected') {
            outcome.rejected += 1
            if (row.syncState !== 'rejected') refold.add(row.ticketId)
            changed.push({
              ...eventOfRow(row),
              syncState: 'rejected',
              rejection: { code: result.code, reason: result.reason },
            })
          } else {
            outcome.applied += 1
            if (row.syncState === 'rejected') refold.add(row.ticketId)
            changed.push({ ...eventOfRow(row), syncState: 'applied', seq: result.seq })
          }
        }
        await db.events.bulkPut(changed)
        await adjustPendingCount(pendingDelta)
        for (const ticketId of refold) await project(ticketId, [], out)
        return outcome
      })
    },

    async applyRemotePage(page) {
      const skipped: RemotePageResult['skipped'] = []
      const parsed = new Map<string, { seq: number; event: TicketEvent }>()
      for (const { seq, event } of page.events) {
        const result = parseTicketEvent(event)
        if (result.ok) parsed.set(result.event.id, { seq, event: result.event })
        else skipped.push({ seq, code: result.code, message: result.message })
      }
      return write(async (out): Promise<RemotePageResult> => {
        const incoming = [...parsed.values()]
        const rows = await db.events.bulkGet(incoming.map(({ event }) => event.id))
        const added: TicketEvent[] = []
        const changed: StoredEvent[] = []
        const refold = new Set<string>()
        let confirmed = 0
        for (const [i, { seq, event }] of incoming.entries()) {
          const row = rows[i]
          if (!row) {
            added.push(event)
            changed.push({ ...event, syncState: 'applied', seq })
          } else if (row.syncState !== 'applied' || row.seq !== seq) {
            if (row.syncState === 'pending') confirmed += 1
            // The server holds it, so every replica folds it, whatever this station was told.
            if (row.syncState === 'rejected') refold.add(row.ticketId)
            changed.push({ ...eventOfRow(row), syncState: 'applied', seq })
          }
        }
        await db.events.bulkPut(changed)
        await adjustPendingCount(-confirmed)

        const clockWarnings: ClockWarning[] = []
        const station = await stationMeta()
        if (station && incoming.length > 0) {
          // Merging the latest clock of each station is enough to order later local events after
          // all of them, and yields one warning per faulty station instead of one per event.
          let clock = await loadClock(station)
          const wallNow = now()
          for (const hlc of latestHlcPerStation(incoming.map(({ event }) => event))) {
            const merged = receive(clock, hlc, wallNow)
            clock = merged.clock
            if (merged.warning) clockWarnings.push(merged.warning)
          }
          await putMeta(META.clock, clock)
        }

        const cursor = Math.max((await getMeta<number>(META.cursor)) ?? 0, page.next)
        await putMeta(META.cursor, cursor)

        const byTicket = groupByTicket(added)
        for (const ticketId of refold) if (!byTicket.has(ticketId)) byTicket.set(ticketId, [])
        for (const [ticketId, events] of byTicket) {
          await project(ticketId, refold.has(ticketId) ? [] : events, out)
        }
        return { added: added.length, confirmed, skipped, clockWarnings, cursor }
      })
    },

    async getTicket(id) {
      const row = await db.tickets.get(id)
      return row && ticketOfRow(row)
    },

    async ticketByNumber(number) {
      const plan = planSearch(number)
      if (plan.kind !== 'number') return undefined
      const row = await db.tickets.where('number').equals(plan.number).first()
      return row && ticketOfRow(row)
    },

    async search(query, limit = 20) {
      const bounded = Math.min(Math.max(limit, 0), MAX_WINDOW)
      if (bounded === 0) return []
      return rowsToTickets(await searchRows(query, bounded))
    },

    async ticketEvents(ticketId) {
      const rows = await db.events
        .where('[ticketId+hlc]')
        .between([ticketId, Dexie.minKey], [ticketId, Dexie.maxKey])
        .toArray()
      // The index orders by hlc; equal clocks from two stations still need the id tie-break.
      return rows.sort(compareEvents)
    },

    async queueWindow(state, window) {
      const limit = Math.min(Math.max(window.limit, 0), MAX_WINDOW)
      const rows = await db.tickets
        .where('[state+priority+updatedAt]')
        .between([state, Dexie.minKey, Dexie.minKey], [state, Dexie.maxKey, Dexie.maxKey])
        .offset(Math.max(window.offset, 0))
        .limit(limit)
        .toArray()
      return rowsToTickets(rows)
    },

    ticketsByTeam(teamId, options = {}) {
      return byCompound(
        '[teamId+state+updatedAt]',
        teamId,
        options.states ?? WORKING_STATES,
        options.limit ?? 50,
      )
    },

    ticketsByOwner(owner, options = {}) {
      return byCompound(
        '[owner+state+updatedAt]',
        owner,
        options.states ?? WORKING_STATES,
        options.limit ?? 50,
      )
    },

    async pendingEvents(limit) {
      const rows = await db.events
        .where('syncState')
        .equals('pending')
        .limit(Math.min(Math.max(limit, 0), MAX_WINDOW))
        .toArray()
      return rows.map(eventOfRow)
    },

    async pendingCount() {
      return (await getMeta<number>(META.pendingCount)) ?? 0
    },

    async rejectedEvents(limit) {
      return db.events
        .where('syncState')
        .equals('rejected')
        .limit(Math.min(Math.max(limit, 0), MAX_WINDOW))
        .toArray()
    },

    async getCursor() {
      return (await getMeta<number>(META.cursor)) ?? 0
    },

    async replaceDirectory(directory) {
      const tables = [db.teams, db.routingGuidance, db.users, db.callers, db.templates, db.meta]
      await db.transaction('rw', tables, async () => {
        await replaceAll(db.teams, directory.teams)
        await replaceAll(db.routingGuidance, directory.routingGuidance)
        if (directory.users) await replaceAll(db.users, directory.users)
        if (directory.callers) await replaceAll(db.callers, directory.callers.map(callerRow))
        if (directory.templates) await replaceAll(db.templates, directory.templates)
        if (directory.policy) await putMeta(META.policy, directory.policy)
      })
      // Tickets already projected keep the targets they were folded with until they next change.
      if (directory.policy) policy = directory.policy
    },

    teams: () => db.teams.toArray(),
    routingGuidance: () => db.routingGuidance.toArray(),
    users: () => db.users.toArray(),
    templates: () => db.templates.toArray(),
    priorityPolicy: () => policy,

    async findCallers(query, limit = 20) {
      const bounded = Math.min(Math.max(limit, 0), MAX_WINDOW)
      const trimmed = query.trim()
      if (bounded === 0 || trimmed === '') return []
      const plan = planSearch(trimmed)
      if (plan.kind === 'phone') {
        const rows = await db.callers
          .where('phoneDigits')
          .startsWith(plan.digits)
          .limit(bounded)
          .toArray()
        return rows.map(callerOfRow)
      }
      const words = queryWords(trimmed)
      if (words.length === 0) return []
      const [byUsername, byName] = await Promise.all([
        words.length === 1
          ? db.callers.where('usernameKey').startsWith(words[0]!).limit(bounded).toArray()
          : Promise.resolve([]),
        db.callers
          .where('nameWords')
          .startsWith(longest(words))
          .distinct()
          .filter((row) => prefixesAll(row.nameWords, words))
          .limit(bounded)
          .toArray(),
      ])
      const unique = new Map([...byUsername, ...byName].map((row) => [row.id, row]))
      return [...unique.values()].slice(0, bounded).map(callerOfRow)
    },

    async saveDraft(key, value) {
      await db.meta.put({ key: DRAFT_PREFIX + key, value: { value, savedAt: now() } })
    },

    async loadDraft<T>(key: string) {
      return getMeta<Draft<T>>(DRAFT_PREFIX + key)
    },

    async clearDraft(key) {
      await db.meta.delete(DRAFT_PREFIX + key)
    },

    async listDrafts() {
      const rows = await db.meta.where('key').startsWith(DRAFT_PREFIX).toArray()
      return rows.map((row) => ({
        key: row.key.slice(DRAFT_PREFIX.length),
        savedAt: (row.value as Draft<unknown>).savedAt,
      }))
    },

    onTicketsChanged(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  return store
}

function isTicket(ticket: Ticket | null): ticket is Ticket {
  return ticket !== null
}

function groupByTicket(events: readonly TicketEvent[]): Map<string, TicketEvent[]> {
  const groups = new Map<string, TicketEvent[]>()
  for (const event of events) {
    const group = groups.get(event.ticketId)
    if (group) group.push(event)
    else groups.set(event.ticketId, [event])
  }
  return groups
}

function latestHlcPerStation(events: readonly TicketEvent[]): string[] {
  const latest = new Map<string, string>()
  for (const event of events) {
    const seen = latest.get(event.station)
    if (seen === undefined || event.hlc > seen) latest.set(event.station, event.hlc)
  }
  return [...latest.values()]
}

function longest(words: readonly string[]): string {
  return words.reduce((a, b) => (b.length > a.length ? b : a))
}

async function replaceAll<T>(table: Table<T, string>, rows: readonly T[]): Promise<void> {
  await table.clear()
  await table.bulkPut([...rows])
}
