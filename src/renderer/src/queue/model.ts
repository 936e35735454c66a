/**
 * The supervisors' queue as a pure, framework-free model (issue 6).
 *
 * `QueueModel` holds every ticket the floor is working on in memory, keyed by id: loaded once in
 * windows at start, then kept current from the store's change feed — never re-read whole from
 * IndexedDB (PERFORMANCE-NOTES.md: 10k open tickets take ~800 ms to read, a frame is 16 ms).
 * It holds the open tickets plus those touched since `retainSince` (the start of the desk's day),
 * so today's metrics and QA review see tickets resolved today as well.
 *
 * A `QueueView` is one query (filters and sort) over the open tickets: computed once in full, then
 * patched per change by binary search (O(log n) to find, one splice to move), so a live update
 * with 10,000 rows costs far less than a frame. Time only matters to the SLA and aging filters; a
 * view says until when it stays exact (`validUntil`), and is recomputed only after that.
 */
import { normalizeSearchText } from '../../../shared/incident/search'
import type { Ticket } from '../../../shared/incident/ticket'
import { parseTicketNumber } from '../../../shared/incident/ticket-number'
import type { Priority } from '../../../shared/incident/vocabulary'
import {
  agingBucketOf,
  isOpen,
  nextAgingChangeAt,
  nextDueAt,
  hasBreached,
  nextSlaChangeAt,
  slaOf,
  type AgingBucketId,
  type SlaStatus,
} from './sla'

/** What the store hands the queue: the projected ticket and whether it has unsent events. */
export interface QueueInput {
  ticket: Ticket
  /** The station holds events of this ticket the server has not accepted yet. */
  unsynced: boolean
}

export interface QueueRow {
  readonly id: string
  readonly ticket: Ticket
  readonly unsynced: boolean
  /** Rule 10: tickets linked to this one as their parent, among those this station holds. */
  readonly linkedCalls: number
  /** The earliest running target's due time (Infinity when none runs). */
  readonly dueAt: number
  /** Sort keys computed once per row rather than once per comparison. */
  readonly numberKey: string
  readonly titleKey: string
  readonly callerKey: string
  readonly searchText: string
}

export interface RowChange {
  before: QueueRow | null
  after: QueueRow | null
}

// ---------------------------------------------------------------------------------------------
// The process rules the queue surfaces

/** Rule 5: a ticket reassigned between second-level teams twice or more has bounced. */
export const BOUNCE_THRESHOLD = 2
export function isBounced(ticket: Pick<Ticket, 'reassignmentCount'>): boolean {
  return ticket.reassignmentCount >= BOUNCE_THRESHOLD
}

/** Rule 7: a second-level team sent it back and it is with its owner now. */
export function isReturnedToCsc(ticket: Pick<Ticket, 'returnedToCsc'>): boolean {
  return ticket.returnedToCsc
}

/**
 * Unassigned: nobody has taken the ticket yet — it came in without a person on the line (email,
 * voicemail, self-service, monitoring, a vendor, technical staff), it is still with the CSC and
 * no one has assigned or escalated it. Its first-assignment target is running. A phone call or
 * walk-in is taken by the agent who logs it, so it is never unassigned; a ticket at a second-level
 * team without a named person is not either, because tickets go to teams (rule 4).
 */
export function isUnassigned(ticket: Pick<Ticket, 'firstAssignedAt'>): boolean {
  return ticket.firstAssignedAt === null
}

/** Rule 10: a major incident is the parent that other calls are linked to, or one promoted to be. */
export function isMajorIncident(row: Pick<QueueRow, 'linkedCalls' | 'ticket'>): boolean {
  return row.linkedCalls > 0 || row.ticket.major !== undefined
}

export const QUEUE_FLAGS = ['unassigned', 'bounced', 'returned', 'major', 'unsynced'] as const
export type QueueFlag = (typeof QUEUE_FLAGS)[number]

const FLAG_TESTS: Record<QueueFlag, (row: QueueRow) => boolean> = {
  unassigned: (row) => isUnassigned(row.ticket),
  bounced: (row) => isBounced(row.ticket),
  returned: (row) => isReturnedToCsc(row.ticket),
  // Rule 10: the major incident together with its linked calls.
  major: (row) => isMajorIncident(row) || row.ticket.parentTicketId !== null,
  unsynced: (row) => row.unsynced,
}

// ---------------------------------------------------------------------------------------------
// Rows

function numberKey(ticket: Ticket): string {
  const parsed = parseTicketNumber(ticket.number)
  return parsed
    ? `${parsed.stationCode.padEnd(12, ' ')}${String(parsed.sequence).padStart(9, '0')}`
    : ticket.number
}

function makeRow(ticket: Ticket, unsynced: boolean, linkedCalls: number): QueueRow {
  const { caller } = ticket
  return {
    id: ticket.id,
    ticket,
    unsynced,
    linkedCalls,
    dueAt: nextDueAt(ticket),
    numberKey: numberKey(ticket),
    titleKey: ticket.title.toLowerCase(),
    callerKey: caller.name.toLowerCase(),
    searchText: normalizeSearchText(
      [
        ticket.number,
        ticket.title,
        caller.name,
        caller.username ?? '',
        caller.phone ?? '',
        ticket.owner,
        ticket.teamId,
        ticket.service,
        ticket.category,
      ].join(' '),
    ),
  }
}

/** Writes to the model's rows, remembering each row's state before the batch. */
class Batch {
  private readonly before = new Map<string, QueueRow | null>()
  constructor(private readonly rows: Map<string, QueueRow>) {}

  set(id: string, after: QueueRow | null): void {
    if (!this.before.has(id)) this.before.set(id, this.rows.get(id) ?? null)
    if (after) this.rows.set(id, after)
    else this.rows.delete(id)
  }

  changes(): RowChange[] {
    return [...this.before].flatMap(([id, before]) => {
      const after = this.rows.get(id) ?? null
      return before === after ? [] : [{ before, after }]
    })
  }
}

export class QueueModel {
  private readonly byId = new Map<string, QueueRow>()
  /** Parent id → ids of held tickets linked to it; the parent itself may not be held. */
  private readonly childrenOf = new Map<string, Set<string>>()

  /** Tickets that are no longer open are kept only if touched at or after `retainSince`. */
  constructor(private retainSince: number) {}

  get size(): number {
    return this.byId.size
  }

  get(id: string): QueueRow | undefined {
    return this.byId.get(id)
  }

  rows(): IterableIterator<QueueRow> {
    return this.byId.values()
  }

  *tickets(): Generator<Ticket> {
    for (const row of this.byId.values()) yield row.ticket
  }

  linkedCallsOf(parentId: string): QueueRow[] {
    return [...(this.childrenOf.get(parentId) ?? [])].flatMap((id) => this.byId.get(id) ?? [])
  }

  /**
   * Adds or replaces tickets. Returns one change per ticket whose row changed — a parent whose
   * count of linked calls moved included — with the row before the batch and after it.
   */
  apply(inputs: Iterable<QueueInput>): RowChange[] {
    const batch = new Batch(this.byId)
    for (const { ticket, unsynced } of inputs) {
      const previous = this.byId.get(ticket.id)
      const unchanged =
        previous?.ticket.lastEventKey === ticket.lastEventKey && previous.unsynced === unsynced
      if (unchanged) continue
      const keep = isOpen(ticket) || ticket.updatedAt >= this.retainSince
      this.relink(
        ticket.id,
        previous?.ticket.parentTicketId ?? null,
        keep ? ticket.parentTicketId : null,
        batch,
      )
      const linked = this.childrenOf.get(ticket.id)?.size ?? 0
      batch.set(ticket.id, keep ? makeRow(ticket, unsynced, linked) : null)
    }
    return batch.changes()
  }

  /** Tickets that left the store's projection (the server refused their opening). */
  remove(ids: Iterable<string>): RowChange[] {
    const batch = new Batch(this.byId)
    for (const id of ids) {
      const row = this.byId.get(id)
      if (!row) continue
      this.relink(id, row.ticket.parentTicketId, null, batch)
      batch.set(id, null)
    }
    return batch.changes()
  }

  get retainedSince(): number {
    return this.retainSince
  }

  /** A new day: drops tickets that have left the queue and were last touched before `since`. */
  retain(since: number): RowChange[] {
    this.retainSince = since
    const stale = [...this.byId.values()].filter(
      (row) => !isOpen(row.ticket) && row.ticket.updatedAt < since,
    )
    return this.remove(stale.map((row) => row.id))
  }

  private relink(id: string, from: string | null, to: string | null, batch: Batch): void {
    if (from === to) return
    if (from) {
      const siblings = this.childrenOf.get(from)
      siblings?.delete(id)
      if (siblings?.size === 0) this.childrenOf.delete(from)
    }
    if (to) {
      const siblings = this.childrenOf.get(to) ?? new Set<string>()
      siblings.add(id)
      this.childrenOf.set(to, siblings)
    }
    for (const parentId of [from, to]) {
      const parent = parentId ? this.byId.get(parentId) : undefined
      if (parent) {
        const linked = this.childrenOf.get(parent.id)?.size ?? 0
        batch.set(parent.id, { ...parent, linkedCalls: linked })
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Queries: filters and sort

export interface QueueFilters {
  /** Words that must all appear in the number, title, caller, owner, team or classification. */
  text: string
  /** Empty: any. Otherwise the ticket is at one of these teams. */
  teams: readonly string[]
  priorities: readonly Priority[]
  aging: readonly AgingBucketId[]
  sla: readonly SlaStatus[]
  /** Every flag must hold. */
  flags: readonly QueueFlag[]
  /**
   * Empty: the open tickets. Otherwise exactly these (a chart's bar behind a click), open or not:
   * a bar of today's resolved tickets lists resolved ones.
   */
  ids: readonly string[]
}

export const NO_FILTERS: QueueFilters = {
  text: '',
  teams: [],
  priorities: [],
  aging: [],
  sla: [],
  flags: [],
  ids: [],
}

const compareValues = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0)

/** Each sortable column's key. Age ascending is youngest first, SLA ascending most urgent first. */
const SORT_VALUES = {
  number: (row: QueueRow) => row.numberKey,
  priority: (row: QueueRow) => row.ticket.priority,
  title: (row: QueueRow) => row.titleKey,
  caller: (row: QueueRow) => row.callerKey,
  team: (row: QueueRow) => row.ticket.teamId,
  state: (row: QueueRow) => row.ticket.state,
  owner: (row: QueueRow) => row.ticket.owner,
  age: (row: QueueRow) => -row.ticket.receivedAt,
  sla: (row: QueueRow) => row.dueAt,
  reassignments: (row: QueueRow) => row.ticket.reassignmentCount,
  linked: (row: QueueRow) => row.linkedCalls,
  updated: (row: QueueRow) => row.ticket.updatedAt,
} satisfies Record<string, (row: QueueRow) => string | number>

export type SortKey = keyof typeof SORT_VALUES
export const SORT_KEYS = Object.keys(SORT_VALUES) as SortKey[]

export function isSortKey(value: string): value is SortKey {
  return Object.hasOwn(SORT_VALUES, value)
}

/** Shaped like TanStack Table's `ColumnSort`, so the table's sorting state is the model's query. */
export interface SortSpec {
  id: string
  desc: boolean
}

export interface QueueQuery {
  filters: QueueFilters
  sort: readonly SortSpec[]
}

/** The default view: most urgent deadline first. */
export const DEFAULT_SORT: readonly SortSpec[] = [{ id: 'sla', desc: false }]

export type RowComparator = (a: QueueRow, b: QueueRow) => number

/**
 * A total order: the requested keys, then the ticket number, then the id, so equal keys never
 * leave the order to chance and a row can be found again by binary search.
 */
export function comparatorFor(sort: readonly SortSpec[]): RowComparator {
  const keys = sort.flatMap((s) =>
    isSortKey(s.id) ? [{ value: SORT_VALUES[s.id], desc: s.desc }] : [],
  )
  return (a, b) => {
    for (const { value, desc } of keys) {
      const c = compareValues(value(a), value(b))
      if (c !== 0) return desc ? -c : c
    }
    return compareValues(a.numberKey, b.numberKey) || compareValues(a.id, b.id)
  }
}

function matchesStatic(row: QueueRow, filters: QueueFilters, words: readonly string[]): boolean {
  const { ticket } = row
  return (
    (filters.ids.length ? filters.ids.includes(row.id) : isOpen(ticket)) &&
    (filters.teams.length === 0 || filters.teams.includes(ticket.teamId)) &&
    (filters.priorities.length === 0 || filters.priorities.includes(ticket.priority)) &&
    filters.flags.every((flag) => FLAG_TESTS[flag](row)) &&
    words.every((word) => row.searchText.includes(word))
  )
}

function matchesAt(row: QueueRow, filters: QueueFilters, now: number): boolean {
  const { ticket } = row
  return (
    (filters.aging.length === 0 || filters.aging.includes(agingBucketOf(ticket.receivedAt, now))) &&
    (filters.sla.length === 0 ||
      filters.sla.includes(slaOf(ticket, now).status) ||
      (filters.sla.includes('breached') && hasBreached(ticket, now)))
  )
}

/** When a row that passes the static filters may start or stop passing the timed ones. */
function changesAt(row: QueueRow, filters: QueueFilters, now: number): number {
  const aging = filters.aging.length ? nextAgingChangeAt(row.ticket.receivedAt, now) : Infinity
  const sla = filters.sla.length ? nextSlaChangeAt(row.ticket, now) : Infinity
  return Math.min(aging, sla)
}

function queryWords(text: string): string[] {
  return normalizeSearchText(text).split(/\s+/).filter(Boolean)
}

// ---------------------------------------------------------------------------------------------
// Views

export interface QueueView {
  readonly rows: readonly QueueRow[]
  readonly query: QueueQuery
  /** Exact until this time; after it the SLA and aging filters must be evaluated again. */
  readonly validUntil: number
  readonly compare: RowComparator
}

/** Beyond this many changes in one batch, sorting everything again beats splicing one by one. */
export const INCREMENTAL_LIMIT = 256

/** Rule 10 view: each major incident directly followed by its linked calls, groups in sort order. */
function groupLinkedCalls(sorted: QueueRow[]): QueueRow[] {
  const groups = new Map<string, { parent: QueueRow | null; calls: QueueRow[] }>()
  for (const row of sorted) {
    const key = row.ticket.parentTicketId ?? row.id
    const group = groups.get(key) ?? { parent: null, calls: [] }
    if (row.ticket.parentTicketId) group.calls.push(row)
    else group.parent = row
    groups.set(key, group)
  }
  return [...groups.values()].flatMap((g) => (g.parent ? [g.parent, ...g.calls] : g.calls))
}

export function computeView(rows: Iterable<QueueRow>, query: QueueQuery, now: number): QueueView {
  const words = queryWords(query.filters.text)
  const compare = comparatorFor(query.sort)
  const matching: QueueRow[] = []
  let validUntil = Infinity
  for (const row of rows) {
    if (!matchesStatic(row, query.filters, words)) continue
    validUntil = Math.min(validUntil, changesAt(row, query.filters, now))
    if (matchesAt(row, query.filters, now)) matching.push(row)
  }
  matching.sort(compare)
  const ordered = query.filters.flags.includes('major') ? groupLinkedCalls(matching) : matching
  return { rows: ordered, query, validUntil, compare }
}

/** First index whose row sorts at or after `row`. */
function lowerBound(rows: readonly QueueRow[], row: QueueRow, compare: RowComparator): number {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (compare(rows[mid]!, row) < 0) lo = mid + 1
    else hi = mid
  }
  return lo
}

/**
 * The view after `changes` (as returned by `QueueModel.apply`), patched in place of a full
 * recompute when it can be: the view is still exact at `now`, the batch is small, and the rows
 * are in plain sort order (the rule 10 grouping is recomputed; it holds few rows). A view that
 * does not hold a changed row where the change says it was (a batch was skipped) is recomputed.
 */
export function updateView(
  view: QueueView,
  model: QueueModel,
  changes: readonly RowChange[],
  now: number,
): QueueView {
  if (changes.length === 0 && now < view.validUntil) return view
  const { filters } = view.query
  if (
    now >= view.validUntil ||
    changes.length > INCREMENTAL_LIMIT ||
    filters.flags.includes('major')
  ) {
    return computeView(model.rows(), view.query, now)
  }
  const words = queryWords(filters.text)
  const passes = (row: QueueRow) =>
    matchesStatic(row, filters, words) && matchesAt(row, filters, now)
  const rows = view.rows.slice()
  let validUntil = view.validUntil
  for (const { before, after } of changes) {
    if (before && passes(before)) {
      const at = lowerBound(rows, before, view.compare)
      if (rows[at]?.id !== before.id) return computeView(model.rows(), view.query, now)
      rows.splice(at, 1)
    }
    if (after && matchesStatic(after, filters, words)) {
      validUntil = Math.min(validUntil, changesAt(after, filters, now))
      if (matchesAt(after, filters, now))
        rows.splice(lowerBound(rows, after, view.compare), 0, after)
    }
  }
  return { ...view, rows, validUntil }
}

/**
 * Keyboard selection by ticket id: one step, a page, or ±Infinity (Home / End) from the selected
 * row. When the selected ticket has left the view, the row now at its last index takes its place,
 * so the supervisor keeps their place in the list; with nothing selected, moves start at the top.
 */
export function moveSelection(
  rows: readonly QueueRow[],
  selectedId: string | null,
  delta: number,
  lastIndex: number,
): { id: string; index: number } | null {
  if (rows.length === 0) return null
  const current = selectedId === null ? -1 : rows.findIndex((row) => row.id === selectedId)
  const anchor = selectedId === null ? 0 : lastIndex
  // The row at `anchor` is already one step down from the one that left.
  const target = current >= 0 ? current + delta : delta > 0 ? anchor + delta - 1 : anchor + delta
  const index = Math.min(Math.max(target, 0), rows.length - 1)
  return { id: rows[index]!.id, index }
}
