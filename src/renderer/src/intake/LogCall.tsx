/**
 * Logging the call, by Ctrl+Enter or the button. The caller waits for the number: it is drawn in
 * the frame after the key, and the commit starts once that frame is out, so none of its work
 * holds the frame up. The draft stays until the commit is done, so nothing is lost if it fails.
 *
 * Its own component, holding all that changes while a call is logged: drawing the number redraws
 * this footer alone, not the form above it.
 */
import { useRef, useState } from 'react'
import { flushSync } from 'react-dom'
import type { Ticket } from '../../../shared/incident/ticket'
import { useDesk, useIntake, useRecordAhead } from '../app/desk'
import type { RecordResult } from '../store'
import { FormErrors } from '../ui/fields'
import { TICKET_DETAIL_FIELDS, sortRefusals } from '../ui/rule-errors'
import { SHORTCUTS, useShortcut } from '../ui/shortcuts'
import { afterNextPaint } from './after-paint'
import { logCall } from './draft'

/** The fields a refusal may name, in the order the form shows them. */
const INTAKE_FIELDS = [
  'source',
  'kind',
  'reclassifyReason',
  'caller.name',
  'caller.phone',
  'caller.email',
  'caller.username',
  'caller.department',
  'caller.role',
  'caller',
  ...TICKET_DETAIL_FIELDS,
  'identityCheck',
  'parentTicketId',
] as const

export function LogCallFooter({ onDiscard }: { onDiscard: () => void }) {
  const desk = useDesk()
  const recordAhead = useRecordAhead()
  const general = useIntake((s) => s.refusals.general)
  const [logging, setLogging] = useState(false)
  /** The number of the call being logged, on screen while its commit is on its way. */
  const [numberAhead, setNumberAhead] = useState<string | null>(null)
  const [logFailure, setLogFailure] = useState<string | null>(null)
  /** Set at once, so a second press before anything is drawn logs nothing twice. */
  const busy = useRef(false)

  async function log() {
    const intake = desk.intake.getState()
    const current = intake.draft
    if (!current || busy.current) return
    busy.current = true
    try {
      const { preview, committed } = recordAhead(
        (ctx) => logCall(current, ctx.nextTicketNumber(), ctx),
        afterNextPaint(),
      )
      flushSync(() => {
        setLogging(true)
        setLogFailure(null)
        if (preview?.ok) setNumberAhead(loggedTicket(preview).number)
      })
      const result = await committed
      if (!result.ok) {
        setNumberAhead(null)
        intake.refuse(sortRefusals(result.errors, INTAKE_FIELDS))
        return
      }
      const ticket = loggedTicket(result)
      intake.loggedAs({ ticket })
      desk.nav.getState().openTicket(ticket.id)
    } catch (error) {
      setNumberAhead(null)
      setLogFailure(error instanceof Error ? error.message : String(error))
    } finally {
      busy.current = false
      setLogging(false)
    }
  }

  useShortcut('logCall', () => void log())

  return (
    <footer className="intake__footer">
      <FormErrors messages={general} />
      {numberAhead && (
        <p className="logged" role="status">
          Logged as <strong className="ticket-number">{numberAhead}</strong> — read it to the
          caller. Saving…
        </p>
      )}
      {logFailure && (
        <p className="field__error" role="alert">
          The call could not be saved on this station ({logFailure}). It is kept here as a draft:
          press {SHORTCUTS.logCall.keys} to try again; it will get a new number.
        </p>
      )}
      <button
        type="button"
        className="button--primary"
        disabled={logging}
        onClick={() => void log()}
      >
        Log call <kbd aria-hidden="true">{SHORTCUTS.logCall.keys}</kbd>
      </button>
      <button type="button" onClick={onDiscard}>
        Discard draft
      </button>
    </footer>
  )
}

/** The ticket a logged call opened: the one of its first event. */
function loggedTicket(result: Extract<RecordResult, { ok: true }>): Ticket {
  return result.tickets.find((t) => t.id === result.events[0]!.ticketId)!
}
