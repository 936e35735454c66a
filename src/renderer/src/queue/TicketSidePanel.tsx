/**
 * The selected ticket beside the queue, where the supervisor acts on it without leaving the
 * floor's picture: assign (rule 4: to a team, a person optional), escalate (the desk's escalation
 * dialog, with its warm transfer and routing guidance: rules 4 and 5), return to owner (rule 7).
 * Every action is a process command (src/shared/incident/rules/) run through the store's
 * record API; a refusal is shown with the rule that made it.
 */
import { useState } from 'react'
import {
  assign,
  returnToOwner,
  type CommandContext,
  type CommandResult,
  type RuleError,
} from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { CSC_TEAM_ID } from '../../../shared/incident/vocabulary'
import type { MajorIncidentSettings, Role } from '../../../shared/directory'
import { ManagementEscalation } from '../escalation/ManagementEscalation'
import { AlsoOpen } from '../presence/AlsoOpen'
import { FormErrors, SelectField, TextField } from '../ui/fields'
import { MajorIncidentPanel } from './MajorIncidentPanel'
import { SOURCE_LABELS, STATE_LABELS } from '../ui/labels'
import { NO_REFUSALS, sortRefusals, type Refusal } from '../ui/rule-errors'
import { formatWhen } from '../ui/time'
import { describeState } from '../ticket/describe'
import { flagsOf, SLA_LABELS } from './columns'
import { useQueueEnv, useTicking } from './context'
import type { QueueRow } from './model'
import {
  formatDuration,
  runningTargets,
  TARGET_LABELS,
  targetStatus,
  type RunningTarget,
} from './sla'

/** Runs a process command as the signed-in user at this station (the desk's `useRecord()`). */
export type RecordCommand = (
  command: (ctx: CommandContext) => CommandResult,
) => Promise<{ ok: true } | { ok: false; errors: readonly RuleError[] }>

export interface TicketActions {
  record: RecordCommand
  /** Opens the whole ticket. */
  onOpenTicket?: ((ticketId: string) => void) | undefined
  /** Opens the desk's escalation dialog (warm transfer, routing guidance) for the ticket. */
  onEscalate?: ((ticketId: string) => void) | undefined
  /** Opens the desk's parent-incident picker (rule 10) for the ticket. */
  onLinkParent?: ((ticketId: string) => void) | undefined
  /** Rule 10: who hierarchical escalation reaches, and the signed-in user's role. */
  management?: { settings: MajorIncidentSettings; role: Role } | undefined
}

const WORKING = new Set<Ticket['state']>(['open', 'on_hold'])

function TargetLine({ target }: { target: RunningTarget }) {
  const text = useTicking(
    (now) =>
      `${targetStatus(target, now)}|${formatDuration(target.dueAt - now)}|${formatWhen(target.dueAt, now)}`,
  )
  const [status, left, due] = text.split('|') as [keyof typeof SLA_LABELS, string, string]
  return (
    <>
      <dt>{TARGET_LABELS[target.kind]}</dt>
      <dd>
        <span className={`sla sla--${status}`}>{SLA_LABELS[status]}</span> · due {due} ({left})
      </dd>
    </>
  )
}

function AssignForm({ ticket, record }: { ticket: Ticket; record: RecordCommand }) {
  const { directory } = useQueueEnv()
  const [target, setTarget] = useState({ teamId: '', assignee: '', reason: '' })
  const [refusals, setRefusals] = useState(NO_REFUSALS)

  async function submit() {
    const result = await record((ctx) =>
      assign(
        ticket,
        { teamId: target.teamId, assignee: target.assignee || null, reason: target.reason },
        ctx,
      ),
    )
    setRefusals(
      result.ok ? NO_REFUSALS : sortRefusals(result.errors, ['teamId', 'assignee', 'reason']),
    )
    if (result.ok) setTarget({ teamId: '', assignee: '', reason: '' })
  }

  return (
    <form
      aria-label="Assign"
      className="qpanel__form"
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <SelectField
        label="Assign to team"
        value={target.teamId}
        error={refusals.byField.teamId}
        options={[
          { value: '', label: 'Choose a team…' },
          ...[...directory.teams]
            .sort((a, b) => a.name.localeCompare(b.name))
            .map((t) => ({ value: t.id, label: t.name })),
        ]}
        onChange={(teamId) => setTarget({ ...target, teamId })}
      />
      <SelectField
        label="Person (optional)"
        value={target.assignee}
        error={refusals.byField.assignee}
        options={[
          { value: '', label: 'The team' },
          ...directory.users.map((u) => ({ value: u.username, label: u.displayName })),
        ]}
        onChange={(assignee) => setTarget({ ...target, assignee })}
      />
      <TextField
        label="Reason"
        value={target.reason}
        onChange={(reason) => setTarget({ ...target, reason })}
      />
      <FormErrors messages={refusals.general} />
      <button type="submit">Assign</button>
    </form>
  )
}

export function TicketSidePanel({
  row,
  linkedCalls,
  parent,
  floor,
  actions,
  onClose,
}: {
  row: QueueRow
  /** Rule 10: the calls linked to this ticket, when it is a major incident. */
  linkedCalls: readonly QueueRow[]
  parent: QueueRow | undefined
  /** The tickets the queue holds, for linking calls to a major incident. */
  floor: readonly Ticket[]
  actions: TicketActions
  onClose: () => void
}) {
  const { directory, presence } = useQueueEnv()
  const { ticket } = row
  const [errors, setErrors] = useState<readonly Refusal[]>([])
  const working = WORKING.has(ticket.state)
  const state = useTicking((now) => describeState(ticket, directory.teamName, now))

  async function giveBack() {
    const result = await actions.record((ctx) => returnToOwner(ticket, ctx))
    setErrors(result.ok ? [] : sortRefusals(result.errors, []).general)
  }

  return (
    <aside className="qpanel panel" aria-labelledby="qpanel-title">
      <header className="qpanel__header">
        <span className="ticket-number">{ticket.number}</span>
        <span className={`pill pill--${ticket.priority}`}>{ticket.priority}</span>
        <span className="pill" aria-label="State">
          {state}
        </span>
        <button
          type="button"
          className="button--quiet qpanel__close"
          onClick={onClose}
          aria-label="Close the side panel"
        >
          ×
        </button>
      </header>
      <h2 id="qpanel-title">{ticket.title}</h2>
      <AlsoOpen presence={presence} ticketId={ticket.id} userName={directory.userName} />
      {!working && <p className="muted">This ticket has left the open queue.</p>}
      <p>
        {flagsOf(row).map((flag) => (
          <span key={flag} className="pill pill--warn">
            {flag}
          </span>
        ))}
      </p>
      <dl className="facts">
        {runningTargets(ticket).map((target) => (
          <TargetLine key={target.kind} target={target} />
        ))}
        <dt>Team</dt>
        <dd>{directory.teamName(ticket.teamId)}</dd>
        <dt>Assignee</dt>
        <dd>{directory.userName(ticket.assignee)}</dd>
        <dt>Owner</dt>
        <dd>
          {directory.userName(ticket.owner)} at {ticket.ownerStation}
        </dd>
        <dt>Caller</dt>
        <dd>
          {ticket.caller.name}
          {ticket.caller.phone ? ` · ${ticket.caller.phone}` : ''}
        </dd>
        <dt>Source</dt>
        <dd>{SOURCE_LABELS[ticket.source]}</dd>
        <dt>Service</dt>
        <dd>
          {[ticket.service, ticket.category, ticket.subcategory].filter(Boolean).join(' / ') || '—'}
        </dd>
        <dt>Reassignments</dt>
        <dd>{ticket.reassignmentCount}</dd>
        {parent && (
          <>
            <dt>Major incident</dt>
            <dd>
              {parent.ticket.number} — {parent.ticket.title}
            </dd>
          </>
        )}
      </dl>
      {linkedCalls.length > 0 && (
        <section aria-label="Linked calls">
          <h3>Linked calls ({linkedCalls.length})</h3>
          <ul className="qpanel__calls">
            {linkedCalls.map((call) => (
              <li key={call.id}>
                <span className="ticket-number">{call.ticket.number}</span>{' '}
                {call.ticket.caller.name} · {STATE_LABELS[call.ticket.state]}
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="qpanel__actions" role="toolbar" aria-label="Ticket actions">
        {working && actions.onEscalate && (
          <button type="button" onClick={() => actions.onEscalate?.(ticket.id)}>
            Escalate…
          </button>
        )}
        {working && ticket.teamId !== CSC_TEAM_ID && (
          <button type="button" onClick={() => void giveBack()}>
            Return to owner
          </button>
        )}
        {ticket.state !== 'closed' && actions.onLinkParent && (
          <button type="button" onClick={() => actions.onLinkParent?.(ticket.id)}>
            {ticket.parentTicketId ? 'Parent incident…' : 'Link to parent…'}
          </button>
        )}
        {actions.onOpenTicket && (
          <button
            type="button"
            className="button--quiet"
            onClick={() => actions.onOpenTicket?.(ticket.id)}
          >
            Open the ticket
          </button>
        )}
      </div>
      <FormErrors messages={errors} />
      <MajorIncidentPanel ticket={ticket} floor={floor} record={actions.record} />
      {actions.management && (
        <ManagementEscalation
          key={`mgmt-${ticket.id}`}
          ticket={ticket}
          record={actions.record}
          settings={actions.management.settings}
          role={actions.management.role}
          userName={directory.userName}
        />
      )}
      {working && <AssignForm key={ticket.id} ticket={ticket} record={actions.record} />}
    </aside>
  )
}
