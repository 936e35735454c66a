/**
 * Escalation with warm transfer (rules 4 and 5). The routing guidance picks the team; its
 * warm-transfer number, hours and KB reference stay on screen while the agent transfers; the
 * transfer is recorded (who accepted, or why it could not happen) and the ticket goes to the team.
 */
import { useId, useState } from 'react'
import { escalate } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { useCalls, useDesk, useRecord } from '../app/desk'
import { useDirectory } from '../app/use-directory'
import { Dialog } from '../ui/Dialog'
import { FieldError, FormErrors, SelectField, TextArea, TextField } from '../ui/fields'
import { NO_REFUSALS, sortRefusals } from '../ui/rule-errors'
import {
  ESCALATION_FIELDS,
  chooseTeam,
  escalationInput,
  escalationTeams,
  initialForm,
  isOffGuidance,
  suggestionsFor,
  type EscalationForm,
  type TransferOutcome,
} from './escalation'

const OUTCOMES: { value: TransferOutcome; label: string }[] = [
  { value: 'completed', label: 'Transferred — the team accepted the call' },
  { value: 'not_possible', label: 'Could not transfer' },
  { value: 'not_applicable', label: 'No call to transfer (not a phone incident)' },
]

export function EscalationDialog({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const directory = useDirectory()
  return (
    <Dialog title={`Escalate ${ticket.number}`} onClose={onClose} wide>
      {/* The form starts from the routing guidance, so it waits for the directory. */}
      {!directory.loaded ? null : directory.teams.length === 0 ? (
        <p>
          This station has no team directory yet. It arrives from the central server at sign-in.
        </p>
      ) : (
        <EscalationFormView ticket={ticket} onClose={onClose} directory={directory} />
      )}
    </Dialog>
  )
}

function EscalationFormView({
  ticket,
  onClose,
  directory,
}: {
  ticket: Ticket
  onClose: () => void
  directory: ReturnType<typeof useDirectory>
}) {
  const desk = useDesk()
  const record = useRecord()
  const suggestions = suggestionsFor(ticket, directory.routingGuidance, directory.teams)
  const pbxTransfer = useCalls((s) => (ticket.callId ? s.calls[ticket.callId]?.transfer : null))
  const [form, setForm] = useState<EscalationForm>(() =>
    initialForm(
      ticket,
      suggestions,
      pbxTransfer ? { transfer: pbxTransfer, teams: directory.teams } : null,
    ),
  )
  const [refusals, setRefusals] = useState(NO_REFUSALS)
  const radioName = useId()
  const teams = escalationTeams(directory.teams, ticket.teamId)
  const team = directory.teams.find((t) => t.id === form.teamId)
  const followed = suggestions.find((s) => s.guidance.teamId === form.teamId)
  const offGuidance = isOffGuidance(form, suggestions)
  const suggestedIds = new Set(suggestions.map((s) => s.guidance.teamId))

  const change = (patch: Partial<EscalationForm>) => {
    setForm({ ...form, ...patch })
    setRefusals(NO_REFUSALS)
  }

  async function submit() {
    const input = escalationInput(form, suggestions, directory.teams, Date.now())
    const result = await record((ctx) => escalate(ticket, input, ctx))
    if (!result.ok) {
      setRefusals(sortRefusals(result.errors, Object.values(ESCALATION_FIELDS)))
      return
    }
    desk.ticketUi.getState().setTab(ticket.id, 'assignees')
    onClose()
  }

  const teamOptions = [
    { value: '', label: 'Choose a team…' },
    ...teams
      .filter((t) => suggestedIds.has(t.id))
      .map((t) => ({ value: t.id, label: `${t.name} — suggested by the routing guidance` })),
    ...teams.filter((t) => !suggestedIds.has(t.id)).map((t) => ({ value: t.id, label: t.name })),
  ]
  const error = (key: keyof typeof ESCALATION_FIELDS) => refusals.byField[ESCALATION_FIELDS[key]]

  return (
    <form
      className="escalation"
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <div className="escalation__form">
        <p className="muted">
          {ticket.service || 'No service'} / {ticket.category || 'no category'} ·{' '}
          {suggestions.length > 0
            ? `the routing guidance suggests ${suggestions.map((s) => s.team?.name ?? s.guidance.teamId).join(', ')}`
            : 'no routing guidance covers this service and category'}
        </p>
        <SelectField
          label="Team"
          value={form.teamId}
          options={teamOptions}
          error={error('teamId')}
          autoFocus
          onChange={(teamId) => {
            setForm(
              chooseTeam(
                form,
                directory.teams.find((t) => t.id === teamId),
              ),
            )
            setRefusals(NO_REFUSALS)
          }}
        />
        {offGuidance && (
          <TextArea
            label="Why this team and not the suggested one"
            rows={2}
            value={form.offGuidanceReason}
            error={error('offGuidanceReason')}
            hint="Reassignments are counted and reviewed (rule 5)."
            onChange={(offGuidanceReason) => change({ offGuidanceReason })}
          />
        )}
        <fieldset className={`transfer${error('warmTransfer') ? ' field--invalid' : ''}`}>
          <legend>Warm transfer</legend>
          {pbxTransfer && (
            <p className="muted">
              The phone system transferred this call to {pbxTransfer.to} at{' '}
              {new Date(pbxTransfer.at).toLocaleTimeString()}.
            </p>
          )}
          {form.transfer === null && (
            <p className="muted">
              Call {team?.warmTransferPhone || 'the team'}, then say how it went.
            </p>
          )}
          {OUTCOMES.map((outcome) => (
            <div className="check" key={outcome.value}>
              <input
                id={`${radioName}-${outcome.value}`}
                type="radio"
                name={radioName}
                checked={form.transfer === outcome.value}
                onChange={() => change({ transfer: outcome.value })}
              />
              <label htmlFor={`${radioName}-${outcome.value}`}>{outcome.label}</label>
            </div>
          ))}
          <FieldError error={error('warmTransfer')} />
        </fieldset>
        {(form.transfer === 'completed' || form.transfer === 'not_possible') && (
          <TextField
            label="Number dialled"
            type="tel"
            value={form.contactUsed}
            error={error('contactUsed')}
            onChange={(contactUsed) => change({ contactUsed })}
          />
        )}
        {form.transfer === 'completed' && (
          <TextField
            label="Accepted by"
            value={form.acceptedBy}
            error={error('acceptedBy')}
            hint="The name of the person at the team who took the call."
            onChange={(acceptedBy) => change({ acceptedBy })}
          />
        )}
        {form.transfer === 'not_possible' && (
          <TextArea
            label="Why the transfer could not happen"
            rows={2}
            value={form.notPossibleReason}
            error={error('notPossibleReason')}
            onChange={(notPossibleReason) => change({ notPossibleReason })}
          />
        )}
        <FormErrors messages={refusals.general} />
        <div className="form-actions">
          <button type="submit" className="button--primary">
            {team ? `Escalate and assign to ${team.name}` : 'Escalate'}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </div>

      <aside className="contact-card" aria-label="Team contact">
        {team ? (
          <>
            <h3>{team.name}</h3>
            <p className="contact-card__phone">
              <span className="muted">Warm transfer</span>
              <strong>{team.warmTransferPhone || 'no number on file'}</strong>
            </p>
            <dl>
              <dt>Hours</dt>
              <dd>{team.hours || '—'}</dd>
              <dt>Email</dt>
              <dd>{team.email || '—'}</dd>
              <dt>Tier</dt>
              <dd>{team.tier}</dd>
              {followed && (
                <>
                  <dt>KB reference</dt>
                  <dd>{followed.guidance.kbReference || '—'}</dd>
                  {followed.guidance.notes && (
                    <>
                      <dt>Guidance</dt>
                      <dd>{followed.guidance.notes}</dd>
                    </>
                  )}
                </>
              )}
            </dl>
            {team.description && <p className="muted">{team.description}</p>}
          </>
        ) : (
          <p className="muted">
            Choose a team to see its warm-transfer number, hours and KB reference.
          </p>
        )}
      </aside>
    </form>
  )
}
