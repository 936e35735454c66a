/**
 * The outage radar above the Live queue (rule 10): the server's proposals of a major incident —
 * N calls on one service within M minutes — arrive as events on the calls, so they show here the
 * moment the station has them, on every supervisor's screen. Accepting links the calls to a new
 * major incident (opened and promoted here) or to an existing one; dismissing is recorded on each
 * call. Below, the major incidents of the floor with their calls.
 */
import { useEffect, useRef, useState } from 'react'
import {
  acceptOutageProposal,
  dismissOutageProposal,
  pendingProposals,
  type OutageProposal,
} from '../../../shared/incident/outage'
import type { CommandContext, CommandResult } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { FormErrors, SelectField, TextField, type ErrorText } from '../ui/fields'
import { sortRefusals } from '../ui/rule-errors'
import type { SupervisorQueue } from './supervisor-queue'
import type { RecordCommand } from './TicketSidePanel'

/** The desk's record, whose context also hands out this station's next ticket number. */
export type RecordOpening = (
  command: (ctx: CommandContext & { nextTicketNumber(): string }) => CommandResult,
) => ReturnType<RecordCommand>

const NEW_PARENT = ''
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

/** Re-reads the model after every change: proposals and majors follow the floor live. */
function useFloorTickets(queue: SupervisorQueue): readonly Ticket[] {
  const [, redraw] = useState(0)
  useEffect(() => queue.subscribe(() => redraw((n) => n + 1)), [queue])
  return [...queue.model.tickets()]
}

export function majorIncidents(tickets: readonly Ticket[]): Ticket[] {
  return tickets
    .filter((t) => t.major && (t.state === 'open' || t.state === 'on_hold'))
    .sort((a, b) => b.createdAt - a.createdAt)
}

function Proposal({
  proposal,
  majors,
  record,
  recordOpening,
  onLinked,
}: {
  proposal: OutageProposal
  majors: readonly Ticket[]
  record: RecordCommand
  recordOpening: RecordOpening | undefined
  /** The calls are linked to this parent: the proposal leaves the screen. */
  onLinked(parentId: string): void
}) {
  const [parentId, setParentId] = useState(recordOpening ? NEW_PARENT : (majors[0]?.id ?? ''))
  const [title, setTitle] = useState(`Outage: ${proposal.service}`)
  const [reason, setReason] = useState('')
  const [errors, setErrors] = useState<readonly ErrorText[]>([])
  const headingId = `radar-${proposal.proposalId}`

  async function accept() {
    const parent = majors.find((m) => m.id === parentId)
    // The new parent's id is known once the command ran (it may run again on a retry).
    let linkedTo = parent?.id ?? ''
    const result = parent
      ? await record((ctx) => acceptOutageProposal(proposal, { parent }, ctx))
      : recordOpening
        ? await recordOpening((ctx) => {
            const made = acceptOutageProposal(
              proposal,
              { newParent: { number: ctx.nextTicketNumber(), title } },
              ctx,
            )
            if (made.ok) linkedTo = made.events[0]!.ticketId
            return made
          })
        : { ok: false as const, errors: [{ field: '', message: 'Choose the major incident.' }] }
    setErrors(result.ok ? [] : sortRefusals(result.errors, []).general)
    if (result.ok) onLinked(linkedTo)
  }

  async function dismiss() {
    const result = await record((ctx) => dismissOutageProposal(proposal, reason, ctx))
    setErrors(result.ok ? [] : sortRefusals(result.errors, []).general)
  }

  return (
    <article className="radar__proposal" aria-labelledby={headingId}>
      <h3 id={headingId}>
        Possible major incident: {proposal.tickets.length} calls on {proposal.service}
      </h3>
      <p className="muted">
        {proposal.calls} or more calls within {proposal.minutes} minutes (proposed at{' '}
        {timeOfDay.format(proposal.at)}).
      </p>
      <ul className="qpanel__calls" aria-label="Candidate calls">
        {proposal.tickets.map((t) => (
          <li key={t.id}>
            <span className="ticket-number">{t.number}</span> {t.caller.name} · {t.title}
          </li>
        ))}
      </ul>
      <form
        className="radar__form"
        aria-label={`Decide on the calls on ${proposal.service}`}
        onSubmit={(event) => {
          event.preventDefault()
          void accept()
        }}
      >
        <SelectField
          label="Link the calls to"
          value={parentId}
          options={[
            ...(recordOpening ? [{ value: NEW_PARENT, label: 'A new major incident' }] : []),
            ...majors.map((m) => ({ value: m.id, label: `${m.number} — ${m.title}` })),
          ]}
          onChange={setParentId}
        />
        {parentId === NEW_PARENT && (
          <TextField label="Title of the major incident" value={title} onChange={setTitle} />
        )}
        <button type="submit">Accept and link the calls</button>
        <TextField label="Reason to dismiss (optional)" value={reason} onChange={setReason} />
        <button type="button" onClick={() => void dismiss()}>
          Dismiss
        </button>
        <FormErrors messages={errors} />
      </form>
    </article>
  )
}

export function OutageRadar({
  queue,
  record,
  recordOpening,
}: {
  queue: SupervisorQueue
  record: RecordCommand
  recordOpening?: RecordOpening | undefined
}) {
  const tickets = useFloorTickets(queue)
  const proposals = pendingProposals(tickets)
  const majors = majorIncidents(tickets)
  // Focus follows the decision to the major incident the calls joined, not to the page's top.
  // A new parent shows once the store has it: its entry takes focus when it is drawn.
  // It may be drawn before the write's answer comes back, or after.
  const focusNext = useRef<string | null>(null)
  const entries = useRef(new Map<string, HTMLButtonElement>())
  const takeFocus = (id: string) => (el: HTMLButtonElement | null) => {
    if (!el) return void entries.current.delete(id)
    entries.current.set(id, el)
    if (focusNext.current === id) {
      focusNext.current = null
      el.focus()
    }
  }
  const linked = (id: string) => {
    const shown = entries.current.get(id)
    if (shown) shown.focus()
    else focusNext.current = id
  }
  return (
    <section className="radar" aria-label="Outage radar and major incidents">
      <div role="region" aria-live="polite" aria-label="Outage radar">
        {proposals.map((p) => (
          <Proposal
            key={p.proposalId}
            proposal={p}
            majors={majors}
            record={record}
            recordOpening={recordOpening}
            onLinked={linked}
          />
        ))}
      </div>
      {majors.length > 0 && (
        <ul className="radar__majors" aria-label="Major incidents">
          {majors.map((m) => (
            <li key={m.id}>
              <button
                type="button"
                className="button--quiet"
                ref={takeFocus(m.id)}
                onClick={() => queue.view.getState().select(m.id, { open: true })}
              >
                <span className="ticket-number">{m.number}</span> {m.title} ·{' '}
                {queue.model.linkedCallsOf(m.id).length} calls
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
