/**
 * The write path's lower half: how a write's events and the tickets projection they lead to are
 * turned into requests inside one transaction, so a crash leaves either both or neither.
 *
 * Each IndexedDB request costs a round trip to the browser's storage process, so a write reads
 * what it needs in one parallel step, computes, and issues all its writes together: recording
 * one event is two steps (reads; writes), not a dozen sequential requests.
 */
import { Dexie } from 'dexie'
import { compareEvents, type TicketEvent } from '../../../shared/incident/events'
import { applyEvent, canApplyInOrder, foldTicket } from '../../../shared/incident/fold'
import { concernsRedaction, redactedForms, redactionKey } from '../../../shared/incident/redaction'
import { markStale, projectedRow } from './adopted'
import { eventOfRow, ticketOfRow, ticketRow, type StoredEvent, type TicketRow } from './db'
import { META, groupByTicket, type Projected, type StoreCore } from './store-core'

/** What one write changes; `commit` turns it into requests. */
export interface Changes {
  /** Events new to the store. */
  add: StoredEvent[]
  /** Events held already whose sync state changed. */
  put: StoredEvent[]
  meta: Map<string, unknown>
  /** Tickets to bring up to date: the events new to each (none: re-fold from the store). */
  project: Map<string, TicketEvent[]>
}

export const noChanges = (): Changes => ({
  add: [],
  put: [],
  meta: new Map(),
  project: new Map(),
})

/** What a local write reads about its events and tickets, in one parallel step. */
export interface LocalReads {
  existing: (StoredEvent | undefined)[]
  rows: Map<string, TicketRow | undefined>
  /** Tickets of which the store holds no event: a new ticket's fold has nothing to read. */
  unheld: Set<string>
}

export interface Projection {
  ticketRows(ticketIds: readonly string[]): Promise<Map<string, TicketRow | undefined>>
  heldEvents(ticketId: string): Promise<StoredEvent[]>
  unheldTickets(ticketIds: readonly string[]): Promise<Set<string>>
  readForLocal(events: readonly TicketEvent[]): Promise<LocalReads>
  /**
   * Writes `changes` and the projection they lead to. In-order events are applied to the stored
   * ticket; anything else re-folds the ticket from everything held, which is also how events
   * that waited for their opening join the ticket. `rows` are the stored tickets already read;
   * `unheld` tickets had no events in the store before this write, so their fold reads nothing.
   */
  commit(
    changes: Changes,
    rows: Map<string, TicketRow | undefined>,
    out: Projected,
    unheld?: ReadonlySet<string>,
  ): Promise<void>
  /**
   * Rule 11: the events this write adds, and the held events of the notes they concern, in their
   * redacted form (shared/incident/redaction.ts). The text a redaction removed thus leaves this
   * station's log, projection and history in the transaction that brings the redaction — recorded
   * here or pulled — and a note that arrives after its redaction is stored redacted.
   */
  redactHeld(changes: Changes): Promise<void>
  /** Local events (deduplicated by id), the new ones as pending, with the counter moved. */
  recordLocal(
    events: readonly TicketEvent[],
    pending: number,
    reads: LocalReads,
    changes: Changes,
    out: Projected,
  ): Promise<TicketEvent[]>
}

export function createProjection(core: StoreCore): Projection {
  const { db } = core

  async function ticketRows(
    ticketIds: readonly string[],
  ): Promise<Map<string, TicketRow | undefined>> {
    const rows = await db.tickets.bulkGet([...ticketIds])
    return new Map(ticketIds.map((id, i) => [id, rows[i]]))
  }

  async function heldEvents(ticketId: string): Promise<StoredEvent[]> {
    return db.events
      .where('[ticketId+hlc]')
      .between([ticketId, Dexie.minKey], [ticketId, Dexie.maxKey])
      .toArray()
  }

  async function unheldTickets(ticketIds: readonly string[]): Promise<Set<string>> {
    // Keys only, at most one per ticket.
    const held = await Promise.all(
      ticketIds.map((id) =>
        db.events
          .where('[ticketId+hlc]')
          .between([id, Dexie.minKey], [id, Dexie.maxKey])
          .limit(1)
          .primaryKeys(),
      ),
    )
    return new Set(ticketIds.filter((_, i) => held[i]!.length === 0))
  }

  async function readForLocal(events: readonly TicketEvent[]): Promise<LocalReads> {
    const ticketIds = [...new Set(events.map((event) => event.ticketId))]
    const [existing, rows, unheld] = await Promise.all([
      db.events.bulkGet(events.map((event) => event.id)),
      ticketRows(ticketIds),
      unheldTickets(ticketIds),
    ])
    return { existing, rows, unheld }
  }

  async function commit(
    changes: Changes,
    rows: Map<string, TicketRow | undefined>,
    out: Projected,
    unheld: ReadonlySet<string> = new Set(),
  ): Promise<void> {
    const policy = core.policy
    const unread = [...changes.project.keys()].filter((id) => !rows.has(id))
    if (unread.length > 0) for (const [id, row] of await ticketRows(unread)) rows.set(id, row)

    const writes: Promise<unknown>[] = []
    const issue = (request: Promise<unknown>) => {
      // Awaited below; handled here too so an abort while the re-fold reads is reported once.
      request.catch(() => undefined)
      writes.push(request)
    }
    if (changes.add.length > 0) issue(db.events.bulkAdd(changes.add))
    if (changes.put.length > 0) issue(db.events.bulkPut(changes.put))
    if (changes.meta.size > 0) {
      issue(db.meta.bulkPut([...changes.meta].map(([key, value]) => ({ key, value }))))
    }

    const puts: TicketRow[] = []
    const removals: string[] = []
    const refold: string[] = []
    const stale: string[] = []
    for (const [id, added] of changes.project) {
      const row = rows.get(id)
      const current = row ? ticketOfRow(row) : null
      const sorted = [...added].sort(compareEvents)
      if (sorted.length > 0 && canApplyInOrder(current, sorted[0]!)) {
        // applyEvent returns null only when there is no ticket yet.
        const next = sorted.reduce((ticket, event) => applyEvent(ticket, event, policy)!, current)
        puts.push(projectedRow(row, next))
        out.set(id, next)
      } else if (row?.adoptedSeq !== undefined) {
        // Its older events are not here to fold with: the server's projection is asked for again.
        stale.push(id)
      } else refold.push(id)
    }
    if (stale.length > 0) issue(markStale(db, stale))
    if (refold.length > 0) {
      // The events of this write take precedence over what the store returns for them: the
      // store may answer from before the write (request order is the only guarantee here).
      const written = groupByTicket([...changes.add, ...changes.put])
      const held = await Promise.all(refold.map((id) => (unheld.has(id) ? [] : heldEvents(id))))
      for (const [i, id] of refold.entries()) {
        const mine = written.get(id) ?? []
        const byId = new Map([...held[i]!, ...mine].map((event) => [event.id, event]))
        const foldable = [...byId.values()].filter((event) => event.syncState !== 'rejected')
        const next = foldTicket(foldable.map(eventOfRow), policy)
        if (next) {
          puts.push(ticketRow(next))
          out.set(id, next)
        } else if (rows.get(id)) {
          removals.push(id)
          out.set(id, null)
        }
      }
    }
    if (puts.length > 0) issue(db.tickets.bulkPut(puts))
    if (removals.length > 0) issue(db.tickets.bulkDelete(removals))
    await Promise.all(writes)
    for (const row of puts) core.view.rememberRow(row)
    for (const id of removals) core.view.forgetRow(id)
  }

  async function redactHeld(changes: Changes): Promise<void> {
    if (!concernsRedaction(changes.add)) return
    const ticketIds = new Set(
      changes.add.filter((e) => redactionKey(e) !== null).map((e) => e.ticketId),
    )
    const held = (await Promise.all([...ticketIds].map(heldEvents))).flat()
    const adding = new Set(changes.add.map((event) => event.id))
    const putting = new Map(changes.put.map((event) => [event.id, event]))
    const current = held
      .filter((row) => !adding.has(row.id))
      .map((row) => putting.get(row.id) ?? row)
    const forms = redactedForms([...current, ...changes.add].map(eventOfRow))
    if (forms.size === 0) return
    const redacted = (row: StoredEvent): StoredEvent => {
      const form = forms.get(row.id)
      if (!form) return row
      const { syncState, seq, rejection } = row
      return {
        ...form,
        syncState,
        ...(seq !== undefined ? { seq } : {}),
        ...(rejection ? { rejection } : {}),
      }
    }
    changes.add = changes.add.map(redacted)
    changes.put = [
      ...changes.put.map(redacted),
      ...current.filter((row) => forms.has(row.id) && !putting.has(row.id)).map(redacted),
    ]
    for (const [ticketId, events] of changes.project)
      changes.project.set(
        ticketId,
        events.map((event) => forms.get(event.id) ?? event),
      )
  }

  async function recordLocal(
    events: readonly TicketEvent[],
    pending: number,
    reads: LocalReads,
    changes: Changes,
    out: Projected,
  ): Promise<TicketEvent[]> {
    const fresh = events.filter((_, i) => reads.existing[i] === undefined)
    if (fresh.length > 0) {
      changes.add.push(...fresh.map((event): StoredEvent => ({ ...event, syncState: 'pending' })))
      changes.meta.set(META.pendingCount, pending + fresh.length)
      for (const [ticketId, added] of groupByTicket(fresh)) changes.project.set(ticketId, added)
    }
    await redactHeld(changes)
    await commit(changes, reads.rows, out, reads.unheld)
    return fresh
  }

  return { ticketRows, heldEvents, unheldTickets, readForLocal, commit, redactHeld, recordLocal }
}
