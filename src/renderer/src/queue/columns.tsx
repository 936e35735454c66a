/**
 * The queue's columns, once: TanStack Table column definitions for the grid, and the CSV columns
 * of an export of the same view. Sorting is the model's (`manualSorting`): a column's accessor
 * only makes it sortable in the table's eyes, and its id is the model's sort key.
 */
import {
  createColumnHelper,
  metaHelper,
  rowSortingFeature,
  tableFeatures,
} from '@tanstack/react-table'
import { AlsoOpen } from '../presence/AlsoOpen'
import { STATE_LABELS } from '../ui/labels'
import type { CsvColumn } from './csv'
import { useQueueEnv, useTicking } from './context'
import { isBounced, isMajorIncident, isReturnedToCsc, isUnassigned, type QueueRow } from './model'
import { formatDuration, slaOf, type SlaStatus } from './sla'

export const queueFeatures = tableFeatures({
  rowSortingFeature,
  /** Widths are the grid's business (fixed, for virtualised rows), not a table feature's. */
  columnMeta: metaHelper<{ width: number }>(),
})
const helper = createColumnHelper<typeof queueFeatures, QueueRow>()

export const SLA_LABELS: Record<SlaStatus, string> = {
  ok: 'On track',
  at_risk: 'At risk',
  breached: 'Breached',
}

function SlaCell({ row }: { row: QueueRow }) {
  const text = useTicking((now) => {
    const sla = slaOf(row.ticket, now)
    return sla.target ? `${sla.status}|${formatDuration(sla.remainingMs)}` : 'ok|'
  })
  const [status, left] = text.split('|') as [SlaStatus, string]
  return (
    <span className={`sla sla--${status}`} title={SLA_LABELS[status]}>
      <span className="visually-hidden">{SLA_LABELS[status]}: </span>
      {left || '—'}
    </span>
  )
}

function AgeCell({ row }: { row: QueueRow }) {
  // Minutes are enough for age: the cell re-renders once a minute.
  const minutes = useTicking((now) => Math.floor((now - row.ticket.receivedAt) / 60_000))
  return <>{formatDuration(minutes * 60_000, 'minutes')}</>
}

function ViewersCell({ row }: { row: QueueRow }) {
  const { presence, directory } = useQueueEnv()
  return <AlsoOpen presence={presence} ticketId={row.id} userName={directory.userName} compact />
}

function TeamCell({ row }: { row: QueueRow }) {
  return <>{useQueueEnv().directory.teamName(row.ticket.teamId)}</>
}

/** The flags a supervisor scans for, in the words of the process rules. */
export function flagsOf(row: QueueRow): string[] {
  const flags: string[] = []
  if (isUnassigned(row.ticket)) flags.push('Unassigned')
  if (isBounced(row.ticket)) flags.push('Bounced')
  if (isReturnedToCsc(row.ticket)) flags.push('Returned to CSC')
  if (isMajorIncident(row)) flags.push(`Major: ${row.linkedCalls} linked`)
  if (row.ticket.parentTicketId) flags.push('Linked call')
  if (row.unsynced) flags.push('Not synced')
  return flags
}

export const queueColumns = helper.columns([
  helper.accessor((row) => row.numberKey, {
    id: 'number',
    header: 'Number',
    meta: { width: 96 },
    cell: ({ row }) => <span className="ticket-number">{row.original.ticket.number}</span>,
  }),
  helper.accessor((row) => row.ticket.priority, {
    id: 'priority',
    header: 'Priority',
    meta: { width: 72 },
    cell: ({ row }) => (
      <span className={`pill pill--${row.original.ticket.priority}`}>
        {row.original.ticket.priority}
      </span>
    ),
  }),
  helper.accessor((row) => row.dueAt, {
    id: 'sla',
    header: 'SLA left',
    meta: { width: 104 },
    cell: ({ row }) => <SlaCell row={row.original} />,
  }),
  helper.accessor((row) => row.ticket.receivedAt, {
    id: 'age',
    header: 'Age',
    meta: { width: 92 },
    // The first click shows the oldest first.
    sortDescFirst: true,
    cell: ({ row }) => <AgeCell row={row.original} />,
  }),
  helper.accessor((row) => row.titleKey, {
    id: 'title',
    header: 'Title',
    meta: { width: 300 },
    cell: ({ row }) => row.original.ticket.title,
  }),
  helper.accessor((row) => row.callerKey, {
    id: 'caller',
    header: 'Caller',
    meta: { width: 150 },
    cell: ({ row }) => row.original.ticket.caller.name,
  }),
  helper.accessor((row) => row.ticket.teamId, {
    id: 'team',
    header: 'Team',
    meta: { width: 160 },
    cell: ({ row }) => <TeamCell row={row.original} />,
  }),
  helper.accessor((row) => row.ticket.state, {
    id: 'state',
    header: 'State',
    meta: { width: 80 },
    cell: ({ row }) => STATE_LABELS[row.original.ticket.state],
  }),
  helper.accessor((row) => row.ticket.reassignmentCount, {
    id: 'reassignments',
    header: 'Moves',
    meta: { width: 64 },
    sortDescFirst: true,
    cell: ({ row }) => row.original.ticket.reassignmentCount,
  }),
  helper.display({
    id: 'flags',
    header: 'Flags',
    meta: { width: 200 },
    cell: ({ row }) =>
      flagsOf(row.original).map((flag) => (
        <span key={flag} className="pill pill--warn">
          {flag}
        </span>
      )),
  }),
  helper.display({
    id: 'viewers',
    header: 'Open by',
    meta: { width: 140 },
    cell: ({ row }) => <ViewersCell row={row.original} />,
  }),
])

/** The export of a queue view: more detail than fits on screen, times as ISO 8601 (UTC). */
export function queueCsvColumns(
  now: number,
  teamName: (teamId: string) => string,
): CsvColumn<QueueRow>[] {
  const iso = (ms: number | null) =>
    ms === null || !Number.isFinite(ms) ? '' : new Date(ms).toISOString()
  return [
    { header: 'Number', value: (r) => r.ticket.number },
    { header: 'Priority', value: (r) => r.ticket.priority },
    { header: 'SLA', value: (r) => SLA_LABELS[slaOf(r.ticket, now).status] },
    {
      header: 'Minutes left',
      value: (r) => {
        const sla = slaOf(r.ticket, now)
        return sla.target ? Math.floor(sla.remainingMs / 60_000) : null
      },
    },
    { header: 'Next due (UTC)', value: (r) => iso(r.dueAt) },
    { header: 'Received (UTC)', value: (r) => iso(r.ticket.receivedAt) },
    { header: 'Age (minutes)', value: (r) => Math.floor((now - r.ticket.receivedAt) / 60_000) },
    { header: 'Title', value: (r) => r.ticket.title },
    { header: 'Caller', value: (r) => r.ticket.caller.name },
    { header: 'Team', value: (r) => teamName(r.ticket.teamId) },
    { header: 'Assignee', value: (r) => r.ticket.assignee },
    { header: 'Owner', value: (r) => r.ticket.owner },
    { header: 'State', value: (r) => STATE_LABELS[r.ticket.state] },
    { header: 'Reassignments', value: (r) => r.ticket.reassignmentCount },
    { header: 'Flags', value: (r) => flagsOf(r).join('; ') },
  ]
}
