/** Queries over the rows: filters and sort, and when a row's match can change with time. */
import { normalizeSearchText } from '../../../../shared/incident/search'
import type { Priority } from '../../../../shared/incident/vocabulary'
import {
  agingBucketOf,
  hasBreached,
  isOpen,
  nextAgingChangeAt,
  nextSlaChangeAt,
  slaOf,
  type AgingBucketId,
  type SlaStatus,
} from '../sla'
import { FLAG_TESTS, type QueueFlag, type QueueRow } from './rows'

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

export function matchesStatic(
  row: QueueRow,
  filters: QueueFilters,
  words: readonly string[],
): boolean {
  const { ticket } = row
  return (
    (filters.ids.length ? filters.ids.includes(row.id) : isOpen(ticket)) &&
    (filters.teams.length === 0 || filters.teams.includes(ticket.teamId)) &&
    (filters.priorities.length === 0 || filters.priorities.includes(ticket.priority)) &&
    filters.flags.every((flag) => FLAG_TESTS[flag](row)) &&
    words.every((word) => row.searchText.includes(word))
  )
}

export function matchesAt(row: QueueRow, filters: QueueFilters, now: number): boolean {
  const { ticket } = row
  return (
    (filters.aging.length === 0 || filters.aging.includes(agingBucketOf(ticket.receivedAt, now))) &&
    (filters.sla.length === 0 ||
      filters.sla.includes(slaOf(ticket, now).status) ||
      (filters.sla.includes('breached') && hasBreached(ticket, now)))
  )
}

/** When a row that passes the static filters may start or stop passing the timed ones. */
export function changesAt(row: QueueRow, filters: QueueFilters, now: number): number {
  const aging = filters.aging.length ? nextAgingChangeAt(row.ticket.receivedAt, now) : Infinity
  const sla = filters.sla.length ? nextSlaChangeAt(row.ticket, now) : Infinity
  return Math.min(aging, sla)
}

export function queryWords(text: string): string[] {
  return normalizeSearchText(text).split(/\s+/).filter(Boolean)
}
