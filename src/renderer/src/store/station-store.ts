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
import {
  DEFAULT_MAJOR_INCIDENT_SETTINGS,
  type CallTemplate,
  type CallerRecord,
  type MajorIncidentSettings,
  type RoutingGuidance,
  type Team,
  type User,
} from '../../../shared/directory'
import { uuidv7 } from '../../../shared/ids'
import { compareEvents, parseTicketEvent, type TicketEvent } from '../../../shared/incident/events'
import { applyEvent, canApplyInOrder, foldTicket } from '../../../shared/incident/fold'
import { concernsRedaction, redactedForms, redactionKey } from '../../../shared/incident/redaction'
import { DEFAULT_PRIORITY_POLICY, type PriorityPolicy } from '../../../shared/incident/priority'
import type { CommandResult, RuleError } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { formatTicketNumber, renumberedOpening } from '../../../shared/incident/ticket-number'
import type { Priority, TicketState } from '../../../shared/incident/vocabulary'
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
import { NoNumberHeld, NumberPool, type NumberAuthority } from './ticket-numbers'

export interface StationStoreOptions extends StationDbOptions {
  /** Wall clock in ms, for the hybrid logical clock and draft times. */
  now?: () => number
  /** Where this window's ticket numbers come from: the station's main process. */
  numbers: NumberAuthority
}

/** What a command gets from the store while its transaction is open. */
export interface RecordContext {
  /** The station's next hybrid logical clock value; persisted with the events. */
  nextHlc(): string
  /**
   * The station's next ticket number (station code + sequence), from the block this window holds
   * from main. A number written with the command's events is never handed out again; one taken by
   * a refused command goes back to the block.
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
  /**
   * Openings recorded (pending) in place of openings refused with `number_taken`: the same ticket
   * under a fresh number, the refused one kept as an alias. To be handed to main like any write.
   */
  renumbered: TicketEvent[]
}

/** What `replaceDirectory` takes: the server's directory snapshot, any part of it. */
export interface DirectoryData {
  teams: readonly Team[]
  routingGuidance: readonly RoutingGuidance[]
  users?: readonly User[]
  callers?: readonly CallerRecord[]
  templates?: readonly CallTemplate[]
  policy?: PriorityPolicy
  majorIncidents?: MajorIncidentSettings
}

/** A ticket's place in the queue: its `[state+priority+updatedAt]` index key. */
export type QueueKey = [state: TicketState, priority: Priority, updatedAt: number]

export interface QueueWindow {
  /** The key of the last ticket of the previous window; absent for the first window. */
  after?: QueueKey
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
  /**
   * Highest sequence this profile used per station code. Main hands the numbers out; this only
   * goes with each reservation as its floor, so main never trails what a profile already used.
   */
  lastSequence: Record<string, number>
}

/** The numbers one `record` call took, kept across the runs of its command. */
interface TakenNumbers {
  stationCode: string | null
  sequences: number[]
}

const META = {
  station: 'station',
  clock: 'hlc',
  cursor: 'cursor',
  policy: 'policy',
  majorIncidents: 'majorIncidents',
  pendingCount: PENDING_COUNT_KEY,
} as const
const DRAFT_PREFIX = 'draft:'

const WORKING_STATES: readonly TicketState[] = ['open', 'on_hold']
const MAX_WINDOW = 1000
/** `searchTokens` keeps at most this many tokens per ticket. */
const MAX_TOKENS = 24
/**
 * How many matches of one search word are listed (primary keys only, cheap) before the word
 * counts as too common to list; and how many rows a search reads to check such words.
 */
export const MAX_CANDIDATES = 2000
const MAX_ROWS_CHECKED = 500

export interface StationStore {
  readonly name: string
  close(): void

  // Station identity and clock
  setStationCode(code: string): Promise<void>
  stationCode(): Promise<string | null>
  nextHlc(): Promise<string>
  observeRemoteHlc(hlc: string): Promise<ClockWarning | undefined>
  /** Main raised the station's number counter to `highest`: numbers held up to it are dropped. */
  numbersRaised(stationCode: string, highest: number): void

  // Writes
  /**
   * Runs a command of rules.ts with this station's clock and ticket sequence and writes its
   * events (pending) and their projection in one transaction. The command must be synchronous:
   * it runs inside the transaction, and may run twice if another window wrote meanwhile.
   */
  record(command: (ctx: RecordContext) => CommandResult): Promise<RecordResult>
  /** Events made elsewhere (already validated, e.g. by rules.ts): idempotent on event id. */
  recordEvents(
    events: readonly TicketEvent[],
  ): Promise<{ recorded: TicketEvent[]; tickets: Ticket[] }>
  applyPushResults(results: readonly PushResult[]): Promise<PushResultsOutcome>
  applyRemotePage(page: RemotePage): Promise<RemotePageResult>

  // Reads
  getTicket(id: string): Promise<Ticket | undefined>
  ticketByNumber(number: string): Promise<Ticket | undefined>
  /**
   * A ticket number (exact first, then the numbers it begins), a phone prefix (digits, however
   * typed; newest first), or words each starting a caller name, username or title word.
   */
  search(query: string, limit?: number): Promise<Ticket[]>
  /** Every event held for the ticket, in fold order, with its sync state (rejected ones too). */
  ticketEvents(ticketId: string): Promise<StoredEvent[]>
  /**
   * A window of the tickets in `state`: P1 first, then the longest untouched first, starting
   * after `window.after`. Tickets sharing the last key are never split across two windows, so a
   * window may hold a few more than `limit`; only an empty window means the end.
   */
  queueWindow(state: TicketState, window: QueueWindow): Promise<Ticket[]>
  /**
   * Open and on-hold tickets of `service` received at or after `sinceMs`, newest first: the
   * same-service part of the possible-duplicate check at intake.
   */
  openTicketsForService(service: string, sinceMs: number, limit?: number): Promise<Ticket[]>
  /** Working (open, on hold) tickets unless `states` says otherwise; longest untouched first. */
  ticketsByTeam(
    teamId: string,
    options?: { states?: readonly TicketState[]; limit?: number },
  ): Promise<Ticket[]>
  /** The same for the tickets an agent owns (took the call for), wherever they are assigned. */
  ticketsByOwner(
    owner: string,
    options?: { states?: readonly TicketState[]; limit?: number },
  ): Promise<Ticket[]>
  /** Events the server has not answered for, oldest first (UUIDv7 ids sort by time). */
  pendingEvents(limit: number): Promise<TicketEvent[]>
  /** A counter kept with every write, not a count over the events table. */
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
  /** Rule 10: the outage radar's threshold and who hierarchical escalation reaches. */
  majorIncidentSettings(): Promise<MajorIncidentSettings>
  findCallers(query: string, limit?: number): Promise<CallerRecord[]>

  // Drafts: what the agent is typing, saved as they type
  saveDraft<T>(key: string, value: T): Promise<void>
  loadDraft<T>(key: string): Promise<Draft<T> | undefined>
  clearDraft(key: string): Promise<void>
  listDrafts(): Promise<{ key: string; savedAt: number }[]>

  // Change feed: after each committed write of this store instance, the tickets it changed (so an
  // in-memory queue stays current without re-reading). Returns the unsubscribe function.
  onTicketsChanged(listener: (change: TicketsChange) => void): () => void
}

/**
 * Opens (creating or upgrading) the station database `name` and returns its repository.
 */
export async function createStationStore(
  name: string,
  options: StationStoreOptions,
): Promise<StationStore> {
  const db = new StationDb(name, options)
  await db.open()
  const now = options.now ?? Date.now
  const numbers = new NumberPool(
    options.numbers,
    async (code) => (await getMeta<StationMeta>(META.station))?.lastSequence[code] ?? 0,
  )
  const listeners = new Set<(change: TicketsChange) => void>()
  let policy =
    ((await db.meta.get(META.policy))?.value as PriorityPolicy | undefined) ??
    DEFAULT_PRIORITY_POLICY

  const writeTables = [db.events, db.tickets, db.meta]

  // ---------------------------------------------------------------------------------------------
  // Inside a transaction
  //
  // Each IndexedDB request costs a round trip to the browser's storage process, so a write reads
  // what it needs in one parallel step, computes, and issues all its writes together: recording
  // one event is two steps (reads; writes), not a dozen sequential requests.

  async function readMeta(keys: readonly string[]): Promise<Map<string, unknown>> {
    const rows = await db.meta.bulkGet([...keys])
    return new Map(rows.flatMap((row) => (row ? [[row.key, row.value] as const] : [])))
  }

  async function getMeta<T>(key: string): Promise<T | undefined> {
    return (await db.meta.get(key))?.value as T | undefined
  }

  async function putMeta(key: string, value: unknown): Promise<void> {
    await db.meta.put({ key, value })
  }

  async function ticketRows(
    ticketIds: readonly string[],
  ): Promise<Map<string, TicketRow | undefined>> {
    const rows = await db.tickets.bulkGet([...ticketIds])
    return new Map(ticketIds.map((id, i) => [id, rows[i]]))
  }

  async function heldEvents(ticketId: string): Promise<StoredEvent[]> {
    return db.events
      .where('[ticketId+hlc]')
      .between([ticketId, Dexie.minKey], [ticketId, Dexie.maxKey])
      .toArray()
  }

  type Projected = Map<string, Ticket | null>

  /** What one write changes; `commit` turns it into requests. */
  interface Changes {
    /** Events new to the store. */
    add: StoredEvent[]
    /** Events held already whose sync state changed. */
    put: StoredEvent[]
    meta: Map<string, unknown>
    /** Tickets to bring up to date: the events new to each (none: re-fold from the store). */
    project: Map<string, TicketEvent[]>
  }

  const noChanges = (): Changes => ({ add: [], put: [], meta: new Map(), project: new Map() })

  /**
   * Writes `changes` and the projection they lead to. In-order events are applied to the stored
   * ticket; anything else re-folds the ticket from everything held, which is also how events
   * that waited for their opening join the ticket. `rows` are the stored tickets already read;
   * `unheld` tickets had no events in the store before this write, so their fold reads nothing.
   */
  async function commit(
    changes: Changes,
    rows: Map<string, TicketRow | undefined>,
    out: Projected,
    unheld: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    const unread = [...changes.project.keys()].filter((id) => !rows.has(id))
    if (unread.length > 0) for (const [id, row] of await ticketRows(unread)) rows.set(id, row)

    const writes: Promise<unknown>[] = []
    const issue = (request: Promise<unknown>) => {
      // Awaited below; handled here too so an abort while the re-fold reads is reported once.
      request.catch(() => undefined)
      writes.push(request)
    }
    if (changes.add.length > 0) issue(db.events.bulkAdd(changes.add))
    if (changes.put.length > 0) issue(db.events.bulkPut(changes.put))
    if (changes.meta.size > 0) {
      issue(db.meta.bulkPut([...changes.meta].map(([key, value]) => ({ key, value }))))
    }

    const puts: TicketRow[] = []
    const removals: string[] = []
    const refold: string[] = []
    for (const [id, added] of changes.project) {
      const row = rows.get(id)
      const current = row ? ticketOfRow(row) : null
      const sorted = [...added].sort(compareEvents)
      if (sorted.length > 0 && canApplyInOrder(current, sorted[0]!)) {
        // applyEvent returns null only when there is no ticket yet.
        const next = sorted.reduce((ticket, event) => applyEvent(ticket, event, policy)!, current)
        puts.push(ticketRow(next))
        out.set(id, next)
      } else refold.push(id)
    }
    if (refold.length > 0) {
      // The events of this write take precedence over what the store returns for them: the
      // store may answer from before the write (request order is the only guarantee here).
      const written = groupByTicket([...changes.add, ...changes.put])
      const held = await Promise.all(refold.map((id) => (unheld.has(id) ? [] : heldEvents(id))))
      for (const [i, id] of refold.entries()) {
        const mine = written.get(id) ?? []
        const byId = new Map([...held[i]!, ...mine].map((event) => [event.id, event]))
        const foldable = [...byId.values()].filter((event) => event.syncState !== 'rejected')
        const next = foldTicket(foldable.map(eventOfRow), policy)
        if (next) {
          puts.push(ticketRow(next))
          out.set(id, next)
        } else if (rows.get(id)) {
          removals.push(id)
          out.set(id, null)
        }
      }
    }
    if (puts.length > 0) issue(db.tickets.bulkPut(puts))
    if (removals.length > 0) issue(db.tickets.bulkDelete(removals))
    await Promise.all(writes)
    for (const row of puts) rememberRow(row)
    for (const id of removals) recentRows.delete(id)
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

  /** What a local write reads about its events and tickets, in one parallel step. */
  interface LocalReads {
    existing: (StoredEvent | undefined)[]
    rows: Map<string, TicketRow | undefined>
    /** Tickets of which the store holds no event: a new ticket's fold has nothing to read. */
    unheld: Set<string>
  }

  async function readForLocal(events: readonly TicketEvent[]): Promise<LocalReads> {
    const ticketIds = [...new Set(events.map((event) => event.ticketId))]
    const [existing, rows, unheld] = await Promise.all([
      db.events.bulkGet(events.map((event) => event.id)),
      ticketRows(ticketIds),
      unheldTickets(ticketIds),
    ])
    return { existing, rows, unheld }
  }

  async function unheldTickets(ticketIds: readonly string[]): Promise<Set<string>> {
    // Keys only, at most one per ticket.
    const held = await Promise.all(
      ticketIds.map((id) =>
        db.events
          .where('[ticketId+hlc]')
          .between([id, Dexie.minKey], [id, Dexie.maxKey])
          .limit(1)
          .primaryKeys(),
      ),
    )
    return new Set(ticketIds.filter((_, i) => held[i]!.length === 0))
  }

  /**
   * Rule 11: the events this write adds, and the held events of the notes they concern, in their
   * redacted form (shared/incident/redaction.ts). The text a redaction removed thus leaves this
   * station's log, projection and history in the transaction that brings the redaction — recorded
   * here or pulled — and a note that arrives after its redaction is stored redacted.
   */
  async function redactHeld(changes: Changes): Promise<void> {
    if (!concernsRedaction(changes.add)) return
    const ticketIds = new Set(
      changes.add.filter((e) => redactionKey(e) !== null).map((e) => e.ticketId),
    )
    const held = (await Promise.all([...ticketIds].map(heldEvents))).flat()
    const adding = new Set(changes.add.map((event) => event.id))
    const putting = new Map(changes.put.map((event) => [event.id, event]))
    const current = held
      .filter((row) => !adding.has(row.id))
      .map((row) => putting.get(row.id) ?? row)
    const forms = redactedForms([...current, ...changes.add].map(eventOfRow))
    if (forms.size === 0) return
    const redacted = (row: StoredEvent): StoredEvent => {
      const form = forms.get(row.id)
      if (!form) return row
      const { syncState, seq, rejection } = row
      return {
        ...form,
        syncState,
        ...(seq !== undefined ? { seq } : {}),
        ...(rejection ? { rejection } : {}),
      }
    }
    changes.add = changes.add.map(redacted)
    changes.put = [
      ...changes.put.map(redacted),
      ...current.filter((row) => forms.has(row.id) && !putting.has(row.id)).map(redacted),
    ]
    for (const [ticketId, events] of changes.project)
      changes.project.set(
        ticketId,
        events.map((event) => forms.get(event.id) ?? event),
      )
  }

  /** Local events (deduplicated by id), the new ones as pending, with the counter moved. */
  async function recordLocal(
    events: readonly TicketEvent[],
    pending: number,
    reads: LocalReads,
    changes: Changes,
    out: Projected,
  ): Promise<TicketEvent[]> {
    const fresh = events.filter((_, i) => reads.existing[i] === undefined)
    if (fresh.length > 0) {
      changes.add.push(...fresh.map((event): StoredEvent => ({ ...event, syncState: 'pending' })))
      changes.meta.set(META.pendingCount, pending + fresh.length)
      for (const [ticketId, added] of groupByTicket(fresh)) changes.project.set(ticketId, added)
    }
    await redactHeld(changes)
    await commit(changes, reads.rows, out, reads.unheld)
    return fresh
  }

  /**
   * Runs a command on the station identity and clock in `meta`. Returns the command's result and
   * the meta rows to write if it is carried out (the advanced clock, the highest number used).
   * Ticket numbers come from `taken` first: a command run again (another window wrote meanwhile)
   * gets the numbers it took the first time.
   */
  function runCommand(
    command: (ctx: RecordContext) => CommandResult,
    meta: ReadonlyMap<string, unknown>,
    taken: TakenNumbers,
  ): { result: CommandResult; writes: Map<string, unknown> } {
    const station = requireStation(stationOf(meta))
    if (taken.stationCode !== station.code) {
      taken.stationCode = station.code
      taken.sequences = []
    }
    const clockBefore = clockOf(meta, station)
    let clock = clockBefore
    let used = 0
    const result = command({
      nextHlc: () => {
        clock = tick(clock, now())
        return formatHlc(clock)
      },
      nextTicketNumber: () => {
        if (used === taken.sequences.length) {
          const sequence = numbers.take(station.code)
          if (sequence === null) throw new NoNumberHeld(station.code)
          taken.sequences.push(sequence)
        }
        return formatTicketNumber(station.code, taken.sequences[used++]!)
      },
    })
    const writes = new Map<string, unknown>()
    if (clock !== clockBefore) writes.set(META.clock, clock)
    const usedUpTo = usedSequence(station, taken.sequences.slice(0, used))
    if (usedUpTo) writes.set(META.station, usedUpTo)
    return { result, writes }
  }

  /** The station row with `sequences` counted as used; null when it already covers them. */
  function usedSequence(station: StationMeta, sequences: readonly number[]): StationMeta | null {
    const before = station.lastSequence[station.code] ?? 0
    const highest = Math.max(before, ...sequences)
    return highest === before
      ? null
      : { ...station, lastSequence: { ...station.lastSequence, [station.code]: highest } }
  }

  /**
   * What this store instance last saw of the rows a local write reads: the station, its clock
   * and the pending counter, and the tickets it recently read or wrote. With them a command is
   * carried out in one round trip (see `recordOptimistically`); they are a guess, always checked
   * against the store inside the write, never trusted.
   */
  const VIEW_KEYS = [META.station, META.clock, META.pendingCount] as const
  let lastMeta: Map<string, unknown> = new Map()
  const recentRows = new Map<string, TicketRow>()
  const RECENT_ROWS = 500

  /** Takes in meta values as they are once the current write commits. */
  function remember(meta: ReadonlyMap<string, unknown>): void {
    const next = new Map(lastMeta)
    for (const key of VIEW_KEYS) if (meta.has(key)) next.set(key, meta.get(key))
    lastMeta = next
  }

  function rememberRow(row: TicketRow): void {
    recentRows.delete(row.id)
    recentRows.set(row.id, row)
    if (recentRows.size > RECENT_ROWS) recentRows.delete(recentRows.keys().next().value!)
  }

  const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

  /** A command's writes, computed from the remembered view; null when the view does not cover it. */
  function planFromView(attempt: {
    result: CommandResult & { ok: true }
    writes: Map<string, unknown>
  }): {
    events: TicketEvent[]
    expected: Map<string, TicketRow | undefined>
    next: Map<string, Ticket>
  } | null {
    const events = uniqueById(attempt.result.events)
    const expected = new Map<string, TicketRow | undefined>()
    const next = new Map<string, Ticket>()
    for (const [ticketId, group] of groupByTicket(events)) {
      const sorted = [...group].sort(compareEvents)
      const cached = recentRows.get(ticketId)
      if (cached) {
        const current = ticketOfRow(cached)
        if (!canApplyInOrder(current, sorted[0]!)) return null
        // applyEvent returns null only when there is no ticket yet.
        next.set(
          ticketId,
          sorted.reduce((t, event) => applyEvent(t, event, policy)!, current),
        )
      } else if (sorted.some((event) => event.type === 'opened')) {
        // A new ticket: expected absent, with nothing held for it.
        const opened = foldTicket(sorted, policy)
        if (!opened) return null
        next.set(ticketId, opened)
      } else return null
      expected.set(ticketId, cached)
    }
    return { events, expected, next }
  }

  /** Thrown inside a write whose remembered view turned out stale: the write is rolled back. */
  class StaleView extends Error {}

  /**
   * Carries out a command on the remembered view in one round trip: the checking reads and all
   * writes are issued together (requests in a transaction run in order, so the reads see the
   * store as it was before the writes). If the reads differ from the view, the transaction is
   * aborted and nothing is written. Returns null when the view does not cover the command or
   * was stale; the caller then does the careful write.
   */
  async function recordOptimistically(
    command: (ctx: RecordContext) => CommandResult,
    taken: TakenNumbers,
  ): Promise<RecordResult | null> {
    if (!lastMeta.has(META.station)) return null
    const known = lastMeta
    let attempt: ReturnType<typeof runCommand>
    try {
      attempt = runCommand(command, known, taken)
    } catch (error) {
      if (error instanceof NoNumberHeld) throw error
      return null // the careful write runs it again and reports what is wrong
    }
    const { result, writes } = attempt
    // A refused command writes nothing; its refusal does not depend on the station's meta.
    if (!result.ok) return result
    // A redaction rewrites held events, which the view does not cover.
    if (result.events.some((event) => event.type === 'note_redacted')) return null
    const plan = planFromView({ result, writes })
    if (!plan) return null
    const ticketIds = [...plan.expected.keys()]
    const fresh = [...plan.expected].filter(([, row]) => row === undefined).map(([id]) => id)
    const metaWrites = new Map(writes)
    metaWrites.set(META.pendingCount, pendingOf(known) + plan.events.length)
    const rows = [...plan.next.values()].map(ticketRow)
    try {
      return await write(async (out): Promise<RecordResult> => {
        const reads = Promise.all([
          readMeta(VIEW_KEYS),
          db.events.bulkGet(plan.events.map((event) => event.id)),
          db.tickets.bulkGet(ticketIds),
          unheldTickets(fresh),
        ])
        const written = Promise.all([
          db.events.bulkAdd(
            plan.events.map((event): StoredEvent => ({ ...event, syncState: 'pending' })),
          ),
          db.tickets.bulkPut(rows),
          db.meta.bulkPut([...metaWrites].map(([key, value]) => ({ key, value }))),
        ])
        // Awaited below once the view is confirmed; handled here so an abort is reported once.
        written.catch(() => undefined)
        const [meta, existing, stored, unheld] = await reads
        const current =
          VIEW_KEYS.every((key) => sameValue(meta.get(key), known.get(key))) &&
          existing.every((event) => event === undefined) &&
          ticketIds.every((id, i) => sameValue(stored[i], plan.expected.get(id))) &&
          fresh.every((id) => unheld.has(id))
        if (!current) throw new StaleView()
        await written
        for (const row of rows) rememberRow(row)
        for (const [id, ticket] of plan.next) out.set(id, ticket)
        remember(metaWrites)
        return { ok: true, events: result.events, tickets: [...plan.next.values()] }
      })
    } catch {
      // A stale view, or a write the careful path will judge (and report) on its own.
      return null
    }
  }

  function stationOf(meta: ReadonlyMap<string, unknown>): StationMeta | undefined {
    return meta.get(META.station) as StationMeta | undefined
  }

  function pendingOf(meta: ReadonlyMap<string, unknown>): number {
    return (meta.get(META.pendingCount) as number | undefined) ?? 0
  }

  function requireStation(station: StationMeta | undefined): StationMeta {
    if (!station) {
      throw new StoreError(
        'not_enrolled',
        'This station is not enrolled yet: it has no station code.',
      )
    }
    return station
  }

  function clockOf(meta: ReadonlyMap<string, unknown>, station: StationMeta): HlcState {
    const stored = meta.get(META.clock) as HlcState | undefined
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

  /**
   * Tickets with a token starting with `prefix`, newest first within a token. A ticket appears
   * once per matching token, so a short read is topped up; at most MAX_TOKENS rows per ticket
   * bounds the loop.
   */
  async function byTokenPrefix(prefix: string, limit: number): Promise<TicketRow[]> {
    for (let fetch = limit; ; fetch *= 2) {
      const rows = await db.tickets
        .where('tokens')
        .startsWith(prefix)
        .reverse()
        .limit(fetch)
        .toArray()
      const unique = uniqueById(rows)
      if (unique.length >= limit || rows.length < fetch || fetch >= limit * MAX_TOKENS) {
        return unique.slice(0, limit)
      }
    }
  }

  /**
   * Tickets where every word starts a token. The primary keys of each word's matches (keys only,
   * up to MAX_CANDIDATES) are read in parallel; a list below the cap is complete, so the shortest
   * complete list drives and the other complete lists filter it without reading a row. Words
   * too common to list completely are checked on the rows read, up to MAX_ROWS_CHECKED: a query
   * made only of such words ("ma jo") shows the matches among its most recent candidates.
   */
  async function byAllWords(words: readonly string[], limit: number): Promise<TicketRow[]> {
    const lists = await Promise.all(
      words.map((word) =>
        db.tickets.where('tokens').startsWith(word).reverse().limit(MAX_CANDIDATES).primaryKeys(),
      ),
    )
    const complete = lists.map((keys) => keys.length < MAX_CANDIDATES)
    const driver = lists.reduce(
      (best, keys, i) => (keys.length < lists[best]!.length ? i : best),
      0,
    )
    const filters = lists.filter((_, i) => complete[i] && i !== driver).map((keys) => new Set(keys))
    const unchecked = words.filter((_, i) => !complete[i] && i !== driver)
    const candidates = [...new Set(lists[driver])].filter((id) =>
      filters.every((set) => set.has(id)),
    )
    const found: TicketRow[] = []
    const checked =
      unchecked.length > 0 ? Math.min(candidates.length, MAX_ROWS_CHECKED) : candidates.length
    // Batches grow: few round trips when matches are rare, little over-reading when they are not.
    for (let at = 0, batch = limit; at < checked && found.length < limit; at += batch, batch *= 3) {
      const rows = await db.tickets.bulkGet(candidates.slice(at, Math.min(at + batch, checked)))
      for (const row of rows) {
        if (row && prefixesAll(row.tokens, unchecked)) found.push(row)
      }
    }
    return found.slice(0, limit)
  }

  async function searchRows(query: string, limit: number): Promise<TicketRow[]> {
    const plan = planSearch(query)
    switch (plan.kind) {
      case 'none':
        return []
      case 'number': {
        const [exact, prefixed] = await Promise.all([
          db.tickets.where('number').equals(plan.number).first(),
          db.tickets.where('tokens').startsWith(plan.prefix).limit(limit).toArray(),
        ])
        return uniqueById(exact ? [exact, ...prefixed] : prefixed).slice(0, limit)
      }
      case 'phone':
        // Newest first: the caller on the line is most likely about their latest ticket.
        return db.tickets
          .where('callerPhone')
          .startsWith(plan.digits)
          .reverse()
          .limit(limit)
          .toArray()
      case 'words':
        return plan.rest.length === 0
          ? byTokenPrefix(plan.index, limit)
          : byAllWords([plan.index, ...plan.rest], limit)
    }
  }

  async function recordOnce(
    command: (ctx: RecordContext) => CommandResult,
    taken: TakenNumbers,
  ): Promise<RecordResult> {
    const quick = await recordOptimistically(command, taken)
    if (quick) return quick
    return write(async (out): Promise<RecordResult> => {
      const meta = await readMeta(VIEW_KEYS)
      const { result, writes } = runCommand(command, meta, taken)
      if (!result.ok) return result
      const events = uniqueById(result.events)
      const reads = await readForLocal(events)
      const changes = noChanges()
      for (const [key, value] of writes) changes.meta.set(key, value)
      await recordLocal(events, pendingOf(meta), reads, changes, out)
      remember(new Map([...meta, ...changes.meta]))
      return { ok: true, events: result.events, tickets: [...out.values()].filter(isTicket) }
    })
  }

  function applyPushResultsOnce(results: readonly PushResult[]): Promise<PushResultsOutcome> {
    return write(async (out) => {
      const outcome: PushResultsOutcome = { applied: 0, rejected: 0, unknown: [], renumbered: [] }
      const latest = new Map(results.map((result) => [result.id, result]))
      const ids = [...latest.keys()]
      const [rows, meta] = await Promise.all([
        db.events.bulkGet(ids),
        readMeta([META.pendingCount, META.station]),
      ])
      const changes = noChanges()
      const station = stationOf(meta)
      const sequences: number[] = []
      let pending = pendingOf(meta)
      for (const [i, id] of ids.entries()) {
        const row = rows[i]
        const result = latest.get(id)!
        if (!row) {
          outcome.unknown.push(id)
          continue
        }
        if (row.syncState === 'pending') pending -= 1
        if (result.status === 'rejected') {
          outcome.rejected += 1
          if (row.syncState !== 'rejected') changes.project.set(row.ticketId, [])
          const event = eventOfRow(row)
          changes.put.push({
            ...event,
            syncState: 'rejected',
            rejection: { code: result.code, reason: result.reason },
          })
          // Renumbered once, when the refusal first arrives; a repeat of it finds the row rejected.
          if (
            isNumberTaken(result) &&
            row.syncState !== 'rejected' &&
            event.type === 'opened' &&
            event.station === station?.code
          ) {
            const sequence = numbers.take(station.code)
            if (sequence === null) throw new NoNumberHeld(station.code)
            sequences.push(sequence)
            const replacement = renumberedOpening(
              event,
              formatTicketNumber(station.code, sequence),
              uuidv7(now()),
            )
            changes.add.push({ ...replacement, syncState: 'pending' })
            pending += 1
            outcome.renumbered.push(replacement)
          }
        } else {
          outcome.applied += 1
          if (row.syncState === 'rejected') changes.project.set(row.ticketId, [])
          changes.put.push({ ...eventOfRow(row), syncState: 'applied', seq: result.seq })
        }
      }
      if (pending !== pendingOf(meta)) changes.meta.set(META.pendingCount, Math.max(0, pending))
      const usedUpTo = station && usedSequence(station, sequences)
      if (usedUpTo) changes.meta.set(META.station, usedUpTo)
      await commit(changes, new Map(), out)
      remember(new Map([...meta, ...changes.meta]))
      return outcome
    })
  }

  /** Asks for this window's block ahead of the first call; a failure shows when a number is due. */
  function prefetchNumbers(code: string): void {
    numbers.ensure(code).catch(() => undefined)
  }

  // ---------------------------------------------------------------------------------------------
  // The repository

  const store: StationStore = {
    name,
    close: () => db.close(),

    async setStationCode(code) {
      formatTicketNumber(code, 1) // refuses what is not a station code
      await db.transaction('rw', db.meta, async () => {
        const meta = await readMeta([META.station, META.clock])
        const station: StationMeta = { code, lastSequence: stationOf(meta)?.lastSequence ?? {} }
        await putMeta(META.station, station)
        remember(new Map([...meta, [META.station, station]]))
      })
      prefetchNumbers(code)
    },

    async stationCode() {
      return (await getMeta<StationMeta>(META.station))?.code ?? null
    },

    numbersRaised(stationCode, highest) {
      numbers.raised(stationCode, highest)
    },

    async nextHlc() {
      return db.transaction('rw', db.meta, async () => {
        const meta = await readMeta([META.station, META.clock])
        const clock = tick(clockOf(meta, requireStation(stationOf(meta))), now())
        await putMeta(META.clock, clock)
        remember(new Map([...meta, [META.clock, clock]]))
        return formatHlc(clock)
      })
    },

    async observeRemoteHlc(hlc) {
      return db.transaction('rw', db.meta, async () => {
        const meta = await readMeta([META.station, META.clock])
        const merged = receive(clockOf(meta, requireStation(stationOf(meta))), hlc, now())
        await putMeta(META.clock, merged.clock)
        remember(new Map([...meta, [META.clock, merged.clock]]))
        return merged.warning
      })
    },

    async record(command) {
      const taken: TakenNumbers = { stationCode: null, sequences: [] }
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await recordOnce(command, taken)
          // A refused command wrote nothing, and the numbers it took are free again.
          if (!result.ok && taken.stationCode) numbers.giveBack(taken.stationCode, taken.sequences)
          return result
        } catch (error) {
          // Only when the block ran dry: the wait for main's next block, a local round trip.
          if (!(error instanceof NoNumberHeld) || attempt >= 3) throw error
          await numbers.ensure(error.stationCode)
        }
      }
    },

    async recordEvents(events) {
      return write(async (out) => {
        const unique = uniqueById(events)
        const [meta, reads] = await Promise.all([
          readMeta([META.pendingCount]),
          readForLocal(unique),
        ])
        const changes = noChanges()
        const recorded = await recordLocal(unique, pendingOf(meta), reads, changes, out)
        remember(new Map([...meta, ...changes.meta]))
        return { recorded, tickets: [...out.values()].filter(isTicket) }
      })
    },

    async applyPushResults(results) {
      const taken = results.filter(isNumberTaken)
      for (let attempt = 1; ; attempt++) {
        if (taken.length > 0) {
          // The fresh numbers are held before the transaction, which cannot wait for main.
          const code = await store.stationCode()
          const above = Math.max(0, ...taken.map((result) => result.highestSequence ?? 0))
          if (code) await numbers.ensure(code, taken.length, above)
        }
        try {
          return await applyPushResultsOnce(results)
        } catch (error) {
          // Another write of this window took the numbers meanwhile: hold more and go again.
          if (!(error instanceof NoNumberHeld) || attempt >= 3) throw error
        }
      }
    },

    async applyRemotePage(page) {
      const skipped: RemotePageResult['skipped'] = []
      const parsed = new Map<string, { seq: number; event: TicketEvent }>()
      for (const { seq, event } of page.events) {
        const result = parseTicketEvent(event)
        if (result.ok) parsed.set(result.event.id, { seq, event: result.event })
        else skipped.push({ seq, code: result.code, message: result.message })
      }
      const incoming = [...parsed.values()]
      return write(async (out): Promise<RemotePageResult> => {
        const ticketIds = [...new Set(incoming.map(({ event }) => event.ticketId))]
        const [held, meta, rows] = await Promise.all([
          db.events.bulkGet(incoming.map(({ event }) => event.id)),
          readMeta([META.station, META.clock, META.cursor, META.pendingCount]),
          ticketRows(ticketIds),
        ])
        const changes = noChanges()
        const added: TicketEvent[] = []
        const refold = new Set<string>()
        let confirmed = 0
        for (const [i, { seq, event }] of incoming.entries()) {
          const row = held[i]
          if (!row) {
            added.push(event)
            changes.add.push({ ...event, syncState: 'applied', seq })
          } else if (row.syncState !== 'applied' || row.seq !== seq) {
            if (row.syncState === 'pending') confirmed += 1
            // The server holds it, so every replica folds it, whatever this station was told.
            if (row.syncState === 'rejected') refold.add(row.ticketId)
            changes.put.push({ ...eventOfRow(row), syncState: 'applied', seq })
          }
        }
        for (const [ticketId, events] of groupByTicket(added)) changes.project.set(ticketId, events)
        for (const ticketId of refold) changes.project.set(ticketId, [])
        if (confirmed > 0)
          changes.meta.set(META.pendingCount, Math.max(0, pendingOf(meta) - confirmed))

        const clockWarnings: ClockWarning[] = []
        const station = stationOf(meta)
        if (station && incoming.length > 0) {
          // Merging the latest clock of each station is enough to order later local events after
          // all of them, and yields one warning per faulty station instead of one per event.
          let clock = clockOf(meta, station)
          const wallNow = now()
          for (const hlc of latestHlcPerStation(incoming.map(({ event }) => event))) {
            const merged = receive(clock, hlc, wallNow)
            clock = merged.clock
            if (merged.warning) clockWarnings.push(merged.warning)
          }
          changes.meta.set(META.clock, clock)
        }
        const cursor = Math.max((meta.get(META.cursor) as number | undefined) ?? 0, page.next)
        changes.meta.set(META.cursor, cursor)

        await redactHeld(changes)
        await commit(changes, rows, out)
        remember(new Map([...meta, ...changes.meta]))
        return { added: added.length, confirmed, skipped, clockWarnings, cursor }
      })
    },

    async getTicket(id) {
      const row = await db.tickets.get(id)
      if (!row) return undefined
      rememberRow(row)
      return ticketOfRow(row)
    },

    async ticketByNumber(number) {
      const plan = planSearch(number)
      if (plan.kind !== 'number') return undefined
      // A number the ticket had before it was renumbered is one of its tokens.
      const row =
        (await db.tickets.where('number').equals(plan.number).first()) ??
        (await db.tickets.where('tokens').equals(plan.prefix).first())
      if (!row) return undefined
      rememberRow(row)
      return ticketOfRow(row)
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
      if (limit === 0) return []
      const index = '[state+priority+updatedAt]'
      const after = window.after
      // A key range, not an offset: IndexedDB serves an offset by walking the rows before it.
      const rows = await db.tickets
        .where(index)
        .between(
          after ? [state, after[1], after[2]] : [state, Dexie.minKey, Dexie.minKey],
          [state, Dexie.maxKey, Dexie.maxKey],
          !after,
          true,
        )
        .limit(limit)
        .toArray()
      const last = rows[rows.length - 1]
      if (rows.length === limit && last) {
        // The next window starts after this key, so tickets sharing it must all come now. The
        // index orders them by id, so the ones read are a prefix of these.
        const tied = await db.tickets
          .where(index)
          .equals([state, last.priority, last.updatedAt])
          .toArray()
        const read = new Set(rows.map((row) => row.id))
        rows.push(...tied.filter((row) => !read.has(row.id)))
      }
      return rowsToTickets(rows)
    },

    async openTicketsForService(service, sinceMs, limit = 50) {
      const bounded = Math.min(Math.max(limit, 0), MAX_WINDOW)
      if (bounded === 0 || service === '') return []
      const perState = await Promise.all(
        WORKING_STATES.map((state) =>
          db.tickets
            .where('[service+state+receivedAt]')
            .between([service, state, sinceMs], [service, state, Dexie.maxKey])
            .reverse()
            .limit(bounded)
            .toArray(),
        ),
      )
      const rows = perState.flat().sort((a, b) => b.receivedAt - a.receivedAt)
      return rowsToTickets(rows.slice(0, bounded))
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
        if (directory.majorIncidents) await putMeta(META.majorIncidents, directory.majorIncidents)
      })
      // Tickets already projected keep the targets they were folded with until they next change.
      if (directory.policy) policy = directory.policy
    },

    teams: () => db.teams.toArray(),
    routingGuidance: () => db.routingGuidance.toArray(),
    users: () => db.users.toArray(),
    templates: () => db.templates.toArray(),
    priorityPolicy: () => policy,
    majorIncidentSettings: async () =>
      (await getMeta<MajorIncidentSettings>(META.majorIncidents)) ??
      DEFAULT_MAJOR_INCIDENT_SETTINGS,

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
  const known = await getMeta<StationMeta>(META.station)
  if (known) prefetchNumbers(known.code)
  return store
}

function isNumberTaken(
  result: PushResult,
): result is Extract<PushResult, { status: 'rejected' }> & { code: 'number_taken' } {
  return result.status === 'rejected' && result.code === 'number_taken'
}

function uniqueById<R extends { id: string }>(rows: readonly R[]): R[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()]
}

function isTicket(ticket: Ticket | null): ticket is Ticket {
  return ticket !== null
}

function groupByTicket<E extends { ticketId: string }>(events: readonly E[]): Map<string, E[]> {
  const groups = new Map<string, E[]>()
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
