/**
 * Presence in the window (issue 12, item 5): the screens say which ticket they show while they
 * show it (`useShowing`), the intake says whether a call is open, and this store tells main —
 * once per change, after the render that made it — and keeps who else has which ticket open, as
 * main hears it from the server. Nothing is stored; a reload starts from nobody.
 */
import { useEffect, useSyncExternalStore } from 'react'
import type { StationApi } from '../../../shared/station-api'
import { MAX_VIEWING, type TicketViewer } from '../../../shared/sync/presence'

const NOBODY: readonly TicketViewer[] = []

export interface Presence {
  /** The ticket is on screen until the returned function is called. */
  show(ticketId: string): () => void
  setIntakeOpen(open: boolean): void
  /** Everyone else who has this ticket open, in a stable array while nothing changes. */
  viewersOf(ticketId: string): readonly TicketViewer[]
  subscribe(listener: () => void): () => void
  /** Follows main's `presence.viewers`; returns the unsubscribe. */
  start(): () => void
}

export function createPresence(station: Pick<StationApi, 'presence' | 'on'>): Presence {
  const shown = new Map<symbol, string>()
  const listeners = new Set<() => void>()
  let intakeOpen = false
  let byTicket = new Map<string, readonly TicketViewer[]>()
  let scheduled = false

  const received = (viewers: readonly TicketViewer[]) => {
    const next = new Map<string, TicketViewer[]>()
    for (const viewer of viewers)
      next.set(viewer.ticketId, [...(next.get(viewer.ticketId) ?? []), viewer])
    byTicket = next
    for (const listener of listeners) listener()
  }

  // Coalesced: opening a ticket from the queue unmounts one screen and mounts another in one go.
  const report = () => {
    if (scheduled) return
    scheduled = true
    queueMicrotask(() => {
      scheduled = false
      const viewing = [...new Set(shown.values())].slice(0, MAX_VIEWING)
      Promise.resolve()
        .then(() => station.presence.report({ viewing, intakeOpen }))
        .then(
          ({ viewers }) => received(viewers),
          // Presence is a courtesy: a station that cannot report (signed out, say) shows nobody.
          () => undefined,
        )
    })
  }

  return {
    show(ticketId) {
      const key = Symbol(ticketId)
      shown.set(key, ticketId)
      report()
      return () => {
        shown.delete(key)
        report()
      }
    },
    setIntakeOpen(open) {
      if (open === intakeOpen) return
      intakeOpen = open
      report()
    },
    viewersOf: (ticketId) => byTicket.get(ticketId) ?? NOBODY,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    start: () => station.on('presence.viewers', ({ viewers }) => received(viewers)),
  }
}

/** Says the ticket is on screen for as long as the calling component shows it. */
export function useShowing(presence: Presence | undefined, ticketId: string | null): void {
  useEffect(
    () => (presence && ticketId ? presence.show(ticketId) : undefined),
    [presence, ticketId],
  )
}

export function useViewers(
  presence: Presence | undefined,
  ticketId: string,
): readonly TicketViewer[] {
  return useSyncExternalStore(
    presence?.subscribe ?? noSubscription,
    () => presence?.viewersOf(ticketId) ?? NOBODY,
  )
}

const noSubscription = () => () => undefined
