/** Views: one query computed in full, then patched per change. */
import {
  changesAt,
  comparatorFor,
  matchesAt,
  matchesStatic,
  queryWords,
  type QueueQuery,
  type RowComparator,
} from './query'
import type { QueueModel, QueueRow, RowChange } from './rows'

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
