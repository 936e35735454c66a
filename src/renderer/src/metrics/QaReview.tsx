/**
 * The QA review list (rules 5, 7 and 8) over the tickets the supervisor queue holds: the open
 * ones and today's. Long lists show their most recent part; the CSV has all of it.
 */
import type { QueueDirectory } from '../queue/context'
import { csvFileName, downloadCsv, recordsToCsv, type CsvColumn } from '../queue/csv'
import type { SupervisorQueue } from '../queue/supervisor-queue'
import { useQueueDerived } from '../queue/use-derived'
import { STATE_LABELS } from '../ui/labels'
import '../queue/queue.css'
import { ruleTooltip } from '../../../shared/plain-words'
import { QA_REASON_LABELS, QA_REASON_RULES, qaReview, type QaItem } from './qa'

const SHOWN = 300

const computeReview = (queue: SupervisorQueue) => qaReview(queue.model.tickets())

const when = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  day: 'numeric',
  month: 'short',
})

function qaColumns(teamName: (id: string) => string): CsvColumn<QaItem>[] {
  return [
    { header: 'Number', value: (i) => i.ticket.number },
    { header: 'Title', value: (i) => i.ticket.title },
    { header: 'Team', value: (i) => teamName(i.ticket.teamId) },
    { header: 'State', value: (i) => STATE_LABELS[i.ticket.state] },
    { header: 'Why', value: (i) => i.reasons.map((r) => QA_REASON_LABELS[r]).join('; ') },
    { header: 'Reassignments', value: (i) => i.ticket.reassignmentCount },
    { header: 'Returned to the CSC', value: (i) => i.ticket.returnedToCscCount },
    { header: 'Owner', value: (i) => i.ticket.owner },
    { header: 'Updated (UTC)', value: (i) => new Date(i.ticket.updatedAt).toISOString() },
  ]
}

export function QaReview({
  queue,
  directory,
  onOpenTicket,
}: {
  queue: SupervisorQueue
  directory: Pick<QueueDirectory, 'teamName'>
  onOpenTicket?: (ticketId: string) => void
}) {
  const items = useQueueDerived(queue, computeReview)
  const exportList = () =>
    downloadCsv(
      csvFileName('qa-review', queue.ticker.now()),
      recordsToCsv(qaColumns(directory.teamName), items),
    )
  return (
    <section className="view" aria-labelledby="qa-title">
      <header className="live-queue__header">
        <h1 id="qa-title">QA review</h1>
        <p className="muted">
          {items.length} ticket{items.length === 1 ? '' : 's'}
          {items.length > SHOWN ? `, the latest ${SHOWN} shown` : ''}
        </p>
        <button type="button" onClick={exportList}>
          Export CSV
        </button>
      </header>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Title</th>
            <th scope="col">Team</th>
            <th scope="col">State</th>
            <th scope="col">Why</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {items.slice(0, SHOWN).map(({ ticket, reasons }) => (
            <tr key={ticket.id}>
              <td>
                {onOpenTicket ? (
                  <button
                    type="button"
                    className="link ticket-number"
                    onClick={() => onOpenTicket(ticket.id)}
                  >
                    {ticket.number}
                  </button>
                ) : (
                  <span className="ticket-number">{ticket.number}</span>
                )}
              </td>
              <td>{ticket.title}</td>
              <td>{directory.teamName(ticket.teamId)}</td>
              <td>{STATE_LABELS[ticket.state]}</td>
              <td>
                {reasons.map((r) => (
                  <span key={r} className="pill pill--warn" title={ruleTooltip(QA_REASON_RULES[r])}>
                    {QA_REASON_LABELS[r]}
                  </span>
                ))}
              </td>
              <td>{when.format(ticket.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {items.length === 0 && (
        <p className="muted">Nothing for review among today’s and the open tickets.</p>
      )}
    </section>
  )
}
