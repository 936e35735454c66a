/**
 * The open tickets in keyset windows, through the store's `queueWindow`: each window starts after
 * the key of the last ticket read, so IndexedDB serves it from one key range instead of walking
 * the rows an offset would skip (10 s for 10,000 open tickets in Chromium).
 *
 * A keyset window cannot skip a ticket that did not change while the windows were read: its key
 * stays put relative to the last key read, and the store never splits the tickets sharing a key
 * across two windows. A ticket that changed meanwhile comes through the change feed.
 */
import type { Ticket } from '../../../shared/incident/ticket'
import type { QueueKey, StationStore } from '../store'

export type OpenState = 'open' | 'on_hold'

export interface OpenTicketReader {
  /** All tickets in `state`, P1 first, oldest change first, handed over a window at a time. */
  read(
    state: OpenState,
    limit: number,
    onWindow: (tickets: Ticket[]) => void | Promise<void>,
  ): Promise<void>
}

export function openTicketReader(store: Pick<StationStore, 'queueWindow'>): OpenTicketReader {
  return {
    async read(state, limit, onWindow) {
      let after: QueueKey | undefined
      for (;;) {
        const tickets = await store.queueWindow(state, { ...(after ? { after } : {}), limit })
        const last = tickets[tickets.length - 1]
        // Only an empty window is the end: the store caps `limit`, so a short one proves nothing.
        if (!last) return
        await onWindow(tickets)
        after = [state, last.priority, last.updatedAt]
      }
    },
  }
}
