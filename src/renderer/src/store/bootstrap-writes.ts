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
 *
 * Pages go through a connection of their own: relaxed (what it writes can be fetched again, and
 * the state it resumes from is in the same transaction), and without the words middleware. A
 * ticket's row with all its indexes is one IndexedDB request; its search words are a dozen more
 * and cost four times the row. So a page's new rows come without words, and a later phase writes
 * the words of every row in id order (`writeSearchWords`): the queue, numbers and phones work as
 * soon as the rows are in, search catches up after. A row a page replaces keeps its words right
 * in the same transaction, and every write after the page goes through the middleware, which
 * keeps words of what it changes; a words phase writing the words of the current rows is
 * therefore always right, however often it runs over a row. Refetches of stale tickets are
 * ordinary writes, words and all.
 */
import { Dexie } from 'dexie'
import { compareEvents, type TicketEvent } from '../../../shared/incident/events'
import { applyEvent, canApplyInOrder } from '../../../shared/incident/fold'
import type { Ticket } from '../../../shared/incident/ticket'
import { receive } from '../../../shared/sync/hlc'
import { STALE_KEY, staleTickets } from './adopted'
import { eventOfRow, ticketRow, type StationDb, type StoredEvent, type TicketRow } from './db'
import { wordKeys } from './search-words'
import {
  META,
  clockOf,
  groupByTicket,
  stationOf,
  type Projected,
  type StoreCore,
} from './store-core'
import type { BootstrapState, SnapshotWrite, StationStore } from './store-types'

export type BootstrapWrites = Pick<
  StationStore,
  'bootstrapState' | 'staleTickets' | 'adoptSnapshot' | 'writeSearchWords'
> & {
  /** Closes the bootstrap's connection, if it opened one. */
  close(): void
}

/** `openBulk`: a relaxed connection to the store's database that keeps no words by itself. */
export function createBootstrapWrites(core: StoreCore, openBulk: () => StationDb): BootstrapWrites {
  const { db } = core
  let bulk: StationDb | null = null
  let closed = false
  // Dexie opens it on its first transaction; a store that never bootstraps never opens it. Once
  // the store is closed it stays closed: a bootstrap still running must not open a new one.
  const bulkDb = () => {
    if (closed) throw new Dexie.DatabaseClosedError()
    return (bulk ??= openBulk())
  }

  /**
   * Takes the page's tickets into `on`, inside the caller's transaction. `bulk`: `on` is the
   * bootstrap's own connection, so the words of the rows a page replaces are kept here, and the
   * rows held for the page are read as one range of ids (a read per id is as many requests as
   * the put); the middleware of the store's connection wants them read by id.
   */
  async function adopt(
    on: StationDb,
    { page, state, first = false, refetched = [] }: SnapshotWrite,
    out: Projected,
    bulk: boolean,
  ): Promise<number> {
    const ids = page.tickets.map(({ ticket }) => ticket.id)
    const [rows, held, metaRows, stale] = await Promise.all([
      bulk ? rowsInRange(on, ids) : on.tickets.bulkGet(ids),
      heldIn(on, ids),
      on.meta.bulkGet([META.cursor, META.station, META.clock]),
      staleTickets(on),
    ])
    const meta = new Map(metaRows.flatMap((row) => (row ? [[row.key, row.value] as const] : [])))
    const staleSet = new Set(stale)
    const puts: TicketRow[] = []
    const replaced: TicketRow[] = []
    const unsettled: string[] = []
    let latestHlc = ''
    for (const [i, { seq, ticket: sent }] of page.tickets.entries()) {
      const row = rows[i]
      if (row && !staleSet.has(sent.id)) continue
      if (row) replaced.push(row)
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
    if (puts.length > 0) writes.push(on.tickets.bulkPut(puts))
    if (bulk && replaced.length > 0) {
      const replacing = new Set(replaced.map((row) => row.id))
      const gone = replaced.flatMap(wordKeys)
      const added = puts.filter((row) => replacing.has(row.id)).flatMap(wordKeys)
      // Requests run in order: a key both lost and kept is deleted, then put again.
      writes.push(
        on.words.bulkDelete(gone),
        on.words.bulkPut(
          added.map(() => 0),
          added,
        ),
      )
    }
    const metaPuts: { key: string; value: unknown }[] = []
    if (state) metaPuts.push({ key: META.bootstrap, value: state })
    const settled = new Set([...refetched, ...puts.map((row) => row.id)])
    for (const id of unsettled) settled.delete(id)
    const nextStale = [...new Set([...stale.filter((id) => !settled.has(id)), ...unsettled])]
    if (nextStale.length !== stale.length || unsettled.length > 0)
      metaPuts.push({ key: STALE_KEY, value: nextStale })
    // The first page of a new station: what it pulls from now on follows this position.
    if (first && !meta.get(META.cursor)) metaPuts.push({ key: META.cursor, value: page.position })
    const station = stationOf(meta)
    if (station && latestHlc) {
      // Later local events order after every adopted ticket's last event.
      const merged = receive(clockOf(meta, station), latestHlc, core.now())
      metaPuts.push({ key: META.clock, value: merged.clock })
      core.view.remember(new Map([[META.clock, merged.clock]]))
    }
    if (metaPuts.length > 0) writes.push(on.meta.bulkPut(metaPuts))
    await Promise.all(writes)
    for (const row of puts) core.view.forgetRow(row.id)
    return puts.length
  }

  return {
    async bootstrapState() {
      return (await core.getMeta<BootstrapState>(META.bootstrap)) ?? null
    },

    staleTickets: () => staleTickets(db),

    async adoptSnapshot(write) {
      if (!write.state) return core.write((out) => adopt(db, write, out, false))
      const on = bulkDb()
      const out: Projected = new Map()
      const taken = await on.transaction('rw', [on.events, on.tickets, on.meta, on.words], () =>
        adopt(on, write, out, true),
      )
      // The change feed hears of the adopted tickets as of any write; the write itself is done.
      if (out.size > 0)
        await core.write(async (feed) => {
          for (const [id, ticket] of out) feed.set(id, ticket)
        })
      return taken
    },

    async writeSearchWords({ after, limit, stateAfter }) {
      const on = bulkDb()
      return on.transaction('rw', [on.tickets, on.words, on.meta], async () => {
        const rows = await (
          after === null ? on.tickets.orderBy(':id') : on.tickets.where(':id').above(after)
        )
          .limit(limit)
          .toArray()
        const keys = rows.flatMap(wordKeys)
        const state = stateAfter(rows[rows.length - 1]?.id ?? null, rows.length)
        await Promise.all([
          keys.length > 0 &&
            on.words.bulkPut(
              keys.map(() => 0),
              keys,
            ),
          on.meta.put({ key: META.bootstrap, value: state }),
        ])
        return state
      })
    },

    close() {
      closed = true
      bulk?.close()
    },
  }
}

/** The first and last of `ids`: a page is in id order, so what it holds lies between them. */
function idRange(ids: readonly string[]): [string, string] | null {
  if (ids.length === 0) return null
  const sorted = [...ids].sort()
  return [sorted[0]!, sorted[sorted.length - 1]!]
}

/** The rows held for the page's tickets, in its order: one range read. */
async function rowsInRange(
  on: StationDb,
  ids: readonly string[],
): Promise<(TicketRow | undefined)[]> {
  const range = idRange(ids)
  if (!range) return []
  const rows = await on.tickets.where(':id').between(range[0], range[1], true, true).toArray()
  const byId = new Map(rows.map((row) => [row.id, row]))
  return ids.map((id) => byId.get(id))
}

/** The held events of the page's tickets: one range read. */
async function heldIn(on: StationDb, ids: readonly string[]): Promise<Map<string, StoredEvent[]>> {
  const range = idRange(ids)
  if (!range) return new Map()
  const rows = await on.events
    .where('[ticketId+hlc]')
    .between([range[0], Dexie.minKey], [range[1], Dexie.maxKey])
    .toArray()
  return groupByTicket(rows)
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
