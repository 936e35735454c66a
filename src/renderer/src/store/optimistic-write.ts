/**
 * The write path's fast lane: a command carried out on the store's remembered view (the
 * station's meta and recently seen tickets, store-core.ts) in one round trip. The checking reads
 * and all writes are issued together — requests in a transaction run in order, so the reads see
 * the store as it was before the writes — and if the reads differ from the view, the transaction
 * is aborted and nothing is written.
 */
import { compareEvents, type TicketEvent } from '../../../shared/incident/events'
import { applyEvent, canApplyInOrder, foldTicket } from '../../../shared/incident/fold'
import type { CommandResult } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { ticketOfRow, ticketRow, type StoredEvent, type TicketRow } from './db'
import type { Projection } from './projection'
import { runCommand, type CommandRun, type TakenNumbers } from './run-command'
import { META, VIEW_KEYS, groupByTicket, pendingOf, uniqueById, type StoreCore } from './store-core'
import type { RecordContext, RecordResult } from './store-types'
import { NoNumberHeld } from './ticket-numbers'

/** Thrown inside a write whose remembered view turned out stale: the write is rolled back. */
class StaleView extends Error {}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

interface ViewPlan {
  events: TicketEvent[]
  expected: Map<string, TicketRow | undefined>
  next: Map<string, Ticket>
}

/** A command's writes, computed from the remembered view; null when the view does not cover it. */
function planFromView(core: StoreCore, result: CommandResult & { ok: true }): ViewPlan | null {
  const events = uniqueById(result.events)
  const expected = new Map<string, TicketRow | undefined>()
  const next = new Map<string, Ticket>()
  for (const [ticketId, group] of groupByTicket(events)) {
    const sorted = [...group].sort(compareEvents)
    const cached = core.view.row(ticketId)
    if (cached) {
      const current = ticketOfRow(cached)
      if (!canApplyInOrder(current, sorted[0]!)) return null
      // applyEvent returns null only when there is no ticket yet.
      next.set(
        ticketId,
        sorted.reduce((t, event) => applyEvent(t, event, core.policy)!, current),
      )
    } else if (sorted.some((event) => event.type === 'opened')) {
      // A new ticket: expected absent, with nothing held for it.
      const opened = foldTicket(sorted, core.policy)
      if (!opened) return null
      next.set(ticketId, opened)
    } else return null
    expected.set(ticketId, cached)
  }
  return { events, expected, next }
}

/** A command run on the remembered view, ready to be written in one round trip. */
export interface PlannedWrite {
  /** What the command gave; when refused, there is nothing to write. */
  result: CommandResult
  /** Absent when refused. */
  write?: {
    plan: ViewPlan
    known: ReadonlyMap<string, unknown>
    metaWrites: Map<string, unknown>
  }
}

/**
 * Runs the command on the remembered view, synchronously: the events, tickets and number the
 * write will commit if the view is current. Null when the view does not cover the command; the
 * careful write then runs it again and reports what is wrong.
 */
export function planOnView(
  core: StoreCore,
  command: (ctx: RecordContext) => CommandResult,
  taken: TakenNumbers,
): PlannedWrite | null {
  const known = core.view.meta()
  if (!known.has(META.station)) return null
  let attempt: CommandRun
  try {
    attempt = runCommand(core, command, known, taken)
  } catch (error) {
    if (error instanceof NoNumberHeld) throw error
    return null
  }
  const { result, writes } = attempt
  // A refused command writes nothing; its refusal does not depend on the station's meta.
  if (!result.ok) return { result }
  // A redaction rewrites held events, which the view does not cover.
  if (result.events.some((event) => event.type === 'note_redacted')) return null
  const plan = planFromView(core, result)
  if (!plan) return null
  const metaWrites = new Map(writes)
  metaWrites.set(META.pendingCount, pendingOf(known) + plan.events.length)
  return { result, write: { plan, known, metaWrites } }
}

/**
 * Writes a planned command: the checking reads and all writes issued together. Returns null
 * when the view turned out stale (nothing written); the caller then does the careful write.
 */
export async function writePlanned(
  core: StoreCore,
  projection: Projection,
  planned: PlannedWrite,
): Promise<RecordResult | null> {
  const { result, write } = planned
  if (!result.ok) return result
  if (!write) return null
  const { plan, known, metaWrites } = write
  const { db } = core
  const ticketIds = [...plan.expected.keys()]
  const fresh = [...plan.expected].filter(([, row]) => row === undefined).map(([id]) => id)
  const rows = [...plan.next.values()].map(ticketRow)
  try {
    return await core.write(async (out): Promise<RecordResult> => {
      // No read of the events: an id the store holds already makes the add fail, which aborts
      // the write like a stale view does, and the careful write then leaves that event out.
      const reads = Promise.all([
        core.readMeta(VIEW_KEYS),
        db.tickets.bulkGet(ticketIds),
        projection.unheldTickets(fresh),
      ])
      const written = Promise.all([
        db.events.bulkAdd(
          plan.events.map((event): StoredEvent => ({ ...event, syncState: 'pending' })),
        ),
        db.tickets.bulkPut(rows),
        db.meta.bulkPut([...metaWrites].map(([key, value]) => ({ key, value }))),
      ])
      // Awaited below once the view is confirmed; handled here so an abort is reported once.
      written.catch(() => undefined)
      const [meta, stored, unheld] = await reads
      const current =
        VIEW_KEYS.every((key) => sameValue(meta.get(key), known.get(key))) &&
        ticketIds.every((id, i) => sameValue(stored[i], plan.expected.get(id))) &&
        fresh.every((id) => unheld.has(id))
      if (!current) throw new StaleView()
      await written
      for (const row of rows) core.view.rememberRow(row)
      for (const [id, ticket] of plan.next) out.set(id, ticket)
      core.view.remember(metaWrites)
      return { ok: true, events: result.events, tickets: [...plan.next.values()] }
    })
  } catch {
    // A stale view, or a write the careful path will judge (and report) on its own.
    return null
  }
}
