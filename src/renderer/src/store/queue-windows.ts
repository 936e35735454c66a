/**
 * Reading tickets in queue order, a window at a time: the open queue by state and priority, the
 * team and owner queues, the same-service check at intake, and one ticket with its events. A
 * window is an index key range with a limit, never an offset (IndexedDB serves an offset by
 * walking the rows before it).
 */
import { Dexie } from 'dexie'
import { compareEvents } from '../../../shared/incident/events'
import type { Ticket } from '../../../shared/incident/ticket'
import type { TicketState } from '../../../shared/incident/vocabulary'
import { ticketOfRow, type TicketRow } from './db'
import { MAX_WINDOW, type StoreCore } from './store-core'
import type { StationStore } from './store-types'

const WORKING_STATES: readonly TicketState[] = ['open', 'on_hold']

export type QueueWindows = Pick<
  StationStore,
  | 'getTicket'
  | 'ticketEvents'
  | 'queueWindow'
  | 'openTicketsForService'
  | 'ticketsByTeam'
  | 'ticketsByOwner'
>

const rowsToTickets = (rows: readonly TicketRow[]) => rows.map(ticketOfRow)

export function createQueueWindows(core: StoreCore): QueueWindows {
  const { db } = core

  async function byCompound(
    index: '[teamId+state+updatedAt]' | '[owner+state+updatedAt]',
    key: string,
    states: readonly TicketState[],
    limit: number,
  ): Promise<Ticket[]> {
    const bounded = Math.min(Math.max(limit, 0), MAX_WINDOW)
    const perState = await Promise.all(
      states.map((state) =>
        db.tickets
          .where(index)
          .between([key, state, Dexie.minKey], [key, state, Dexie.maxKey])
          .limit(bounded)
          .toArray(),
      ),
    )
    // Least recently touched first: what has waited longest needs attention first.
    return rowsToTickets(
      perState
        .flat()
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .slice(0, bounded),
    )
  }

  return {
    async getTicket(id) {
      const row = await db.tickets.get(id)
      if (!row) return undefined
      core.view.rememberRow(row)
      return ticketOfRow(row)
    },

    async ticketEvents(ticketId) {
      const rows = await db.events
        .where('[ticketId+hlc]')
        .between([ticketId, Dexie.minKey], [ticketId, Dexie.maxKey])
        .toArray()
      // The index orders by hlc; equal clocks from two stations still need the id tie-break.
      return rows.sort(compareEvents)
    },

    async queueWindow(state, window) {
      const limit = Math.min(Math.max(window.limit, 0), MAX_WINDOW)
      if (limit === 0) return []
      const index = '[state+priority+updatedAt]'
      const after = window.after
      const rows = await db.tickets
        .where(index)
        .between(
          after ? [state, after[1], after[2]] : [state, Dexie.minKey, Dexie.minKey],
          [state, Dexie.maxKey, Dexie.maxKey],
          !after,
          true,
        )
        .limit(limit)
        .toArray()
      const last = rows[rows.length - 1]
      if (rows.length === limit && last) {
        // The next window starts after this key, so tickets sharing it must all come now. The
        // index orders them by id, so the ones read are a prefix of these.
        const tied = await db.tickets
          .where(index)
          .equals([state, last.priority, last.updatedAt])
          .toArray()
        const read = new Set(rows.map((row) => row.id))
        rows.push(...tied.filter((row) => !read.has(row.id)))
      }
      return rowsToTickets(rows)
    },

    async openTicketsForService(service, sinceMs, limit = 50) {
      const bounded = Math.min(Math.max(limit, 0), MAX_WINDOW)
      if (bounded === 0 || service === '') return []
      const perState = await Promise.all(
        WORKING_STATES.map((state) =>
          db.tickets
            .where('[service+state+receivedAt]')
            .between([service, state, sinceMs], [service, state, Dexie.maxKey])
            .reverse()
            .limit(bounded)
            .toArray(),
        ),
      )
      const rows = perState.flat().sort((a, b) => b.receivedAt - a.receivedAt)
      return rowsToTickets(rows.slice(0, bounded))
    },

    ticketsByTeam(teamId, options = {}) {
      return byCompound(
        '[teamId+state+updatedAt]',
        teamId,
        options.states ?? WORKING_STATES,
        options.limit ?? 50,
      )
    },

    ticketsByOwner(owner, options = {}) {
      return byCompound(
        '[owner+state+updatedAt]',
        owner,
        options.states ?? WORKING_STATES,
        options.limit ?? 50,
      )
    },
  }
}
