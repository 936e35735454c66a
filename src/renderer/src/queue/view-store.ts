/**
 * The supervisor's view of the queue: filters, sort, selection (by ticket id) and the view they
 * give. A zustand store that outlives the panel, so the view survives live updates and a trip to
 * the floor view and back. Live changes patch the view (`applyChanges`); a tick recomputes it only
 * once its time filters have moved on (`tick`).
 */
import { createStore } from 'zustand/vanilla'
import {
  computeView,
  DEFAULT_SORT,
  moveSelection,
  NO_FILTERS,
  updateView,
  type QueueFilters,
  type QueueModel,
  type QueueView,
  type RowChange,
  type SortSpec,
} from './model'

type Updater<T> = T | ((previous: T) => T)

/** The filters that are lists of "any of" values. */
type ListFilter = Exclude<keyof QueueFilters, 'text'>

export interface QueueViewState {
  filters: QueueFilters
  /** Shaped as TanStack Table's sorting state; replaced on change, never mutated. */
  sorting: SortSpec[]
  selectedId: string | null
  /** Where the selected row was last seen; keyboard moves continue from here if it left the view. */
  selectedIndex: number
  /** The side panel shows the selected ticket. */
  panelOpen: boolean
  /** What the `ids` filter came from ("13:00–14:00: 4 calls"), said above the grid. */
  idsFrom: string | null
  view: QueueView

  setText(text: string): void
  toggleFilter<K extends ListFilter>(filter: K, value: QueueFilters[K][number]): void
  clearFilters(): void
  /** Only these tickets (a chart's bar), every other filter cleared. */
  showTickets(ids: readonly string[], from: string): void
  /** Takes TanStack Table's sorting updaters as they come. */
  setSorting(sorting: Updater<SortSpec[]>): void
  select(id: string | null, options?: { open?: boolean }): void
  /** Moves the selection by rows (±Infinity: first / last) and returns the new index. */
  move(delta: number): number | null
  closePanel(): void

  applyChanges(changes: readonly RowChange[], now: number): void
  tick(now: number): void
}

export function createQueueViewStore(model: QueueModel, now: () => number) {
  return createStore<QueueViewState>()((set, get) => {
    const requery = (filters: QueueFilters, sorting: SortSpec[]) =>
      set(
        located({
          filters,
          sorting,
          view: computeView(model.rows(), { filters, sort: sorting }, now()),
        }),
      )

    /** Keeps the selected row's index current as the rows around it move. */
    const located = (patch: Partial<QueueViewState>): Partial<QueueViewState> => {
      const { selectedId, selectedIndex } = get()
      const rows = (patch.view ?? get().view).rows
      const index = selectedId === null ? -1 : rows.findIndex((row) => row.id === selectedId)
      return { ...patch, selectedIndex: index >= 0 ? index : selectedIndex }
    }

    return {
      filters: NO_FILTERS,
      sorting: [...DEFAULT_SORT],
      selectedId: null,
      selectedIndex: 0,
      panelOpen: false,
      idsFrom: null,
      view: computeView(model.rows(), { filters: NO_FILTERS, sort: DEFAULT_SORT }, now()),

      setText: (text) => requery({ ...get().filters, text }, get().sorting),
      toggleFilter: (filter, value) => {
        const { filters, sorting } = get()
        const current = filters[filter] as readonly unknown[]
        const next = current.includes(value)
          ? current.filter((v) => v !== value)
          : [...current, value]
        requery({ ...filters, [filter]: next }, sorting)
      },
      clearFilters: () => {
        set({ idsFrom: null })
        requery(NO_FILTERS, get().sorting)
      },
      showTickets: (ids, from) => {
        set({ idsFrom: from })
        requery({ ...NO_FILTERS, ids: [...ids] }, get().sorting)
      },
      setSorting: (sorting) => {
        const next = typeof sorting === 'function' ? sorting(get().sorting) : sorting
        requery(get().filters, next)
      },
      select: (id, options = {}) =>
        set(
          located({
            selectedId: id,
            panelOpen: id !== null && (options.open ?? get().panelOpen),
          }),
        ),
      move: (delta) => {
        const { view, selectedId, selectedIndex } = get()
        const next = moveSelection(view.rows, selectedId, delta, selectedIndex)
        if (next) set({ selectedId: next.id, selectedIndex: next.index })
        return next?.index ?? null
      },
      closePanel: () => set({ panelOpen: false }),

      applyChanges: (changes, at) => {
        const view = updateView(get().view, model, changes, at)
        if (view !== get().view) set(located({ view }))
      },
      tick: (at) => {
        if (at >= get().view.validUntil)
          set(located({ view: updateView(get().view, model, [], at) }))
      },
    }
  })
}

export type QueueViewStore = ReturnType<typeof createQueueViewStore>
