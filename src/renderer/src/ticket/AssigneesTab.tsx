/**
 * Assignees and Notifications: where the ticket is (team, person), how often it moved between
 * teams (rule 5), and Send Email To (rule 6) — the only way a customer note reaches the customer.
 */
import { useState } from 'react'
import { assign } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { CSC_TEAM_ID } from '../../../shared/incident/vocabulary'
import { useDesk, useRecord, useSession, useTicketUi } from '../app/desk'
import { useMajorIncidentSettings } from '../app/use-major-incident-settings'
import { ManagementEscalation } from '../escalation/ManagementEscalation'
import { useDirectory } from '../app/use-directory'
import { Checkbox, FormErrors, SelectField, TextField } from '../ui/fields'
import { NO_REFUSALS, sortRefusals } from '../ui/rule-errors'
import { formatWhen, useNow } from '../ui/time'
import { describeTransfer } from './describe'

const VIA_LABELS = {
  escalation: 'Escalated',
  assignment: 'Assigned',
  return_to_owner: 'Returned to owner',
} as const

export function AssigneesTab({ ticket }: { ticket: Ticket }) {
  const desk = useDesk()
  const record = useRecord()
  const directory = useDirectory()
  const now = useNow(30_000)
  const settings = useMajorIncidentSettings()
  const role = useSession((s) => s.user?.role ?? 'agent')
  const sendEmailTo = useTicketUi((s) => s.of(ticket.id).sendEmailTo)
  const [target, setTarget] = useState({ teamId: '', assignee: '', reason: '' })
  const [refusals, setRefusals] = useState(NO_REFUSALS)
  const working = ticket.state === 'open' || ticket.state === 'on_hold'

  async function reassign() {
    const result = await record((ctx) =>
      assign(
        ticket,
        { teamId: target.teamId, assignee: target.assignee || null, reason: target.reason },
        ctx,
      ),
    )
    if (result.ok) setTarget({ teamId: '', assignee: '', reason: '' })
    setRefusals(
      result.ok ? NO_REFUSALS : sortRefusals(result.errors, ['teamId', 'assignee', 'reason']),
    )
  }

  const teamOptions = [
    { value: '', label: 'Choose a team…' },
    ...directory.teams.map((t) => ({ value: t.id, label: `${t.name} (tier ${t.tier})` })),
  ]
  return (
    <div className="assignees">
      <section aria-labelledby="assignment-heading" className="panel">
        <h2 id="assignment-heading">Assignment</h2>
        <dl className="facts">
          <dt>Team</dt>
          <dd>{directory.teamName(ticket.teamId)}</dd>
          <dt>Assignee</dt>
          <dd>{directory.userName(ticket.assignee)}</dd>
          <dt>Owner</dt>
          <dd>{directory.userName(ticket.owner)}</dd>
          <dt>Reassignments</dt>
          <dd>
            <output aria-label="Reassignment count">{ticket.reassignmentCount}</output>
            {ticket.reassignmentCount >= 2 && <span className="pill pill--warn">bounced</span>}
          </dd>
          <dt>Returned to the CSC</dt>
          <dd>{ticket.returnedToCscCount}</dd>
        </dl>
        {ticket.assignments.length > 0 && (
          <table className="table">
            <caption className="visually-hidden">Assignment history</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">How</th>
                <th scope="col">To</th>
                <th scope="col">By</th>
                <th scope="col">Warm transfer / reason</th>
              </tr>
            </thead>
            <tbody>
              {ticket.assignments.map((a) => (
                <tr key={a.eventId}>
                  <td>{formatWhen(a.at, now)}</td>
                  <td>{VIA_LABELS[a.via]}</td>
                  <td>
                    {directory.teamName(a.teamId)}
                    {a.assignee && a.teamId !== CSC_TEAM_ID
                      ? ` · ${directory.userName(a.assignee)}`
                      : ''}
                  </td>
                  <td>{a.by}</td>
                  <td>
                    {a.warmTransfer ? describeTransfer(a.warmTransfer) : ''}
                    {a.offGuidanceReason ? ` · off guidance: ${a.offGuidanceReason}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {working && (
          <form
            className="row row--end"
            aria-label="Reassign"
            onSubmit={(event) => {
              event.preventDefault()
              void reassign()
            }}
          >
            <SelectField
              label="Assign to team"
              value={target.teamId}
              options={teamOptions}
              error={refusals.byField.teamId}
              onChange={(teamId) => setTarget({ ...target, teamId })}
            />
            <TextField
              label="Person in the team (optional)"
              value={target.assignee}
              onChange={(assignee) => setTarget({ ...target, assignee })}
            />
            <TextField
              label="Reason"
              value={target.reason}
              onChange={(reason) => setTarget({ ...target, reason })}
            />
            <button type="submit">Assign</button>
            <FormErrors messages={refusals.general} />
          </form>
        )}
        <ManagementEscalation
          ticket={ticket}
          record={record}
          settings={settings}
          role={role}
          userName={directory.userName}
        />
      </section>

      <section aria-labelledby="notify-heading" className="panel">
        <h2 id="notify-heading">Send Email To</h2>
        <p className="muted">
          Applies to the next customer note, then clears. Tech Notes are never emailed.
        </p>
        <Checkbox
          label={
            ticket.caller.email
              ? `Send Email To: customer (${ticket.caller.email})`
              : 'Send Email To: customer (no email address on the ticket)'
          }
          checked={sendEmailTo.customer}
          onChange={(customer) =>
            desk.ticketUi.getState().setSendEmailTo(ticket.id, { ...sendEmailTo, customer })
          }
        />
        <TextField
          label="CC"
          type="text"
          placeholder="addresses, separated by commas"
          value={sendEmailTo.cc}
          onChange={(cc) =>
            desk.ticketUi.getState().setSendEmailTo(ticket.id, { ...sendEmailTo, cc })
          }
        />
      </section>
    </div>
  )
}
