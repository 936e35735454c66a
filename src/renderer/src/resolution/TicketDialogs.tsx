/**
 * The small decisions on a ticket: reopen (rule 9), close (rule 8: is the customer satisfied),
 * reclassify (rule 1: no technical issue), hold, a customer contact (rule 9) and a note redaction
 * (rule 11). Each runs its command and shows the refusal inline.
 */
import { useState, type ReactNode } from 'react'
import type { PayloadOf } from '../../../shared/incident/events'
import {
  close,
  hold,
  reclassify,
  recordContact,
  redactNote,
  reopen,
  type CommandResult,
} from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import {
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  TICKET_KINDS,
  type TicketKind,
} from '../../../shared/incident/vocabulary'
import { useRecord, type DeskCommandContext } from '../app/desk'
import { Dialog } from '../ui/Dialog'
import { Checkbox, FormErrors, SelectField, TextArea } from '../ui/fields'
import { CONTACT_CHANNEL_LABELS, CONTACT_OUTCOME_LABELS, KIND_LABELS } from '../ui/labels'
import { NO_REFUSALS, sortRefusals, type Refusal } from '../ui/rule-errors'

interface CommandDialogProps {
  title: string
  submitLabel: string
  onClose: () => void
  command: (ctx: DeskCommandContext) => CommandResult
  /** The form fields a refusal can point at. */
  fields: readonly string[]
  children: (error: (field: string) => Refusal | undefined, touched: () => void) => ReactNode
}

function CommandDialog({
  title,
  submitLabel,
  onClose,
  command,
  fields,
  children,
}: CommandDialogProps) {
  const record = useRecord()
  const [refusals, setRefusals] = useState(NO_REFUSALS)
  return (
    <Dialog title={title} onClose={onClose}>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          void record(command).then((result) => {
            if (result.ok) onClose()
            else setRefusals(sortRefusals(result.errors, fields))
          })
        }}
      >
        {children(
          (field) => refusals.byField[field],
          () => setRefusals(NO_REFUSALS),
        )}
        <FormErrors messages={refusals.general} />
        <div className="form-actions">
          <button type="submit" className="button--primary">
            {submitLabel}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  )
}

/** A decision that only needs the agent's reason: reopen, hold. */
function ReasonDialog({
  title,
  submitLabel,
  label,
  onClose,
  command,
}: {
  title: string
  submitLabel: string
  label: string
  onClose: () => void
  command: (reason: string, ctx: DeskCommandContext) => CommandResult
}) {
  const [reason, setReason] = useState('')
  return (
    <CommandDialog
      title={title}
      submitLabel={submitLabel}
      onClose={onClose}
      fields={['reason']}
      command={(ctx) => command(reason, ctx)}
    >
      {(error, touched) => (
        <TextArea
          label={label}
          autoFocus
          value={reason}
          error={error('reason')}
          onChange={(value) => {
            setReason(value)
            touched()
          }}
        />
      )}
    </CommandDialog>
  )
}

export function ReopenDialog({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  return (
    <ReasonDialog
      title={`Reopen ${ticket.number}`}
      submitLabel="Reopen"
      label="Why the customer reopens it"
      onClose={onClose}
      command={(reason, ctx) => reopen(ticket, reason, ctx)}
    />
  )
}

/**
 * A choice the dialog starts without, because preselecting it would claim what nobody has heard
 * yet (that the customer is satisfied, that they were reached): refused until it is made.
 */
const NOT_CHOSEN = ''
const unchosen = (field: string, message: string, rule: string): CommandResult => ({
  ok: false,
  errors: [{ field, message, rule }],
})

type Satisfaction = 'yes' | 'no' | 'unknown'
const SATISFACTION: Record<Satisfaction, boolean | null> = { yes: true, no: false, unknown: null }

export function CloseDialog({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const [satisfied, setSatisfied] = useState<Satisfaction | typeof NOT_CHOSEN>(NOT_CHOSEN)
  return (
    <CommandDialog
      title={`Close ${ticket.number}`}
      submitLabel="Close ticket"
      onClose={onClose}
      fields={['satisfied']}
      command={(ctx) =>
        satisfied === NOT_CHOSEN
          ? unchosen('satisfied', 'Say whether the customer is satisfied.', 'rule 8')
          : close(ticket, SATISFACTION[satisfied], ctx)
      }
    >
      {(error, touched) => (
        <SelectField<Satisfaction | typeof NOT_CHOSEN>
          label="Is the customer satisfied?"
          autoFocus
          value={satisfied}
          error={error('satisfied')}
          options={[
            { value: NOT_CHOSEN, label: 'Choose…' },
            { value: 'yes', label: 'Yes' },
            { value: 'no', label: 'No' },
            { value: 'unknown', label: 'Not known' },
          ]}
          onChange={(value) => {
            setSatisfied(value)
            touched()
          }}
        />
      )}
    </CommandDialog>
  )
}

export function ReclassifyDialog({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const choices = TICKET_KINDS.filter((kind) => kind !== ticket.kind)
  const [to, setTo] = useState<TicketKind>(choices[0]!)
  const [reason, setReason] = useState('')
  return (
    <CommandDialog
      title={`Reclassify ${ticket.number}`}
      submitLabel="Reclassify"
      onClose={onClose}
      fields={['to', 'reason']}
      command={(ctx) => reclassify(ticket, to, reason, ctx)}
    >
      {(error, touched) => (
        <>
          <SelectField<TicketKind>
            label="Reclassify as"
            autoFocus
            value={to}
            error={error('to')}
            options={choices.map((kind) => ({ value: kind, label: KIND_LABELS[kind] }))}
            onChange={(value) => {
              setTo(value)
              touched()
            }}
          />
          <TextArea
            label="Why (no technical issue because…)"
            value={reason}
            error={error('reason')}
            onChange={(value) => {
              setReason(value)
              touched()
            }}
          />
          <p className="muted">
            The history keeps that it started as {KIND_LABELS[ticket.kind].toLowerCase()}.
          </p>
        </>
      )}
    </CommandDialog>
  )
}

/** The props every dialog of the DialogHost gets; `noteId` only for a note-level dialog. */
interface TicketDialogProps {
  ticket: Ticket
  onClose: () => void
  noteId?: string
}

export function HoldDialog({ ticket, onClose }: TicketDialogProps) {
  const [reason, setReason] = useState('')
  const [awaitingCustomer, setAwaitingCustomer] = useState(false)
  return (
    <CommandDialog
      title={`Put ${ticket.number} on hold`}
      submitLabel="Put on hold"
      onClose={onClose}
      fields={['reason']}
      command={(ctx) => hold(ticket, reason, ctx, awaitingCustomer)}
    >
      {(error, touched) => (
        <>
          <TextArea
            label="Why it waits (hold reason)"
            autoFocus
            value={reason}
            error={error('reason')}
            onChange={(value) => {
              setReason(value)
              touched()
            }}
          />
          <Checkbox
            label="Awaiting the customer: the SLA clocks stop until the ticket resumes"
            checked={awaitingCustomer}
            onChange={setAwaitingCustomer}
          />
        </>
      )}
    </CommandDialog>
  )
}

type Channel = PayloadOf<'customer_contacted'>['channel']
type Outcome = PayloadOf<'customer_contacted'>['outcome']

export function ContactDialog({ ticket, onClose }: TicketDialogProps) {
  const [channel, setChannel] = useState<Channel>('phone')
  const [outcome, setOutcome] = useState<Outcome | typeof NOT_CHOSEN>(NOT_CHOSEN)
  const [note, setNote] = useState('')
  return (
    <CommandDialog
      title={`Customer contact on ${ticket.number}`}
      submitLabel="Record contact"
      onClose={onClose}
      fields={['channel', 'outcome', 'note']}
      command={(ctx) =>
        outcome === NOT_CHOSEN
          ? unchosen('outcome', 'Say how the contact went.', 'rule 9')
          : recordContact(
              ticket,
              { channel, outcome, ...(note.trim() ? { note: note.trim() } : {}) },
              ctx,
            )
      }
    >
      {(error, touched) => (
        <>
          <SelectField<Channel>
            label="Channel"
            autoFocus
            value={channel}
            error={error('channel')}
            options={CONTACT_CHANNELS.map((c) => ({ value: c, label: CONTACT_CHANNEL_LABELS[c] }))}
            onChange={(value) => {
              setChannel(value)
              touched()
            }}
          />
          <SelectField<Outcome | typeof NOT_CHOSEN>
            label="Outcome"
            value={outcome}
            error={error('outcome')}
            options={[
              { value: NOT_CHOSEN, label: 'Choose…' },
              ...CONTACT_OUTCOMES.map((o) => ({ value: o, label: CONTACT_OUTCOME_LABELS[o] })),
            ]}
            onChange={(value) => {
              setOutcome(value)
              touched()
            }}
          />
          <TextArea
            label="Contact note (optional)"
            value={note}
            error={error('note')}
            onChange={(value) => {
              setNote(value)
              touched()
            }}
          />
        </>
      )}
    </CommandDialog>
  )
}

/** Rule 11: a supervisor removes sensitive data from a customer note; the reason is recorded. */
export function RedactDialog({ ticket, onClose, noteId }: TicketDialogProps) {
  const note = ticket.notes.find((n) => n.id === noteId)
  const [body, setBody] = useState(note?.body ?? '')
  const [reason, setReason] = useState('')
  return (
    <CommandDialog
      title={`Redact a customer note on ${ticket.number}`}
      submitLabel="Redact"
      onClose={onClose}
      fields={['redactedBody', 'reason']}
      command={(ctx) => redactNote(ticket, noteId ?? '', body, reason, ctx)}
    >
      {(error, touched) => (
        <>
          <TextArea
            label="Note text, with the sensitive data removed"
            autoFocus
            rows={5}
            value={body}
            error={error('redactedBody')}
            onChange={(value) => {
              setBody(value)
              touched()
            }}
          />
          <TextArea
            label="Reason for the redaction"
            value={reason}
            error={error('reason')}
            onChange={(value) => {
              setReason(value)
              touched()
            }}
          />
          <p className="muted">The redaction is recorded with your name and the reason.</p>
        </>
      )}
    </CommandDialog>
  )
}
