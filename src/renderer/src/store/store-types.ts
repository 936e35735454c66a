/**
 * The station store's public face: the `StationStore` interface the UI works through and the
 * types it speaks in. The store itself is assembled in station-store.ts from one module per seam
 * (write path, sync writes, search, queue windows, directory, drafts).
 */
import type {
  CallTemplate,
  CallerRecord,
  MajorIncidentSettings,
  RoutingGuidance,
  Team,
  User,
} from '../../../shared/directory'
import type { TicketEvent } from '../../../shared/incident/events'
import type { PriorityPolicy } from '../../../shared/incident/priority'
import type { CommandResult, RuleError } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import type { Priority, TicketState } from '../../../shared/incident/vocabulary'
import type { ClockWarning } from '../../../shared/sync/hlc'
import type { PushResult, SnapshotResponse } from '../../../shared/sync/wire'
import type { StationDbOptions, StoredEvent } from './db'
import type { NumberAuthority } from './ticket-numbers'

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
  /**
   * The seq the page follows, when it is a commit off the live stream rather than a pull from
   * this store's cursor: applied only if the cursor has reached it (else `gap` says to pull).
   */
  after?: number
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
  /** The page follows a seq beyond the cursor: nothing was applied; pull to fill the gap. */
  gap?: true
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

export interface BootstrapState {
  /**
   * Open tickets first (the station is not usable before they are in), their search words, then
   * every ticket, then the search words of all of them. Pages are written without their words:
   * a ticket row with its indexes is one IndexedDB request, its words a dozen more.
   */
  phase: 'open' | 'openWords' | 'history' | 'words' | 'done'
  /**
   * The last ticket id done in this phase: of the server's pages (open, history), or of the
   * store's own tickets, in id order (openWords, words).
   */
  after: string | null
  /** History: tickets the server sent so far, and how many it counted. */
  loaded: number
  total: number
  /** Words phases: tickets whose search words are written so far. */
  searchable?: number
}

export interface WordsWrite {
  /** The last ticket id whose words are written; null: from the first. */
  after: string | null
  /** Tickets in this transaction. */
  limit: number
  /** The bootstrap's state once these are in: `last` null when no ticket was left. */
  stateAfter(last: string | null, count: number): BootstrapState
}

export interface SnapshotWrite {
  page: Pick<SnapshotResponse, 'tickets' | 'position'>
  /** The bootstrap's state once this page is in; absent for a refetch of stale tickets. */
  state?: BootstrapState
  /** The first page of a new station: the pull cursor starts at its position. */
  first?: boolean
  /** Ids asked for again: no longer stale once this page is in, whether the server had them or not. */
  refetched?: readonly string[]
}

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
  /**
   * `record`, with the outcome known before the commit: `preview` is what the command gives on
   * the store's remembered view, computed at once, with the ticket numbers the commit will use
   * (null when the view cannot tell; then only `committed` does). The events and tickets are the
   * ones `committed` brings unless another write got in between; the numbers are always the same.
   * `startAfter`: the commit starts once it settles (the intake lets the frame showing the number
   * out first), the command having run and taken its numbers at once all the same.
   */
  recordAhead(
    command: (ctx: RecordContext) => CommandResult,
    startAfter?: Promise<void>,
  ): {
    preview: RecordResult | null
    committed: Promise<RecordResult>
  }
  /** Events made elsewhere (already validated, e.g. by rules.ts): idempotent on event id. */
  recordEvents(
    events: readonly TicketEvent[],
  ): Promise<{ recorded: TicketEvent[]; tickets: Ticket[] }>
  applyPushResults(results: readonly PushResult[]): Promise<PushResultsOutcome>
  applyRemotePage(page: RemotePage): Promise<RemotePageResult>
  /** A new station's bootstrap from the server's snapshot (bootstrap-writes.ts); null: none. */
  bootstrapState(): Promise<BootstrapState | null>
  /** Adopted tickets this store cannot bring up to date itself: to be asked of the server again. */
  staleTickets(): Promise<string[]>
  /** Writes a page of the server's projections; returns how many tickets were taken. */
  adoptSnapshot(write: SnapshotWrite): Promise<number>
  /** Writes the search words of the next tickets in id order, with the bootstrap's state. */
  writeSearchWords(write: WordsWrite): Promise<BootstrapState>

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
