/**
 * The live queue grid: TanStack Table 9 for columns, headers, cells and sorting state, TanStack
 * Virtual for the rows, so 10,000 tickets cost the DOM of the thirty on screen.
 *
 * The model filters and sorts (like a server would: `manualSorting`), and the table is handed
 * only the rows the virtualizer shows — the page it renders. Handing it all 10,000 would make it
 * rebuild 10,000 row objects on every live change (8 ms and more: half a frame) for the thirty
 * it draws.
 *
 * Keyboard (WAI-ARIA grid, the row is the unit): arrows, Page Up / Down, Home / End move the
 * selection; Enter opens the selected ticket in the side panel; Escape closes it. Selection is by
 * ticket id and lives in the view store, so rows arriving or leaving around it do not move it.
 * A row re-renders only when its ticket, position or selection changed; timers in it subscribe to
 * the shared clock themselves.
 */
import { FlexRender, useTable, type Row } from '@tanstack/react-table'
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useMemo, useRef, type KeyboardEvent } from 'react'
import { useStore } from 'zustand'
import { queueColumns, queueFeatures } from './columns'
import type { QueueRow } from './model'
import type { QueueViewStore } from './view-store'

export const ROW_HEIGHT = 34

type GridRow = Row<typeof queueFeatures, QueueRow>

const rowId = (row: QueueRow) => row.id
export const rowElementId = (ticketId: string) => `queue-row-${ticketId}`

const GridRowView = memo(
  function GridRowView({
    row,
    index,
    start,
    selected,
    onPick,
  }: {
    row: GridRow
    index: number
    start: number
    selected: boolean
    onPick: (id: string) => void
  }) {
    return (
      <div
        role="row"
        id={rowElementId(row.id)}
        aria-rowindex={index + 2}
        aria-selected={selected}
        className={`qgrid__row${selected ? ' qgrid__row--selected' : ''}`}
        style={{ transform: `translateY(${start}px)`, height: ROW_HEIGHT }}
        onClick={() => onPick(row.id)}
      >
        {row.getAllCells().map((cell) => (
          <div
            key={cell.id}
            role="gridcell"
            className={`qgrid__cell qgrid__cell--${cell.column.id}`}
            style={{ width: cell.column.columnDef.meta?.width }}
          >
            <FlexRender cell={cell} />
          </div>
        ))}
      </div>
    )
  },
  // The table rebuilds its row objects on every change; the ticket behind one is what counts.
  (a, b) =>
    a.row.original === b.row.original &&
    a.index === b.index &&
    a.start === b.start &&
    a.selected === b.selected &&
    a.onPick === b.onPick,
)

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const

export interface QueueGridProps {
  viewStore: QueueViewStore
  /** The grid's height before the browser has measured it: rows render in the first frame. */
  initialHeight?: number
  /** Take the focus when shown, so the arrow keys move through the tickets at once. */
  autoFocus?: boolean
}

export function QueueGrid({ viewStore, initialHeight = 600, autoFocus = false }: QueueGridProps) {
  const rows = useStore(viewStore, (s) => s.view.rows)
  const sorting = useStore(viewStore, (s) => s.sorting)
  const selectedId = useStore(viewStore, (s) => s.selectedId)
  const { setSorting, select, move, closePanel } = viewStore.getState()
  const scrollRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (autoFocus) scrollRef.current?.focus({ preventScroll: true })
  }, [autoFocus])

  // No React Compiler in this build; the virtualizer is used as its documentation shows.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    // Rows are never measured (fixed height), so items keep their default index keys: a key
    // function changing with every live update would make the virtualizer recompute the
    // positions of all 10,000 rows each time.
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    initialRect: { width: 0, height: initialHeight },
  })
  const items = virtualizer.getVirtualItems()
  const first = items[0]?.index ?? 0
  const end = (items[items.length - 1]?.index ?? -1) + 1
  const page = useMemo(() => rows.slice(first, end) as QueueRow[], [rows, first, end])

  const table = useTable({
    features: queueFeatures,
    columns: queueColumns,
    data: page,
    getRowId: rowId,
    manualSorting: true,
    enableMultiSort: true,
    enableSortingRemoval: false,
    sortDescFirst: false,
    state: { sorting },
    onSortingChange: setSorting,
  })
  const pageRows = table.getRowModel().rows

  const pick = useCallback(
    (id: string) => {
      select(id, { open: true })
      scrollRef.current?.focus({ preventScroll: true })
    },
    [select],
  )

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? initialHeight) / ROW_HEIGHT) - 1,
    )
    const deltas: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -Infinity,
      End: Infinity,
    }
    const delta = deltas[event.key]
    if (delta !== undefined) {
      event.preventDefault()
      const index = move(delta)
      if (index !== null) virtualizer.scrollToIndex(index, { align: 'auto' })
    } else if (event.key === 'Enter' && selectedId) {
      event.preventDefault()
      select(selectedId, { open: true })
    } else if (event.key === 'Escape') {
      closePanel()
    }
  }

  const headers = table.getHeaderGroups()[0]?.headers ?? []
  return (
    <div
      role="grid"
      aria-label="Open tickets of the floor"
      aria-rowcount={rows.length + 1}
      aria-colcount={headers.length}
      aria-multiselectable={false}
      aria-activedescendant={selectedId ? rowElementId(selectedId) : undefined}
      tabIndex={0}
      ref={scrollRef}
      className="qgrid"
      onKeyDown={onKeyDown}
    >
      <div role="row" aria-rowindex={1} className="qgrid__head">
        {headers.map((header) => {
          const sorted = header.column.getIsSorted()
          const toggle = header.column.getToggleSortingHandler()
          return (
            <div
              key={header.id}
              role="columnheader"
              aria-sort={sorted ? ARIA_SORT[sorted] : undefined}
              className={`qgrid__cell qgrid__cell--${header.column.id}`}
              style={{ width: header.column.columnDef.meta?.width }}
            >
              {toggle ? (
                <button
                  type="button"
                  className="qgrid__sort"
                  onClick={toggle}
                  title="Sort (Shift-click: add to the sort)"
                >
                  <FlexRender header={header} />
                  {sorted && <span aria-hidden="true">{sorted === 'asc' ? ' ▲' : ' ▼'}</span>}
                  {sorted && sorting.length > 1 && (
                    <sup aria-hidden="true">{header.column.getSortIndex() + 1}</sup>
                  )}
                </button>
              ) : (
                <FlexRender header={header} />
              )}
            </div>
          )
        })}
      </div>
      <div role="rowgroup" className="qgrid__body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = pageRows[item.index - first]!
          return (
            <GridRowView
              key={row.id}
              row={row}
              index={item.index}
              start={item.start}
              selected={row.id === selectedId}
              onPick={pick}
            />
          )
        })}
      </div>
      {rows.length === 0 && (
        <p className="qgrid__empty muted">No open ticket matches these filters.</p>
      )}
    </div>
  )
}
