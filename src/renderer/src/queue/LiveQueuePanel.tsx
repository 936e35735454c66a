/**
 * The supervisors' Live Queue (issue 6): every open ticket of the floor, live. The rows come from
 * the supervisor queue's in-memory model; the store's change feed moves them, so there is no
 * reload and no polling, and the supervisor's filters, sort and selection (the view store) stay
 * as they are while the floor changes underneath.
 */
import { useRef, useSyncExternalStore } from 'react'
import { useStore } from 'zustand'
import { useShowing, type Presence } from '../presence/presence'
import { useShortcut } from '../ui/shortcuts'
import { QueueEnvProvider, useQueueEnv, type QueueDirectory } from './context'
import { queueCsvColumns } from './columns'
import { csvFileName, downloadCsv, recordsToCsv } from './csv'
import { QueueFilterBar } from './QueueFilterBar'
import { QueueGrid } from './QueueGrid'
import { OutageRadar, type RecordOpening } from './OutageRadar'
import { TicketSidePanel, type TicketActions } from './TicketSidePanel'
import type { SupervisorQueue } from './supervisor-queue'
import './queue.css'

export interface LiveQueuePanelProps extends TicketActions {
  /** The desk's supervisor queue (`createSupervisorQueue`), started once for the session. */
  queue: SupervisorQueue
  /** Team and user names, and the lists the assign form offers. */
  directory: QueueDirectory
  /** The grid's height before the browser has measured it. */
  initialHeight?: number
  /** Lets the outage radar open a new major incident (it needs a ticket number). */
  recordOpening?: RecordOpening
  presence?: Presence
}

const count = new Intl.NumberFormat()

function useLoadState(queue: SupervisorQueue) {
  return useSyncExternalStore(queue.subscribe, queue.loadState)
}

function SidePanel({ queue, actions }: { queue: SupervisorQueue; actions: TicketActions }) {
  const selectedId = useStore(queue.view, (s) => (s.panelOpen ? s.selectedId : null))
  // The panel follows the ticket as it changes: it re-reads the model after every change.
  useSyncExternalStore(queue.subscribe, () =>
    selectedId ? queue.model.get(selectedId) : undefined,
  )
  const row = selectedId ? queue.model.get(selectedId) : undefined
  useShowing(useQueueEnv().presence, row ? selectedId : null)
  if (!selectedId) return null
  if (!row) {
    return (
      <aside className="qpanel panel">
        <p>This ticket is no longer in the queue.</p>
        <button type="button" onClick={() => queue.view.getState().closePanel()}>
          Close
        </button>
      </aside>
    )
  }
  const parentId = row.ticket.parentTicketId
  return (
    <TicketSidePanel
      key={row.id}
      row={row}
      linkedCalls={queue.model.linkedCallsOf(row.id)}
      parent={parentId ? queue.model.get(parentId) : undefined}
      floor={[...queue.model.tickets()]}
      actions={actions}
      onClose={() => queue.view.getState().closePanel()}
    />
  )
}

export function LiveQueuePanel({
  queue,
  directory,
  initialHeight,
  recordOpening,
  presence,
  ...actions
}: LiveQueuePanelProps) {
  const shown = useStore(queue.view, (s) => s.view.rows.length)
  const { loading, failed } = useLoadState(queue)
  const open = queue.model.size
  const filterSearch = useRef<HTMLInputElement>(null)
  useShortcut('queueFilters', () => filterSearch.current?.focus())

  const exportView = () => {
    const now = queue.ticker.now()
    const csv = recordsToCsv(
      queueCsvColumns(now, directory.teamName),
      queue.view.getState().view.rows,
    )
    downloadCsv(csvFileName('queue', now), csv)
  }

  return (
    <QueueEnvProvider
      value={{ ticker: queue.ticker, directory, ...(presence ? { presence } : {}) }}
    >
      <section className="view live-queue" aria-labelledby="live-queue-title">
        <header className="live-queue__header">
          <h1 id="live-queue-title">Live queue</h1>
          <p className="muted" aria-live="polite">
            <output aria-label="Tickets shown">{count.format(shown)}</output> shown
            {loading ? ` · loading the floor… ${count.format(open)} so far` : ''}
          </p>
          <button type="button" onClick={exportView}>
            Export CSV
          </button>
        </header>
        {failed && (
          <p role="alert" className="form-error">
            The floor could not be read from this station’s database ({failed}). Restart Warmline;
            if it happens again, tell your administrator.
          </p>
        )}
        {/* The grid comes before the radar and the filters in the tab order (drawn above it by queue.css):
            Tab from the screen's header reaches the tickets, not a row of chips. */}
        <div className="live-queue__body">
          <QueueGrid
            viewStore={queue.view}
            autoFocus
            {...(initialHeight ? { initialHeight } : {})}
          />
          <SidePanel queue={queue} actions={actions} />
        </div>
        <OutageRadar queue={queue} record={actions.record} recordOpening={recordOpening} />
        <QueueFilterBar viewStore={queue.view} searchRef={filterSearch} />
      </section>
    </QueueEnvProvider>
  )
}
