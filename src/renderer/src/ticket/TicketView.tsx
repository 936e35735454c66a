/**
 * One ticket, as the classic tool laid it out: Details, Assignees and Notifications, Tech Notes,
 * Customer notes and History, with the process actions (escalate, return to owner, hold / resume,
 * customer contact, resolve, reopen, close) in the header. The number is the first thing on screen: the agent reads it out.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { useEffect, useRef, useState } from 'react'
import { flushSync } from 'react-dom'
import { awaitsOwner, mayTakeOwnership } from '../../../shared/incident/ownership'
import {
  resume,
  returnToOwner,
  takeOwnership,
  type CommandResult,
} from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { CSC_TEAM_ID } from '../../../shared/incident/vocabulary'
import {
  useDesk,
  useIntake,
  useNav,
  useRecord,
  useSession,
  useTicketUi,
  type DeskCommandContext,
} from '../app/desk'
import type { TicketDialog } from '../app/nav-store'
import { useDirectory } from '../app/use-directory'
import { AlsoOpen } from '../presence/AlsoOpen'
import { useShowing } from '../presence/presence'
import { FormErrors } from '../ui/fields'
import { focusables, focusFirstIn, focusIsLost } from '../ui/focus'
import { KIND_LABELS, SOURCE_LABELS } from '../ui/labels'
import { sortRefusals, type Refusal } from '../ui/rule-errors'
import { altDigit, matches, SHORTCUTS, useKeys } from '../ui/shortcuts'
import { SlaTimer } from '../sla/SlaTimer'
import { Tabs } from '../ui/Tabs'
import { useNow } from '../ui/time'
import { AssigneesTab } from './AssigneesTab'
import { CallerPanel } from './CallerPanel'
import { describeState } from './describe'
import { DetailsTab } from './DetailsTab'
import { HistoryTab } from './HistoryTab'
import { NotesTab } from './NotesTab'
import { TICKET_TABS, type TicketTab } from './ticket-ui-store'

const WORKING = new Set<Ticket['state']>(['open', 'on_hold'])

export function TicketView({ ticketId }: { ticketId: string }) {
  const { store } = useDesk()
  // A call just logged is on screen with its number at once, before the store is read back.
  const logged = useIntake((s) => (s.logged?.ticket.id === ticketId ? s.logged.ticket : null))
  const stored = useLiveQuery(() => store.getTicket(ticketId), [store, ticketId], null)
  // null while the store is read, undefined when this station does not hold the ticket.
  const ticket = stored ? stored : (logged ?? stored)
  if (ticket === null) return <p className="view muted">Opening the ticket…</p>
  if (ticket === undefined) {
    return (
      <section className="view">
        <h1>Ticket not found</h1>
        <p>
          This station holds no such ticket. It may still be on its way from the central server.
        </p>
      </section>
    )
  }
  return <TicketScreen ticket={ticket} />
}

function TicketScreen({ ticket }: { ticket: Ticket }) {
  const desk = useDesk()
  const record = useRecord()
  const directory = useDirectory()
  const now = useNow(30_000)
  const tab = useTicketUi((s) => s.of(ticket.id).tab)
  const dialogOpen = useNav((s) => s.dialog !== null)
  const [actionErrors, setActionErrors] = useState<readonly Refusal[]>([])
  const actionBar = useRef<HTMLDivElement>(null)
  const panel = useRef<HTMLDivElement>(null)
  const working = WORKING.has(ticket.state)
  useShowing(desk.presence, ticket.id)
  const withTeam = working && ticket.teamId !== CSC_TEAM_ID
  const me = useSession((s) => s.user)
  const mayTake =
    !!me &&
    ticket.state !== 'closed' &&
    ticket.owner !== me.username &&
    mayTakeOwnership(me.role, ticket.owner)
  const unowned = awaitsOwner(ticket)
  // Once taken the button is gone; the effect below hands focus to the next action.
  const takeButton = me && (
    <button
      type="button"
      className={unowned ? 'button--primary' : undefined}
      onClick={() => void act((ctx) => takeOwnership(ticket, me.role, ctx))}
    >
      Take ownership
    </button>
  )

  const setTab = (next: TicketTab) => desk.ticketUi.getState().setTab(ticket.id, next)
  const open = (kind: TicketDialog) => {
    setActionErrors([])
    desk.nav.getState().openDialog(kind, ticket.id)
  }

  /** A one-click action: no dialog, its refusal shown under the toolbar. */
  async function act(command: (ctx: DeskCommandContext) => CommandResult) {
    const result = await record(command)
    setActionErrors(result.ok ? [] : sortRefusals(result.errors, []).general)
    return result.ok
  }
  async function giveBack() {
    if (await act((ctx) => returnToOwner(ticket, ctx))) setTab('tech')
  }

  useKeys((event) => {
    const digit = altDigit(event)
    const byDigit = digit !== null ? TICKET_TABS[digit - 1] : undefined
    if (byDigit) {
      // Drawn at once, so the tab's own field is there to take the cursor.
      flushSync(() => setTab(byDigit.id))
      focusFirstIn(panel.current)
    } else if (matches(event, SHORTCUTS.escalate.keys) && working) open('escalate')
    else if (matches(event, SHORTCUTS.returnToOwner.keys) && withTeam) void giveBack()
    else if (matches(event, SHORTCUTS.resolve.keys) && working) open('resolve')
    else if (matches(event, SHORTCUTS.hold.keys) && ticket.state === 'open') open('hold')
    else if (matches(event, SHORTCUTS.hold.keys) && ticket.state === 'on_hold')
      void act((ctx) => resume(ticket, ctx))
    else return false
  }, !dialogOpen)

  // When the element that had focus went away (the intake just logged this call, a dialog closed
  // on an action that no longer applies), the next keystroke belongs to the ticket's actions.
  useEffect(() => {
    if (!dialogOpen && focusIsLost()) focusables(actionBar.current)[0]?.focus()
  }, [dialogOpen, ticket, tab])

  const notes = (kind: 'tech' | 'customer') => ticket.notes.filter((n) => n.kind === kind).length
  return (
    <section className="view ticket" aria-labelledby="ticket-title">
      <header className="ticket__header">
        <div className="ticket__heading">
          <span className="ticket-number" aria-label="Ticket number">
            {ticket.number}
          </span>
          {ticket.previousNumbers?.length ? (
            // The server gave those numbers to other tickets; a caller may still quote them.
            <span className="muted" aria-label="Also known as">
              also known as {ticket.previousNumbers.join(', ')}
            </span>
          ) : null}
          <h1 id="ticket-title">{ticket.title}</h1>
          <AlsoOpen presence={desk.presence} ticketId={ticket.id} userName={directory.userName} />
        </div>
        <div className="ticket__facts">
          <span className={`pill pill--${ticket.priority}`} title="Priority">
            {ticket.priority}
            {ticket.priorityIncrease ? ' ↑' : ''}
          </span>
          <span className={`pill pill--state-${ticket.state}`} aria-label="State">
            {describeState(ticket, directory.teamName, now)}
          </span>
          <SlaTimer ticket={ticket} long />
          {ticket.state === 'on_hold' && ticket.holdReason && (
            <span className="pill pill--warn" aria-label="Hold reason">
              {ticket.holdReason}
            </span>
          )}
          <span>{KIND_LABELS[ticket.kind]}</span>
          <span className="muted">{SOURCE_LABELS[ticket.source]}</span>
          {/* An escalated ticket's state says which team has it already. */}
          {!withTeam && (
            <span>
              With <strong>{directory.teamName(ticket.teamId)}</strong>
            </span>
          )}
          <span className="muted">Caller: {ticket.caller.name}</span>
          <span aria-label="Owner" className={unowned ? 'pill pill--warn' : undefined}>
            {unowned ? 'No owner yet' : `Owner: ${directory.userName(ticket.owner)}`}
          </span>
          {ticket.returnedToCsc && <span className="pill pill--warn">Returned to the CSC</span>}
          {ticket.conflicts.length > 0 && (
            <span className="pill pill--warn">
              {ticket.conflicts.length} conflict{ticket.conflicts.length === 1 ? '' : 's'}
            </span>
          )}
        </div>
        <div className="ticket__actions" role="toolbar" aria-label="Ticket actions" ref={actionBar}>
          {mayTake && unowned && takeButton}
          {working && (
            <button type="button" onClick={() => open('escalate')} aria-keyshortcuts="Alt+E">
              Escalate…
            </button>
          )}
          {withTeam && (
            <button type="button" onClick={() => void giveBack()} aria-keyshortcuts="Alt+O">
              Return to owner
            </button>
          )}
          {ticket.state === 'open' && (
            <button type="button" onClick={() => open('hold')} aria-keyshortcuts="Alt+H">
              Hold…
            </button>
          )}
          {ticket.state === 'on_hold' && (
            <button
              type="button"
              onClick={() => void act((ctx) => resume(ticket, ctx))}
              aria-keyshortcuts="Alt+H"
            >
              Resume
            </button>
          )}
          {ticket.state !== 'closed' && (
            <button type="button" onClick={() => open('contact')}>
              Record contact…
            </button>
          )}
          {working && (
            <button type="button" onClick={() => open('reclassify')}>
              Reclassify…
            </button>
          )}
          {ticket.state !== 'closed' && (
            <button type="button" onClick={() => open('parent')}>
              {ticket.parentTicketId ? 'Parent incident…' : 'Link to parent…'}
            </button>
          )}
          {working && (
            <button
              type="button"
              className="button--primary"
              onClick={() => open('resolve')}
              aria-keyshortcuts="Alt+R"
            >
              Resolve…
            </button>
          )}
          {ticket.state === 'resolved' && (
            <>
              <button type="button" onClick={() => open('reopen')}>
                Reopen…
              </button>
              <button type="button" className="button--primary" onClick={() => open('close')}>
                Close…
              </button>
            </>
          )}
          {/* A colleague's ticket: a supervisor's deliberate act, so it comes last. */}
          {mayTake && !unowned && takeButton}
        </div>
        <FormErrors messages={actionErrors} />
      </header>
      <div className="ticket__body">
        <Tabs
          label="Ticket sections"
          tabs={TICKET_TABS.map((t) => ({
            ...t,
            ...(t.id === 'tech' ? { badge: notes('tech') } : {}),
            ...(t.id === 'customer' ? { badge: notes('customer') } : {}),
          }))}
          active={tab}
          onChange={setTab}
          panelRef={panel}
        >
          {tab === 'details' && <DetailsTab ticket={ticket} />}
          {tab === 'assignees' && <AssigneesTab ticket={ticket} />}
          {tab === 'tech' && <NotesTab ticket={ticket} kind="tech" />}
          {tab === 'customer' && <NotesTab ticket={ticket} kind="customer" />}
          {tab === 'history' && <HistoryTab ticket={ticket} />}
        </Tabs>
        <CallerPanel ticket={ticket} />
      </div>
    </section>
  )
}
