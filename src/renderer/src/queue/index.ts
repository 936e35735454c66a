/**
 * The supervisors' screens (issue 6), as the app shell mounts them.
 *
 * Once per signed-in supervisor desk:
 *   const queue = createSupervisorQueue({ store, station })
 *   void queue.start() // loads the open tickets in windows, then follows the store
 *   ...at sign-out: queue.stop()
 *
 * Then, in any order and as often as the supervisor switches screens:
 *   <LiveQueuePanel queue={queue} directory={useDirectory()} record={useRecord()}
 *     onOpenTicket={nav.openTicket} onEscalate={(id) => nav.openDialog('escalate', id)} />
 *   <FloorView station={station} directory={useDirectory()} ticker={queue.ticker} />
 *   <MetricsView queue={queue} />
 *   <QaReview queue={queue} directory={useDirectory()} onOpenTicket={nav.openTicket} />
 *
 * A clicked desktop notification selects its ticket in the queue and opens the side panel; the
 * shell brings the Live queue to the front (`notify.clicked`).
 */
export { LiveQueuePanel, type LiveQueuePanelProps } from './LiveQueuePanel'
export type { QueueDirectory } from './context'
export type { RecordCommand, TicketActions } from './TicketSidePanel'
export {
  createSupervisorQueue,
  type SupervisorQueue,
  type SupervisorQueueOptions,
} from './supervisor-queue'
export { FloorView, type FloorViewProps } from '../floor/FloorView'
export { MetricsView } from '../metrics/MetricsView'
export { QaReview } from '../metrics/QaReview'
