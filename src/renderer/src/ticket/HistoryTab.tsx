/**
 * History: every event of the ticket, who and when, in the log's order — including changes that
 * were not applied (conflicts) and events the server refused, each with its reason.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { hlcWallMs } from '../../../shared/sync/hlc'
import type { TicketEvent } from '../../../shared/incident/events'
import type { Ticket } from '../../../shared/incident/ticket'
import { useDesk } from '../app/desk'
import { useDirectory, type DirectoryView } from '../app/use-directory'
import type { StoredEvent } from '../store'
import {
  EVENT_LABELS,
  KIND_LABELS,
  MANAGEMENT_LEVEL_LABELS,
  RESOLUTION_CODE_LABELS,
  SOURCE_LABELS,
} from '../ui/labels'
import { formatWhen, useNow } from '../ui/time'
import { describeTransfer } from './describe'

const excerpt = (text: string) => (text.length > 80 ? `${text.slice(0, 79)}…` : text)

function summary(event: TicketEvent, directory: DirectoryView): string {
  switch (event.type) {
    case 'opened':
      return `${event.payload.number} · ${SOURCE_LABELS[event.payload.source]} · ${event.payload.caller.name}`
    case 'fields_changed':
      return Object.keys(event.payload.changes).join(', ')
    case 'reclassified':
      return `to ${KIND_LABELS[event.payload.to]}: ${event.payload.reason}`
    case 'tech_note_added':
      return excerpt(event.payload.body)
    case 'customer_note_added':
      // Rule 11: the stored note carries the redacted text; the History says it was changed.
      return `${event.payload.sendEmailTo.customer ? 'emailed · ' : ''}${event.payload.redactedBy ? 'redacted · ' : ''}${excerpt(event.payload.body)}`
    case 'escalated':
      return `to ${directory.teamName(event.payload.teamId)} · ${describeTransfer(event.payload.warmTransfer)}`
    case 'assigned':
      return `to ${directory.teamName(event.payload.teamId)}${event.payload.assignee ? ` · ${event.payload.assignee}` : ''}`
    case 'returned_to_owner':
      return excerpt(event.payload.note)
    case 'ownership_taken':
      return `from ${directory.userName(event.payload.from)}`
    case 'resolved':
      return `${RESOLUTION_CODE_LABELS[event.payload.resolutionCode]} · ${excerpt(event.payload.resolutionNotes)}`
    case 'held':
    case 'reopened':
      return event.payload.reason
    case 'note_redacted':
      return event.payload.supersededBy
        ? `${event.payload.reason} · text replaced by a later redaction`
        : event.payload.reason
    case 'closed':
      return event.payload.via === 'staff' ? 'by staff' : 'reopen window elapsed'
    case 'customer_message_received': {
      const { from, subject, attachments } = event.payload
      const attached = attachments.length ? ` · ${attachments.length} attached` : ''
      return `from ${from || 'an unknown sender'} · ${excerpt(subject || '(no subject)')}${attached}`
    }
    case 'customer_contacted':
      return `${event.payload.channel}: ${event.payload.outcome}`
    case 'major_declared':
      return event.payload.reason
    case 'outage_suspected':
      return `${event.payload.candidateTicketIds.length} calls on ${event.payload.service} within ${event.payload.minutes} minutes`
    case 'outage_dismissed':
      return event.payload.reason ?? ''
    case 'management_escalated':
      return `${MANAGEMENT_LEVEL_LABELS[event.payload.level]} · ${directory.userName(event.payload.to)} · ${event.payload.reason}`
    case 'sla_breached':
      return `${event.payload.target === 'first_assignment' ? 'First assignment' : 'Resolution'} was due ${new Date(event.payload.dueAt).toLocaleString()}`
    case 'parent_linked':
    case 'resumed':
      return ''
  }
}

function syncLabel(event: StoredEvent): string {
  if (event.syncState === 'pending') return 'waiting to sync'
  if (event.syncState === 'rejected')
    return `refused by the server: ${event.rejection?.reason ?? 'no reason given'}`
  return 'synced'
}

export function HistoryTab({ ticket }: { ticket: Ticket }) {
  const { store } = useDesk()
  const directory = useDirectory()
  const now = useNow(30_000)
  const events = useLiveQuery(
    () => store.ticketEvents(ticket.id),
    [store, ticket.id, ticket.lastEventKey],
    [],
  )
  const conflicts = new Map(
    ticket.history.filter((h) => h.conflict).map((h) => [h.eventId, h.conflict!]),
  )
  return (
    <table className="table history">
      <caption className="visually-hidden">History of {ticket.number}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What</th>
          <th scope="col">Who</th>
          <th scope="col">Station</th>
          <th scope="col">Details</th>
          <th scope="col">Sync</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => {
          const conflict = conflicts.get(event.id)
          const problem = conflict ?? (event.syncState === 'rejected' ? 'refused' : null)
          return (
            <tr key={event.id} className={problem ? 'history__problem' : undefined}>
              <td>{formatWhen(hlcWallMs(event.hlc), now)}</td>
              <td>{EVENT_LABELS[event.type]}</td>
              <td>{event.actor}</td>
              <td>{event.station}</td>
              <td>
                {summary(event, directory)}
                {conflict && <div className="conflict">Not applied: {conflict}</div>}
              </td>
              <td className={event.syncState === 'rejected' ? 'field__error' : 'muted'}>
                {syncLabel(event)}
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
