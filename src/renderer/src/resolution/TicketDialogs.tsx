/**
 * The small decisions on a ticket: reopen (rule 9), close (rule 8: is the customer satisfied),
 * reclassify (rule 1: no technical issue). Each runs its command and shows the refusal inline.
 */
import { useState, type ReactNode } from 'react'
import { close, reclassify, reopen, type CommandResult } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { TICKET_KINDS, type TicketKind } from '../../../shared/incident/vocabulary'
import { useRecord, type DeskCommandContext } from '../app/desk'
import { Dialog } from '../ui/Dialog'
import { FormErrors, SelectField, TextArea } from '../ui/fields'
import { KIND_LABELS } from '../ui/labels'
import { NO_REFUSALS, sortRefusals } from '../ui/rule-errors'

interface CommandDialogProps {
  title: string
  submitLabel: string
  onClose: () => void
  command: (ctx: DeskCommandContext) => CommandResult
  /** The form fields a refusal can point at. */
  fields: readonly string[]
  children: (error: (field: string) => string | undefined, touched: () => void) => ReactNode
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

export function ReopenDialog({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const [reason, setReason] = useState('')
  return (
    <CommandDialog
      title={`Reopen ${ticket.number}`}
      submitLabel="Reopen"
      onClose={onClose}
      fields={['reason']}
      command={(ctx) => reopen(ticket, reason, ctx)}
    >
      {(error, touched) => (
        <TextArea
          label="Why the customer reopens it"
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

type Satisfaction = 'yes' | 'no' | 'unknown'
const SATISFACTION: Record<Satisfaction, boolean | null> = { yes: true, no: false, unknown: null }

export function CloseDialog({ ticket, onClose }: { ticket: Ticket; onClose: () => void }) {
  const [satisfied, setSatisfied] = useState<Satisfaction>('yes')
  return (
    <CommandDialog
      title={`Close ${ticket.number}`}
      submitLabel="Close ticket"
      onClose={onClose}
      fields={[]}
      command={(ctx) => close(ticket, SATISFACTION[satisfied], ctx)}
    >
      {() => (
        <SelectField<Satisfaction>
          label="Is the customer satisfied?"
          autoFocus
          value={satisfied}
          options={[
            { value: 'yes', label: 'Yes' },
            { value: 'no', label: 'No' },
            { value: 'unknown', label: 'Not known' },
          ]}
          onChange={setSatisfied}
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
