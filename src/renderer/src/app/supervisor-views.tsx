/**
 * The supervisors' screens (issue 6) in the desk: one supervisor queue per signed-in supervisor,
 * loaded once and kept live from the store, shared by the Live queue, Metrics and QA review.
 */
import { useEffect, useState } from 'react'
import {
  FloorView,
  LiveQueuePanel,
  MetricsView,
  QaReview,
  createSupervisorQueue,
  type SupervisorQueue,
} from '../queue'
import { CallLogView } from '../calls/CallLogView'
import { matches, SHORTCUTS, type ShortcutId } from '../ui/shortcuts'
import { useDesk, useRecord } from './desk'
import type { View } from './nav-store'
import { useDirectory } from './use-directory'

export type SupervisorViewName = 'queue' | 'floorView' | 'metrics' | 'calls'

export const SUPERVISOR_VIEWS: {
  view: View & { name: SupervisorViewName }
  label: string
  shortcut: ShortcutId
}[] = [
  { view: { name: 'queue' }, label: 'Live queue', shortcut: 'liveQueue' },
  { view: { name: 'floorView' }, label: 'Floor view', shortcut: 'floorView' },
  { view: { name: 'metrics' }, label: 'Metrics and QA', shortcut: 'metrics' },
  { view: { name: 'calls' }, label: 'Calls', shortcut: 'calls' },
]

/** The supervisor's screen a key press asks for, if any. */
export function supervisorShortcut(event: KeyboardEvent): View | null {
  return SUPERVISOR_VIEWS.find((v) => matches(event, SHORTCUTS[v.shortcut].keys))?.view ?? null
}

/**
 * The queue lives as long as the supervisor's desk (the shell is drawn anew at each sign-in, so
 * the role is fixed for its lifetime): switching screens never reloads it.
 */
export function useSupervisorQueue(supervisor: boolean): SupervisorQueue | null {
  const desk = useDesk()
  const [queue] = useState(() =>
    supervisor ? createSupervisorQueue({ store: desk.store, station: desk.station }) : null,
  )
  useEffect(() => {
    if (!queue) return
    void queue.start()
    // A clicked desktop notification brings its ticket up in the Live queue.
    const off = desk.station.on('notify.clicked', ({ ticketId }) => {
      if (ticketId) desk.nav.getState().go({ name: 'queue' })
    })
    return () => {
      off()
      queue.stop()
    }
  }, [desk, queue])
  return queue
}

export function SupervisorView({
  name,
  queue,
}: {
  name: SupervisorViewName
  queue: SupervisorQueue | null
}) {
  const desk = useDesk()
  const record = useRecord()
  const directory = useDirectory()
  const nav = desk.nav.getState()
  if (!queue) return <p className="view muted">The supervisors’ screens are for supervisors.</p>
  switch (name) {
    case 'queue':
      return (
        <LiveQueuePanel
          queue={queue}
          presence={desk.presence}
          directory={directory}
          record={record}
          onOpenTicket={nav.openTicket}
          onEscalate={(ticketId) => nav.openDialog('escalate', ticketId)}
        />
      )
    case 'calls':
      return <CallLogView station={desk.station} />
    case 'floorView':
      return (
        <FloorView
          station={desk.station}
          directory={directory}
          ticker={queue.ticker}
          queue={queue}
          onOpenTicket={nav.openTicket}
        />
      )
    case 'metrics':
      return (
        <>
          <MetricsView
            queue={queue}
            directory={directory}
            onShowTickets={(ids, from) => {
              queue.view.getState().showTickets(ids, from)
              nav.go({ name: 'queue' })
            }}
          />
          <QaReview queue={queue} directory={directory} onOpenTicket={nav.openTicket} />
        </>
      )
  }
}
