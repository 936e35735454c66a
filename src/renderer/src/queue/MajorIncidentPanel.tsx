/**
 * Rule 10 in the queue's side panel: promote the selected ticket to a major incident, link more
 * of the floor's calls to it, and — once the major incident is resolved — resolve its linked open
 * calls with its resolution, each child's caller emailed from their own ticket where the
 * supervisor keeps Send Email To checked.
 */
import { useState } from 'react'
import {
  linkCallsToMajor,
  openLinkedCalls,
  promoteToMajor,
  resolveLinkedCalls,
} from '../../../shared/incident/major'
import type { Ticket } from '../../../shared/incident/ticket'
import { Checkbox, FormErrors, TextField, type ErrorText } from '../ui/fields'
import { sortRefusals } from '../ui/rule-errors'
import type { RecordCommand } from './TicketSidePanel'

/** At most this many calls are offered for linking: the same service first, the newest first. */
const LINK_CHOICES = 15
const working = (t: Ticket) => t.state === 'open' || t.state === 'on_hold'

export function linkChoices(major: Ticket, floor: readonly Ticket[]): Ticket[] {
  const same = (t: Ticket) => t.service.trim().toLowerCase() === major.service.trim().toLowerCase()
  return floor
    .filter(
      (t) =>
        t.id !== major.id && working(t) && !t.parentTicketId && !t.major && t.kind === 'incident',
    )
    .sort((a, b) => Number(same(b)) - Number(same(a)) || b.receivedAt - a.receivedAt)
    .slice(0, LINK_CHOICES)
}

function Promote({ ticket, record }: { ticket: Ticket; record: RecordCommand }) {
  const [reason, setReason] = useState('')
  const [errors, setErrors] = useState<readonly ErrorText[]>([])
  return (
    <form
      aria-label="Promote to major incident"
      className="qpanel__form"
      onSubmit={(event) => {
        event.preventDefault()
        void record((ctx) => promoteToMajor(ticket, reason, ctx)).then((r) =>
          setErrors(r.ok ? [] : sortRefusals(r.errors, []).general),
        )
      }}
    >
      <TextField label="Why it is a major incident" value={reason} onChange={setReason} />
      <FormErrors messages={errors} />
      <button type="submit">Promote to major incident</button>
    </form>
  )
}

function LinkCalls({
  major,
  floor,
  record,
}: {
  major: Ticket
  floor: readonly Ticket[]
  record: RecordCommand
}) {
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set())
  const [errors, setErrors] = useState<readonly ErrorText[]>([])
  const choices = linkChoices(major, floor)
  if (choices.length === 0) return null
  const toggle = (id: string, on: boolean) => {
    const next = new Set(chosen)
    if (on) next.add(id)
    else next.delete(id)
    setChosen(next)
  }
  return (
    <form
      aria-label="Link calls to this major incident"
      className="qpanel__form"
      onSubmit={(event) => {
        event.preventDefault()
        const calls = choices.filter((t) => chosen.has(t.id))
        void record((ctx) => linkCallsToMajor(major, calls, ctx)).then((r) => {
          setErrors(r.ok ? [] : sortRefusals(r.errors, []).general)
          if (r.ok) setChosen(new Set())
        })
      }}
    >
      <fieldset>
        <legend>Link calls to {major.number}</legend>
        {choices.map((t) => (
          <Checkbox
            key={t.id}
            label={`${t.number} · ${t.caller.name} · ${t.title}`}
            checked={chosen.has(t.id)}
            onChange={(on) => toggle(t.id, on)}
          />
        ))}
      </fieldset>
      <FormErrors messages={errors} />
      <button type="submit" disabled={chosen.size === 0}>
        Link {chosen.size === 1 ? '1 call' : `${chosen.size} calls`}
      </button>
    </form>
  )
}

function ResolveLinked({
  major,
  children,
  record,
}: {
  major: Ticket
  children: readonly Ticket[]
  record: RecordCommand
}) {
  const [emailTo, setEmailTo] = useState<ReadonlySet<string>>(
    () => new Set(children.filter((c) => c.caller.email).map((c) => c.id)),
  )
  const [errors, setErrors] = useState<readonly ErrorText[]>([])
  const toggle = (id: string, on: boolean) => {
    const next = new Set(emailTo)
    if (on) next.add(id)
    else next.delete(id)
    setEmailTo(next)
  }
  async function submit() {
    let refused: string[] = []
    const result = await record((ctx) => {
      const outcome = resolveLinkedCalls(major, children, emailTo, ctx)
      refused = outcome.refused.map(
        (r) => `${r.ticket.number}: ${r.errors.map((e) => e.message).join(' ')}`,
      )
      return { ok: true, events: outcome.events }
    })
    setErrors(result.ok ? refused : sortRefusals(result.errors, []).general)
  }
  return (
    <form
      aria-label="Resolve the linked calls"
      className="qpanel__form"
      onSubmit={(event) => {
        event.preventDefault()
        void submit()
      }}
    >
      <fieldset>
        <legend>
          {major.number} is resolved: resolve its {children.length} open linked{' '}
          {children.length === 1 ? 'call' : 'calls'} with the same resolution
        </legend>
        {children.map((c) => (
          <Checkbox
            key={c.id}
            label={
              c.caller.email
                ? `${c.number}: Send Email To customer (${c.caller.name}, ${c.caller.email})`
                : `${c.number}: ${c.caller.name} has no email address; not emailed`
            }
            checked={emailTo.has(c.id)}
            disabled={!c.caller.email}
            onChange={(on) => toggle(c.id, on)}
          />
        ))}
      </fieldset>
      <FormErrors messages={errors} />
      <button type="submit">Resolve linked calls</button>
    </form>
  )
}

export function MajorIncidentPanel({
  ticket,
  floor,
  record,
}: {
  ticket: Ticket
  /** The tickets the queue holds: where calls to link, and the linked calls, are found. */
  floor: readonly Ticket[]
  record: RecordCommand
}) {
  if (!ticket.major) {
    const promotable = working(ticket) && !ticket.parentTicketId && ticket.kind === 'incident'
    return promotable ? <Promote key={ticket.id} ticket={ticket} record={record} /> : null
  }
  const children = ticket.state === 'resolved' ? openLinkedCalls(ticket, floor) : []
  return (
    <>
      <p>
        <span className="pill pill--warn">Major incident</span> {ticket.major.reason}
      </p>
      {working(ticket) && <LinkCalls major={ticket} floor={floor} record={record} />}
      {children.length > 0 && (
        <ResolveLinked
          key={children.map((c) => c.id).join()}
          major={ticket}
          children={children}
          record={record}
        />
      )}
    </>
  )
}
