/**
 * A new station's first sync (issue 13), the store's half: pages of the server's projections are
 * written with the state of the bootstrap in one transaction, so a restart resumes after the last
 * page written. The first page of the open tickets also sets the pull cursor to the log position
 * it is consistent with; everything after it is pulled as usual (sync/bootstrap.ts drives this).
 *
 * A ticket is adopted only where this store has no row for it, or its row is stale (adopted.ts):
 * a row the store already holds is at least as current as its cursor, since every event after
 * the cursor's start is pulled and applied. Events the store holds beyond a page's row (pulled
 * after its seq, or this station's own not yet answered) are applied on top of it.
 */
import { Dexie } from 'dexie'
import { compareEvents, type TicketEvent } from '../../../shared/incident/events'
import { applyEvent, canApplyInOrder } from '../../../shared/incident/fold'
import type { Ticket } from '../../../shared/incident/ticket'
import { receive } from '../../../shared/sync/hlc'
import { STALE_KEY, staleTickets } from './adopted'
import { eventOfRow, ticketRow, type StoredEvent, type TicketRow } from './db'
import { META, clockOf, groupByTicket, stationOf, type StoreCore } from './store-core'
import type { BootstrapState, StationStore } from './store-types'

export type BootstrapWrites = Pick<
  StationStore,
  'bootstrapState' | 'staleTickets' | 'adoptSnapshot'
>

export function createBootstrapWrites(core: StoreCore): BootstrapWrites {
  const { db } = core

  /** The held events of the page's tickets: one range read, the page being in id order. */
  async function heldIn(ids: readonly string[]): Promise<Map<string, StoredEvent[]>> {
    if (ids.length === 0) return new Map()
    const sorted = [...ids].sort()
    const rows = await db.events
      .where('[ticketId+hlc]')
      .between([sorted[0]!, Dexie.minKey], [sorted[sorted.length - 1]!, Dexie.maxKey])
      .toArray()
    return groupByTicket(rows)
  }

  return {
    async bootstrapState() {
      return (await core.getMeta<BootstrapState>(META.bootstrap)) ?? null
    },

    staleTickets: () => staleTickets(db),

    adoptSnapshot({ page, state, first = false, refetched = [] }) {
      return core.write(async (out) => {
        const ids = page.tickets.map(({ ticket }) => ticket.id)
        const [rows, held, meta, stale] = await Promise.all([
          db.tickets.bulkGet(ids),
          heldIn(ids),
          core.readMeta([META.cursor, META.station, META.clock]),
          staleTickets(db),
        ])
        const staleSet = new Set(stale)
        const puts: TicketRow[] = []
        const unsettled: string[] = []
        let latestHlc = ''
        for (const [i, { seq, ticket: sent }] of page.tickets.entries()) {
          if (rows[i] && !staleSet.has(sent.id)) continue
          const later = (held.get(sent.id) ?? [])
            .filter((e) => e.syncState !== 'rejected' && (e.seq === undefined || e.seq > seq))
            .map(eventOfRow)
            .sort(compareEvents)
          const { ticket, inOrder } = applyOnTop(sent as unknown as Ticket, later, core)
          if (!inOrder) unsettled.push(ticket.id)
          puts.push({ ...ticketRow(ticket), adoptedSeq: seq })
          out.set(ticket.id, ticket)
          const hlc = ticket.lastEventKey.split('|')[0] ?? ''
          if (hlc > latestHlc) latestHlc = hlc
        }
        const writes: Promise<unknown>[] = []
        if (puts.length > 0) writes.push(db.tickets.bulkPut(puts))
        const metaRows: { key: string; value: unknown }[] = []
        if (state) metaRows.push({ key: META.bootstrap, value: state })
        const settled = new Set([...refetched, ...puts.map((row) => row.id)])
        for (const id of unsettled) settled.delete(id)
        const nextStale = [...new Set([...stale.filter((id) => !settled.has(id)), ...unsettled])]
        if (nextStale.length !== stale.length || unsettled.length > 0)
          metaRows.push({ key: STALE_KEY, value: nextStale })
        // The first page of a new station: what it pulls from now on follows this position.
        if (first && !meta.get(META.cursor))
          metaRows.push({ key: META.cursor, value: page.position })
        const station = stationOf(meta)
        if (station && latestHlc) {
          // Later local events order after every adopted ticket's last event.
          const merged = receive(clockOf(meta, station), latestHlc, core.now())
          metaRows.push({ key: META.clock, value: merged.clock })
          core.view.remember(new Map([[META.clock, merged.clock]]))
        }
        if (metaRows.length > 0) writes.push(db.meta.bulkPut(metaRows))
        await Promise.all(writes)
        for (const row of puts) core.view.forgetRow(row.id)
        return puts.length
      })
    },
  }
}

/**
 * The server's ticket with the events held here that came after it, as far as they apply in
 * order. One that does not (older than the ticket's last event) the server has not folded yet:
 * the ticket stays stale, to be asked for again.
 */
function applyOnTop(
  sent: Ticket,
  later: readonly TicketEvent[],
  core: StoreCore,
): { ticket: Ticket; inOrder: boolean } {
  let ticket = sent
  for (const event of later) {
    if (!canApplyInOrder(ticket, event)) return { ticket, inOrder: false }
    ticket = applyEvent(ticket, event, core.policy)!
  }
  return { ticket, inOrder: true }
}
