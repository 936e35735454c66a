/**
 * The supervisors' screens (issue 6), loaded on demand (supervisor-views.tsx): an agent's desk
 * never downloads nor parses them.
 */
import { FloorView, LiveQueuePanel, MetricsView, QaReview, type SupervisorQueue } from '../queue'
import { CallLogView } from '../calls/CallLogView'
import { useDesk, useRecord, useSession } from './desk'
import type { SupervisorViewName } from './supervisor-views'
import { useDirectory } from './use-directory'
import { useMajorIncidentSettings } from './use-major-incident-settings'

export default function SupervisorScreens({
  name,
  queue,
}: {
  name: SupervisorViewName
  queue: SupervisorQueue
}) {
  const desk = useDesk()
  const record = useRecord()
  const directory = useDirectory()
  const settings = useMajorIncidentSettings()
  const role = useSession((s) => s.user?.role ?? 'agent')
  const nav = desk.nav.getState()
  switch (name) {
    case 'queue':
      return (
        <LiveQueuePanel
          queue={queue}
          presence={desk.presence}
          directory={directory}
          record={record}
          recordOpening={record}
          management={{ settings, role }}
          onOpenTicket={nav.openTicket}
          onEscalate={(ticketId) => nav.openDialog('escalate', ticketId)}
          onLinkParent={(ticketId) => nav.openDialog('parent', ticketId)}
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
