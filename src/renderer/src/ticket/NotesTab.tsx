/**
 * Tech Notes (internal, never emailed) and customer notes (emailed only with Send Email To,
 * rule 6). One component, because the two differ only in where the note may go.
 */
import { useState } from 'react'
import { mayEmit } from '../../../shared/directory'
import { addCustomerNote, addTechNote } from '../../../shared/incident/rules'
import type { Ticket, TicketNote } from '../../../shared/incident/ticket'
import { useDesk, useRecord, useSession, useTicketUi } from '../app/desk'
import { useDirectory } from '../app/use-directory'
import { FieldError, FormErrors, TextArea } from '../ui/fields'
import { NO_REFUSALS, sortRefusals } from '../ui/rule-errors'
import { matches, SHORTCUTS } from '../ui/shortcuts'
import { formatWhen, useNow } from '../ui/time'
import { ccAddresses, NO_EMAIL } from './ticket-ui-store'

const COPY = {
  tech: {
    heading: 'Tech Notes',
    field: 'New Tech Note',
    empty: 'No Tech Notes yet.',
    note: 'Internal: never sent to the customer.',
  },
  customer: {
    heading: 'Customer notes',
    field: 'New customer note',
    empty: 'No customer notes yet.',
    note: '',
  },
} as const

/** Rule 3, said before the agent writes: the check behind it cannot catch every phrasing. */
const NO_PASSWORDS =
  'Never put a password in it (rule 3): the check catches the usual phrasings, not every way of writing one.'

export function NotesTab({ ticket, kind }: { ticket: Ticket; kind: 'tech' | 'customer' }) {
  const desk = useDesk()
  const record = useRecord()
  const directory = useDirectory()
  const now = useNow(30_000)
  const sendEmailTo = useTicketUi((s) => s.of(ticket.id).sendEmailTo)
  // Rule 11: redaction is a supervisor's (or admin's) call; an agent never sees the action.
  const mayRedact = useSession((s) => (s.user ? mayEmit(s.user.role, 'note_redacted') : false))
  const [body, setBody] = useState('')
  const [refusals, setRefusals] = useState(NO_REFUSALS)
  const notes = ticket.notes.filter((n) => n.kind === kind).reverse()
  const copy = COPY[kind]
  const cc = ccAddresses(sendEmailTo.cc)

  async function save() {
    const result = await record((ctx) =>
      kind === 'tech'
        ? addTechNote(ticket, body, ctx)
        : addCustomerNote(ticket, body, { customer: sendEmailTo.customer, cc }, ctx),
    )
    if (!result.ok) {
      setRefusals(sortRefusals(result.errors, ['body', 'sendEmailTo']))
      return
    }
    setBody('')
    setRefusals(NO_REFUSALS)
    if (kind === 'customer') desk.ticketUi.getState().setSendEmailTo(ticket.id, NO_EMAIL)
  }

  const emailLine =
    sendEmailTo.customer || cc.length > 0
      ? `Will be emailed to ${[sendEmailTo.customer ? `the customer (${ticket.caller.email ?? 'no address'})` : '', ...cc].filter(Boolean).join(', ')}. ${NO_PASSWORDS}`
      : 'Not emailed: tick Send Email To on the Assignees and Notifications tab (Alt+2) to send it to the customer.'

  return (
    <div className="notes">
      <h2 className="visually-hidden">{copy.heading}</h2>
      {ticket.state !== 'closed' && (
        <form
          className="notes__composer"
          onSubmit={(event) => {
            event.preventDefault()
            void save()
          }}
        >
          <TextArea
            label={copy.field}
            rows={3}
            value={body}
            error={refusals.byField.body}
            hint={kind === 'tech' ? copy.note : emailLine}
            onChange={(value) => {
              setBody(value)
              setRefusals(NO_REFUSALS)
            }}
            onKeyDown={(event) => {
              if (!matches(event, SHORTCUTS.saveNote.keys)) return
              event.preventDefault()
              event.stopPropagation()
              void save()
            }}
          />
          <FieldError error={refusals.byField.sendEmailTo} />
          <FormErrors messages={refusals.general} />
          <button type="submit" className="button--primary">
            Save {kind === 'tech' ? 'Tech Note' : 'customer note'}
          </button>
        </form>
      )}
      {notes.length === 0 ? (
        <p className="muted">{copy.empty}</p>
      ) : (
        <ol className="notes__list" aria-label={copy.heading}>
          {notes.map((note) => (
            <NoteItem
              key={note.id}
              note={note}
              author={note.fromCustomer?.from || directory.userName(note.author)}
              userName={directory.userName}
              nowMs={now}
              onRedact={
                mayRedact && note.kind === 'customer' && !note.fromCustomer
                  ? () => desk.nav.getState().openDialog('redact', ticket.id, note.id)
                  : undefined
              }
            />
          ))}
        </ol>
      )}
    </div>
  )
}

function formatBytes(size: number): string {
  if (size < 1024) return `${size} bytes`
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`
  return `${(size / 1024 / 1024).toFixed(1)} MB`
}

interface NoteItemProps {
  note: TicketNote
  author: string
  userName: (username: string) => string
  nowMs: number
  /** Set when the signed-in user may redact this note (rule 11). */
  onRedact?: () => void
}

function NoteItem({ note, author, userName, nowMs, onRedact }: NoteItemProps) {
  const emailed = note.sendEmailTo && (note.sendEmailTo.customer || note.sendEmailTo.cc.length > 0)
  return (
    <li className="note">
      <div className="note__meta">
        <strong>{author}</strong> · {formatWhen(note.at, nowMs)}
        {note.standard === 'return_to_owner' && <span className="pill">Returned to owner</span>}
        {emailed && (
          <span className="pill pill--info">
            emailed to{' '}
            {[note.sendEmailTo!.customer ? 'customer' : '', ...note.sendEmailTo!.cc]
              .filter(Boolean)
              .join(', ')}
          </span>
        )}
        {note.fromCustomer && <span className="pill pill--info">email from the customer</span>}
        {note.kind === 'customer' && !emailed && !note.fromCustomer && (
          <span className="pill">not emailed</span>
        )}
        {onRedact && (
          <button type="button" className="link" onClick={onRedact}>
            Redact…
          </button>
        )}
      </div>
      {note.fromCustomer?.subject && <p className="muted">Subject: {note.fromCustomer.subject}</p>}
      <p className="note__body pre">{note.body || '(no text)'}</p>
      {note.fromCustomer && note.fromCustomer.attachments.length > 0 && (
        <ul aria-label="Attachments">
          {note.fromCustomer.attachments.map((a, i) => (
            <li key={a.id ?? `${a.name}${i}`}>
              {a.name} ({formatBytes(a.size)})
              {a.id === null && ' · not kept: larger than the server keeps'}
            </li>
          ))}
        </ul>
      )}
      {note.redactions.map((r) => (
        <p key={`${r.by}${r.at}`} className="muted">
          Redacted by {userName(r.by)} at {formatWhen(r.at, nowMs)}: {r.reason}
        </p>
      ))}
    </li>
  )
}
