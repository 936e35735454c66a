/**
 * The agent's notifications (src/shared/incident/notifications.ts: a ticket returned to them,
 * a customer contact due, a customer reply), in the app as a badge on the Notifications entry and
 * a list, and on the desktop through the station API. The desktop shows each one once: a window
 * asks once per notification key, and main shows a key once however many windows (or reloads) ask.
 * A notification that was already old news when the station learned of it (a catch-up after a
 * night off) stays in the list but pops up nothing.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { useEffect, useMemo, useRef } from 'react'
import { notificationsFor, type DeskNotification } from '../../../shared/incident/notifications'
import type { Ticket } from '../../../shared/incident/ticket'
import { useDesk } from '../app/desk'
import { formatWhen, useNow } from '../ui/time'

/** Older than this when first seen, a notification is history, not news, for the desktop. */
export const RECENT_NOTIFICATION_MS = 15 * 60 * 1000
const NONE: Ticket[] = []

export function useAgentNotifications(user: string | null): DeskNotification[] {
  const { store } = useDesk()
  // Contacts fall due as time passes, not only when a ticket changes.
  const now = useNow(60_000)
  // Read with the time of the read: a ticket that just arrived is judged at its arrival, not at
  // the last minute's tick (before it was received).
  const read = useLiveQuery(
    async () => ({
      tickets: user ? await store.ticketsByOwner(user, { limit: 500 }) : NONE,
      at: Date.now(),
    }),
    [store, user],
    { tickets: NONE, at: 0 },
  )
  return useMemo(
    () =>
      user
        ? notificationsFor(user, read.tickets, Math.max(now, read.at), store.priorityPolicy())
        : [],
    [user, read, now, store],
  )
}

/** Which notifications to raise on the desktop now: new to this window, and recent. */
export class DesktopNotices {
  private readonly asked = new Set<string>()

  fresh(notifications: readonly DeskNotification[], nowMs: number): DeskNotification[] {
    const out: DeskNotification[] = []
    for (const notification of notifications) {
      if (this.asked.has(notification.key)) continue
      this.asked.add(notification.key)
      if (nowMs - notification.at <= RECENT_NOTIFICATION_MS) out.push(notification)
    }
    return out
  }
}

/** Raises new notifications on the desktop; a click on one opens its ticket. */
export function useDesktopNotifications(notifications: readonly DeskNotification[]): void {
  const desk = useDesk()
  const notices = useRef(new DesktopNotices())
  useEffect(() => {
    for (const n of notices.current.fresh(notifications, Date.now())) {
      desk.station.notify
        .show({ title: n.title, body: n.body, ticketId: n.ticketId, key: n.key })
        .catch((error: unknown) => console.warn('Warmline: a notification failed', error))
    }
  }, [desk, notifications])
}

/** "3 notifications", as the badge is announced. */
export function countLabel(count: number): string {
  return `${count} notification${count === 1 ? '' : 's'}`
}

export function NotificationsView({ user }: { user: string | null }) {
  const desk = useDesk()
  const notifications = useAgentNotifications(user)
  const now = useNow(60_000)
  return (
    <section className="view" aria-labelledby="notifications-title">
      <h1 id="notifications-title">Notifications</h1>
      {notifications.length === 0 ? (
        <p className="muted">
          Nothing needs you: no returned ticket, no customer contact due, no unanswered reply.
        </p>
      ) : (
        <ul className="notifications" aria-label={countLabel(notifications.length)}>
          {notifications.map((n) => (
            <li key={n.key} className="panel">
              <button
                type="button"
                className="link"
                onClick={() => desk.nav.getState().openTicket(n.ticketId)}
              >
                {n.title}
              </button>
              <p>{n.body}</p>
              <p className="muted">
                {formatWhen(n.at, now)} · {n.rule}
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
