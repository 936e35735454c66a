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
export {
  BOUNCE_THRESHOLD,
  QUEUE_FLAGS,
  QueueModel,
  isBounced,
  isMajorIncident,
  isReturnedToCsc,
  isUnassigned,
  type QueueFlag,
  type QueueInput,
  type QueueRow,
  type RowChange,
} from './rows'
export {
  DEFAULT_SORT,
  NO_FILTERS,
  SORT_KEYS,
  comparatorFor,
  isSortKey,
  type QueueFilters,
  type QueueQuery,
  type RowComparator,
  type SortKey,
  type SortSpec,
} from './query'
export { INCREMENTAL_LIMIT, computeView, moveSelection, updateView, type QueueView } from './view'
