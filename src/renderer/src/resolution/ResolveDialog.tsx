/**
 * Resolve (rule 8): the actions taken, the classification by root cause, the resolution code,
 * how the customer agreed, first-contact resolution and the time spent — the call timer runs from
 * the call's start and fills the time until the agent types their own figure.
 */
import { useState } from 'react'
import { resolvingTakesFromTeam } from '../../../shared/incident/holding'
import type { Ticket } from '../../../shared/incident/ticket'
import type { AgreementMethod, ResolutionCode } from '../../../shared/incident/vocabulary'
import { useCalls, useRecord } from '../app/desk'
import { useDirectory } from '../app/use-directory'
import { talkMinutes } from '../calls/call-store'
import { Dialog } from '../ui/Dialog'
import {
  Checkbox,
  FormErrors,
  SelectField,
  TextArea,
  TextField,
  type ErrorText,
} from '../ui/fields'
import { AGREEMENT_LABELS, RESOLUTION_CODE_LABELS, optionsOf } from '../ui/labels'
import { NO_REFUSALS, sortRefusals } from '../ui/rule-errors'
import { formatElapsed, useNow } from '../ui/time'
import {
  RESOLVE_FIELDS,
  initialResolveForm,
  resolveTicket,
  timerMinutes,
  type ResolveForm,
} from './resolve-form'

const CODE_OPTIONS = [
  { value: '' as const, label: 'Choose…' },
  ...optionsOf(RESOLUTION_CODE_LABELS),
]
const AGREEMENT_OPTIONS = [{ value: '' as const, label: 'Choose…' }, ...optionsOf(AGREEMENT_LABELS)]

export function ResolveDialog({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const record = useRecord()
  const directory = useDirectory()
  const now = useNow(1000)
  const talk = useCalls((s) => (ticket.callId ? s.calls[ticket.callId]?.talkSeconds : null))
  const [form, setForm] = useState<ResolveForm>(() => initialResolveForm(ticket, talkMinutes(talk)))
  const [refusals, setRefusals] = useState(NO_REFUSALS)
  const change = (patch: Partial<ResolveForm>) => {
    setForm({ ...form, ...patch })
    setRefusals(NO_REFUSALS)
  }
  const error = (field: (typeof RESOLVE_FIELDS)[number]) => refusals.byField[field]

  async function submit() {
    const result = await record((ctx) => resolveTicket(ticket, form, ctx))
    if (result.ok) onClose()
    else setRefusals(sortRefusals(result.errors, RESOLVE_FIELDS))
  }

  return (
    <Dialog title={`Resolve ${ticket.number}`} onClose={onClose} wide>
      <form
        className="resolve"
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          void submit()
        }}
      >
        <TextArea
          label="Resolution notes"
          rows={3}
          autoFocus
          value={form.resolutionNotes}
          error={error('resolutionNotes')}
          hint="The actions taken, concise and readable."
          onChange={(resolutionNotes) => change({ resolutionNotes })}
        />
        <fieldset>
          <legend>Classification by root cause</legend>
          <div className="row">
            <TextField
              label="Service"
              value={form.service}
              error={error('classification.service')}
              onChange={(service) => change({ service })}
            />
            <TextField
              label="Category"
              value={form.category}
              error={error('classification.category')}
              onChange={(category) => change({ category })}
            />
            <TextField
              label="Subcategory"
              value={form.subcategory}
              error={error('classification.subcategory')}
              onChange={(subcategory) => change({ subcategory })}
            />
          </div>
          <TextField
            label="Root cause"
            value={form.rootCause}
            error={error('classification.rootCause')}
            onChange={(rootCause) => change({ rootCause })}
          />
        </fieldset>
        <div className="row">
          <SelectField<ResolutionCode | ''>
            label="Resolution code"
            value={form.resolutionCode}
            options={CODE_OPTIONS}
            error={error('resolutionCode')}
            onChange={(resolutionCode) => change({ resolutionCode })}
          />
          <SelectField<AgreementMethod | ''>
            label="Customer agreed"
            value={form.agreement}
            options={AGREEMENT_OPTIONS}
            error={error('customerAgreement.method')}
            onChange={(agreement) => change({ agreement })}
          />
          <TextField
            label="How (who, where)"
            value={form.agreementDetail}
            error={error('customerAgreement.detail')}
            onChange={(agreementDetail) => change({ agreementDetail })}
          />
        </div>
        <div className="row row--end">
          <Checkbox
            label="First-contact resolution (resolved before the call ended)"
            checked={form.firstContactResolution}
            error={error('firstContactResolution')}
            onChange={(firstContactResolution) => change({ firstContactResolution })}
          />
          <TextField
            label="Time spent (minutes)"
            type="number"
            min={0}
            value={form.timeSpent ?? String(timerMinutes(ticket.receivedAt, now))}
            error={error('timeSpentMinutes')}
            hint={
              form.timeSpent === null ? (
                <>Call timer {formatElapsed(now - ticket.receivedAt)}</>
              ) : talk != null && form.timeSpent === String(talkMinutes(talk)) ? (
                <>Talk time from the phone system: {formatElapsed(talk * 1000)}</>
              ) : (
                <button type="button" className="link" onClick={() => change({ timeSpent: null })}>
                  Use the call timer again
                </button>
              )
            }
            onChange={(timeSpent) => change({ timeSpent })}
          />
        </div>
        {resolvingTakesFromTeam(ticket) && (
          <TakeOver
            team={directory.teamName(ticket.teamId)}
            form={form}
            error={error('takenFromTeam.reason') ?? error('takenFromTeam')}
            change={change}
          />
        )}
        <FormErrors messages={refusals.general} />
        <div className="form-actions">
          <button type="submit" className="button--primary">
            Resolve {ticket.number}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}

/** Rule 4: a second-level team holds the ticket; resolving it takes it from them, on the record. */
function TakeOver({
  team,
  form,
  error,
  change,
}: {
  team: string
  form: ResolveForm
  error: ErrorText | undefined
  change: (patch: Partial<ResolveForm>) => void
}) {
  return (
    <fieldset className="panel panel--warn">
      <legend>{team} holds this ticket</legend>
      <Checkbox
        label={`I resolve it for ${team}`}
        checked={form.takeOver}
        onChange={(takeOver) => change({ takeOver })}
      />
      <TextArea
        label={`Why you resolve it instead of ${team}`}
        rows={2}
        value={form.takeOverReason}
        error={error}
        hint="Kept on the resolution, for the team and for quality review."
        onChange={(takeOverReason) => change({ takeOverReason })}
      />
    </fieldset>
  )
}
