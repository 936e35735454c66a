/**
 * Details: what the call was about, editable as understanding changes (rule 2: impact and urgency
 * reflect current understanding). Only the fields the agent touched are sent, so an edit never
 * overwrites what another station changed meanwhile in a field the agent left alone.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { useState } from 'react'
import type { Caller, EditableFields } from '../../../shared/incident/events'
import { needsCallBack } from '../../../shared/incident/follow-up'
import { SLA_PAUSED } from '../../../shared/incident/sla-clock'
import { changeFields } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import type { Level } from '../../../shared/incident/vocabulary'
import { useDesk, useRecord } from '../app/desk'
import { useDirectory } from '../app/use-directory'
import { Checkbox, FormErrors, SelectField, TextArea, TextField } from '../ui/fields'
import {
  AGREEMENT_LABELS,
  CONTACT_CHANNEL_LABELS,
  CONTACT_OUTCOME_LABELS,
  IDENTITY_LABELS,
  IMPACT_OPTIONS,
  KIND_LABELS,
  RESOLUTION_CODE_LABELS,
  URGENCY_OPTIONS,
} from '../ui/labels'
import { NO_REFUSALS, TICKET_DETAIL_FIELDS, sortRefusals } from '../ui/rule-errors'
import { formatWhen, useNow } from '../ui/time'

type Edits = Omit<EditableFields, 'caller' | 'identityCheck'> & { caller?: Caller }

const DETAIL_FIELDS = [...TICKET_DETAIL_FIELDS, 'caller']

/** A due time, or why there is none while the clock stands still (a hold awaiting the customer). */
const dueText = (dueAt: number, now: number) =>
  dueAt === SLA_PAUSED ? 'Paused: awaiting the customer' : formatWhen(dueAt, now)

export function DetailsTab({ ticket }: { ticket: Ticket }) {
  const desk = useDesk()
  const record = useRecord()
  const directory = useDirectory()
  const now = useNow(30_000)
  const [edits, setEdits] = useState<Edits>({})
  const [refusals, setRefusals] = useState(NO_REFUSALS)
  const parent = useLiveQuery(
    async () =>
      ticket.parentTicketId ? ((await desk.store.getTicket(ticket.parentTicketId)) ?? null) : null,
    [desk.store, ticket.parentTicketId],
    null,
  )

  const value = <K extends keyof Edits>(key: K) =>
    (edits[key] ?? ticket[key as keyof Ticket]) as NonNullable<Edits[K]>
  const edit = (patch: Edits) => {
    setEdits({ ...edits, ...patch })
    setRefusals(NO_REFUSALS)
  }
  const caller = value('caller')
  const editCaller = (patch: Partial<Caller>) => edit({ caller: { ...caller, ...patch } })
  const dirty = Object.keys(edits).length > 0

  async function save() {
    const result = await record((ctx) => changeFields(ticket, edits, ctx))
    if (result.ok) setEdits({})
    else setRefusals(sortRefusals(result.errors, DETAIL_FIELDS))
  }

  // Rule 8: what was resolved stays as it was agreed; reopening (rule 9) makes it editable again.
  const editable = ticket.state === 'open' || ticket.state === 'on_hold'
  return (
    <div className="details">
      {!editable && (
        <p className="details__wide muted">
          {ticket.state === 'resolved'
            ? 'Resolved: the details are read-only. Reopen the ticket to change them.'
            : 'Closed: the details are read-only.'}
        </p>
      )}
      {needsCallBack(ticket) && (
        <p className="pill pill--warn details__wide" role="status">
          Call the customer back (rule 9): this came in by email and nobody has phoned yet.
        </p>
      )}
      <form
        className="details__form"
        aria-label="Ticket details"
        onSubmit={(event) => {
          event.preventDefault()
          void save()
        }}
      >
        <fieldset disabled={!editable}>
          <legend>The call</legend>
          <TextField
            label="Title"
            value={value('title')}
            error={refusals.byField.title}
            onChange={(title) => edit({ title })}
          />
          <TextArea
            label="Description"
            rows={3}
            value={value('description')}
            onChange={(description) => edit({ description })}
          />
          <div className="row">
            <TextField
              label="Service"
              value={value('service')}
              onChange={(service) => edit({ service })}
            />
            <TextField
              label="Category"
              value={value('category')}
              onChange={(category) => edit({ category })}
            />
            <TextField
              label="Subcategory"
              value={value('subcategory')}
              onChange={(subcategory) => edit({ subcategory })}
            />
          </div>
          <div className="row">
            <SelectField
              label="Impact"
              value={`${value('impact')}`}
              options={IMPACT_OPTIONS}
              onChange={(v) => edit({ impact: Number(v) as Level })}
            />
            <SelectField
              label="Urgency"
              value={`${value('urgency')}`}
              options={URGENCY_OPTIONS}
              onChange={(v) => edit({ urgency: Number(v) as Level })}
            />
            <Checkbox
              label="Priority increase"
              checked={value('priorityIncrease')}
              onChange={(priorityIncrease) => edit({ priorityIncrease })}
            />
          </div>
        </fieldset>
        <fieldset disabled={!editable}>
          <legend>Caller</legend>
          <div className="row">
            <TextField
              label="Caller name"
              value={caller.name}
              error={refusals.byField.caller}
              onChange={(name) => editCaller({ name })}
            />
            <TextField
              label="Caller phone"
              type="tel"
              value={caller.phone ?? ''}
              onChange={(phone) => editCaller({ phone })}
            />
            <TextField
              label="Caller email"
              type="email"
              value={caller.email ?? ''}
              onChange={(email) => editCaller({ email })}
            />
          </div>
          <p className="muted">
            {[caller.username, caller.department, caller.role].filter(Boolean).join(' · ')}
            {ticket.identityVerified.length > 0 &&
              ` · identity verified: ${ticket.identityVerified.map((i) => IDENTITY_LABELS[i as keyof typeof IDENTITY_LABELS] ?? i).join(', ')}`}
          </p>
        </fieldset>
        <FormErrors messages={refusals.general} />
        {dirty && (
          <div className="form-actions">
            <button type="submit" className="button--primary">
              Save changes
            </button>
            <button type="button" onClick={() => setEdits({})}>
              Undo my changes
            </button>
          </div>
        )}
      </form>

      <aside className="details__facts" aria-label="Ticket facts">
        <dl>
          <dt>Received</dt>
          <dd>{formatWhen(ticket.receivedAt, now)}</dd>
          <dt>Owner</dt>
          <dd>{ticket.owner}</dd>
          {ticket.firstAssignedAt === null ? (
            <>
              <dt>First assignment due</dt>
              <dd>{dueText(ticket.firstAssignmentDueAt, now)}</dd>
            </>
          ) : (
            <>
              <dt>First assigned</dt>
              <dd>{formatWhen(ticket.firstAssignedAt, now)}</dd>
            </>
          )}
          <dt>Resolution due</dt>
          <dd>{dueText(ticket.resolutionDueAt, now)}</dd>
          <dt>Type</dt>
          <dd>{ticket.kindHistory.map((k) => KIND_LABELS[k.kind]).join(' → ')}</dd>
          {parent && (
            <>
              <dt>Parent incident</dt>
              <dd>
                <button
                  type="button"
                  className="link"
                  onClick={() => desk.nav.getState().openTicket(parent.id)}
                >
                  {parent.number}
                </button>{' '}
                {parent.title}
              </dd>
            </>
          )}
          {ticket.closure && (
            <>
              <dt>Closed</dt>
              <dd>
                by {ticket.closure.by}, {formatWhen(ticket.closure.at, now)}
                {ticket.closure.customerSatisfied === null
                  ? ''
                  : ticket.closure.customerSatisfied
                    ? ' · customer satisfied'
                    : ' · customer not satisfied'}
              </dd>
            </>
          )}
        </dl>
        <h2>Customer contacts</h2>
        {ticket.contacts.length === 0 ? (
          <p className="muted">No contact with the customer recorded yet.</p>
        ) : (
          <ol aria-label="Customer contacts">
            {ticket.contacts.map((c) => (
              <li key={`${c.at}${c.by}${c.channel}`}>
                {CONTACT_CHANNEL_LABELS[c.channel]} · {CONTACT_OUTCOME_LABELS[c.outcome]} ·{' '}
                {directory.userName(c.by)}, {formatWhen(c.at, now)}
                {c.note ? <div className="muted">{c.note}</div> : null}
              </li>
            ))}
          </ol>
        )}
      </aside>
      {ticket.resolution && (
        <ResolutionSummary
          resolution={ticket.resolution}
          teamName={directory.teamName}
          userName={directory.userName}
          nowMs={now}
        />
      )}
    </div>
  )
}

/** Full width: the actions taken are prose, read as a paragraph (rule 8). */
function ResolutionSummary({
  resolution,
  teamName,
  userName,
  nowMs,
}: {
  resolution: NonNullable<Ticket['resolution']>
  teamName: (id: string) => string
  userName: (id: string) => string
  nowMs: number
}) {
  return (
    <section className="details__resolution panel" aria-labelledby="resolution-heading">
      <h2 id="resolution-heading">Resolution</h2>
      <p className="muted">
        {RESOLUTION_CODE_LABELS[resolution.resolutionCode]} · by {userName(resolution.by)},{' '}
        {formatWhen(resolution.at, nowMs)} · agreed{' '}
        {AGREEMENT_LABELS[resolution.customerAgreement.method].toLowerCase()} ·{' '}
        {resolution.firstContactResolution ? 'first-contact resolution' : 'not first contact'} ·{' '}
        {resolution.timeSpentMinutes} min
      </p>
      <p>Root cause: {resolution.classification.rootCause}</p>
      <p className="pre">{resolution.resolutionNotes}</p>
      {resolution.takenFromTeam && (
        <p>
          Resolved for {teamName(resolution.takenFromTeam.teamId)}, which held it:{' '}
          {resolution.takenFromTeam.reason}
        </p>
      )}
    </section>
  )
}
