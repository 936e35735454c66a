/**
 * The desk: navigation on the left, the open view in the middle, the status bar along the
 * bottom, dialogs and the shortcut overlay on top. Supervisors also get the live queue, the floor
 * view and metrics.
 */
import { lazy, Suspense, useEffect, useRef, useState } from 'react'
import type { DeskNotification } from '../../../shared/incident/notifications'
import type { SupervisorQueue } from '../queue'
import { followCalls } from '../calls/call-store'
import { screenPop } from '../calls/screen-pop'
import { ManagementAlertWatch } from '../notify/management-alerts'
import {
  NotificationsView,
  countLabel,
  useAgentNotifications,
  useDesktopNotifications,
} from '../notify/notifications'
import { FloorList, MyTickets, SearchResults } from '../desk/TicketLists'
import { IntakePanel } from '../intake/IntakePanel'
import { useDraftPersistence } from '../intake/persistence'
import { StatusBar, useSyncStatusFeed } from '../status/StatusBar'
import { TicketView } from '../ticket/TicketView'
import { matches, SHORTCUTS, useKeys } from '../ui/shortcuts'
import { useDesk, useIntake, useNav, useSession } from './desk'
import { DialogHost } from './DialogHost'
import type { View } from './nav-store'
import { ShortcutOverlay } from './ShortcutOverlay'
import {
  SUPERVISOR_VIEWS,
  SupervisorView,
  supervisorShortcut,
  useSupervisorQueue,
} from './supervisor-views'

// Administrators only, and rarely: its own chunk, fetched when the area is opened.
const AdminArea = lazy(() => import('../admin/AdminArea'))

type NavEntry = { view: View; label: string; keys?: string; count?: number }

function sameView(a: View, b: View): boolean {
  return a.name === b.name
}

export function Shell() {
  const desk = useDesk()
  const view = useNav((s) => s.view)
  const shortcutsOpen = useNav((s) => s.shortcutsOpen)
  const dialogOpen = useNav((s) => s.dialog !== null)
  const callInProgress = useIntake((s) => s.draft !== null)
  const loggedNumber = useIntake((s) => s.logged?.ticket.number)
  const user = useSession((s) => s.user)
  const searchBox = useRef<HTMLInputElement>(null)
  const [query, setQuery] = useState('')
  useSyncStatusFeed()
  useDraftPersistence()
  useScreenPop()
  // With the session store's marks: where a sign-in's time goes (test/bench/sign-in-time.ts).
  useEffect(() => {
    performance.mark('warmline:desk')
  }, [])
  usePresence(callInProgress)
  const supervisor = user !== null && user.role !== 'agent'
  const queue = useSupervisorQueue(supervisor)
  const notifications = useAgentNotifications(user?.username ?? null)
  useDesktopAlerts(user?.username ?? null, supervisor, notifications)

  const nav = desk.nav.getState()
  const newCall = () => {
    desk.intake.getState().start(Date.now())
    nav.go({ name: 'intake' })
  }

  useKeys((event) => {
    if (matches(event, SHORTCUTS.help.keys) || event.key === 'F1') nav.toggleShortcuts()
    // Behind the open overlay, only `?` acts: it closes it again.
    else if (shortcutsOpen) return false
    else if (
      matches(event, SHORTCUTS.newCall.keys) ||
      matches(event, SHORTCUTS.newCallInBrowser.keys)
    )
      newCall()
    else if (matches(event, SHORTCUTS.search.keys)) searchBox.current?.focus()
    else if (matches(event, SHORTCUTS.myTickets.keys)) nav.go({ name: 'mine' })
    else if (matches(event, SHORTCUTS.floor.keys)) nav.go({ name: 'floor' })
    else {
      const screen = supervisor ? supervisorShortcut(event) : null
      if (!screen) return false
      nav.go(screen)
    }
  }, !dialogOpen)

  // Ctrl+N is the New call button's: always a fresh call. This entry goes back to the call on
  // screen, or to the list of unfinished ones.
  const entries: NavEntry[] = [
    { view: { name: 'intake' }, label: callInProgress ? 'Current call' : 'Call intake' },
    { view: { name: 'mine' }, label: 'My tickets', keys: SHORTCUTS.myTickets.keys },
    { view: { name: 'floor' }, label: 'Floor list', keys: SHORTCUTS.floor.keys },
    { view: { name: 'notifications' }, label: 'Notifications', count: notifications.length },
    ...(user?.role === 'agent'
      ? []
      : SUPERVISOR_VIEWS.map(({ view: v, label, shortcut }) => ({
          view: v,
          label,
          keys: SHORTCUTS[shortcut].keys,
        }))),
    ...(user?.role === 'admin'
      ? [{ view: { name: 'admin' } as const, label: 'Administration' }]
      : []),
  ]

  return (
    <div className="shell">
      <nav className="sidebar" aria-label="Desk">
        <p className="brand">Warmline</p>
        <button
          type="button"
          className="button--primary sidebar__new"
          onClick={newCall}
          aria-keyshortcuts="Control+N"
        >
          New call <kbd aria-hidden="true">Ctrl+N</kbd>
        </button>
        <form
          role="search"
          onSubmit={(event) => {
            event.preventDefault()
            if (query.trim()) nav.go({ name: 'search', query: query.trim() })
          }}
        >
          <label htmlFor="find-ticket" className="visually-hidden">
            Find a ticket
          </label>
          <input
            id="find-ticket"
            ref={searchBox}
            type="search"
            placeholder="Find: number, caller, words (Ctrl+K)"
            value={query}
            onChange={(event) => setQuery(event.target.value)}
          />
        </form>
        <ul className="sidebar__list">
          {entries.map((entry) => (
            <li key={entry.view.name}>
              <button
                type="button"
                className="sidebar__item"
                aria-current={sameView(entry.view, view) ? 'page' : undefined}
                onClick={() => nav.go(entry.view)}
              >
                {entry.label}
                {entry.keys && <kbd aria-hidden="true">{entry.keys}</kbd>}
                {entry.count ? (
                  <span className="sidebar__count">
                    <span aria-hidden="true">{entry.count}</span>
                    <span className="visually-hidden">{countLabel(entry.count)}</span>
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
        <div className="sidebar__foot">
          <button type="button" className="button--quiet" onClick={() => nav.toggleShortcuts(true)}>
            Shortcuts <kbd aria-hidden="true">?</kbd>
          </button>
          <button
            type="button"
            className="button--quiet"
            onClick={() => void desk.session.getState().signOut()}
          >
            Sign out
          </button>
        </div>
      </nav>
      <main className="main">
        <CurrentView view={view} queue={queue} user={user?.username ?? null} />
      </main>
      <StatusBar />
      {/* Always in the document, so a screen reader hears the number the moment it is set. */}
      <p className="visually-hidden" aria-live="polite" aria-atomic="true">
        {loggedNumber ? `Call logged as ticket ${loggedNumber}. Read it to the caller.` : ''}
      </p>
      <DialogHost />
      {shortcutsOpen && (
        <ShortcutOverlay onClose={() => nav.toggleShortcuts(false)} supervisor={supervisor} />
      )}
    </div>
  )
}

/**
 * A call ringing at this station (a link, or the phone system's answer) starts the intake with its
 * number; the phone system's transfers and hang-ups are kept for the escalation and resolution.
 */
function useScreenPop(): void {
  const desk = useDesk()
  useEffect(() => {
    const offPop = desk.station.on('call.incoming', (call) => void screenPop(desk, call))
    const offFacts = followCalls(desk.station, desk.calls)
    return () => {
      offPop()
      offFacts()
    }
  }, [desk])
}

/** Who else has which ticket open follows main; an open intake counts as being on a call. */
function usePresence(callInProgress: boolean): void {
  const { presence } = useDesk()
  useEffect(() => presence.start(), [presence])
  useEffect(() => presence.setIntakeOpen(callInProgress), [presence, callInProgress])
}

/**
 * An agent hears of their notifications (a ticket returned to them, a customer contact due, a
 * customer's reply) on the desktop too, and a click on one opens the ticket (supervisors'
 * notifications open in the Live queue); whoever a ticket is escalated to in the hierarchy
 * (rule 10) hears of that.
 */
function useDesktopAlerts(
  username: string | null,
  supervisor: boolean,
  notifications: readonly DeskNotification[],
): void {
  const desk = useDesk()
  useDesktopNotifications(username && !supervisor ? notifications : NO_NOTIFICATIONS)
  useEffect(() => {
    if (!username) return
    const watch = new ManagementAlertWatch(username)
    const offChanges = desk.store.onTicketsChanged(({ updated }) => {
      for (const alert of watch.changed(updated, Date.now())) {
        desk.station.notify
          .show(alert)
          .catch((error: unknown) => console.warn('Warmline: a notification failed', error))
      }
    })
    const offClicks = supervisor
      ? () => {}
      : desk.station.on('notify.clicked', ({ ticketId }) => {
          if (ticketId) desk.nav.getState().openTicket(ticketId)
        })
    return () => {
      offChanges()
      offClicks()
    }
  }, [desk, username, supervisor])
}

const NO_NOTIFICATIONS: readonly DeskNotification[] = []

function CurrentView({
  view,
  queue,
  user,
}: {
  view: View
  queue: SupervisorQueue | null
  user: string | null
}) {
  switch (view.name) {
    case 'notifications':
      return <NotificationsView user={user} />
    case 'intake':
      return <IntakePanel />
    case 'ticket':
      return <TicketView ticketId={view.ticketId} />
    case 'mine':
      return <MyTickets />
    case 'floor':
      return <FloorList />
    case 'search':
      return <SearchResults query={view.query} />
    case 'queue':
    case 'floorView':
    case 'metrics':
    case 'calls':
      return <SupervisorView name={view.name} queue={queue} />
    case 'admin':
      return (
        <Suspense fallback={<p className="view muted">Loading…</p>}>
          <AdminArea />
        </Suspense>
      )
  }
}
