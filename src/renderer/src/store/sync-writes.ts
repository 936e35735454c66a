/**
 * The write path of sync: the server's answers to a push (`applyPushResults`) and pages of events
 * from the server (`applyRemotePage`, which moves the pull cursor in the same transaction), with
 * the reads of the station's sync state. A rejected event stays in the log, visible, but leaves
 * the projection: the server and every other station never see it, and all replicas must fold
 * the same set.
 */
import { uuidv7 } from '../../../shared/ids'
import { parseTicketEvent, type TicketEvent } from '../../../shared/incident/events'
import { formatTicketNumber, renumberedOpening } from '../../../shared/incident/ticket-number'
import { receive, type ClockWarning } from '../../../shared/sync/hlc'
import type { PushResult } from '../../../shared/sync/wire'
import { markStale, notAdoptedYet } from './adopted'
import { eventOfRow } from './db'
import { noChanges, type Projection } from './projection'
import {
  META,
  MAX_WINDOW,
  clockOf,
  groupByTicket,
  pendingOf,
  stationOf,
  usedSequence,
  type StationMeta,
  type StoreCore,
} from './store-core'
import type { PushResultsOutcome, RemotePageResult, StationStore } from './store-types'
import { NoNumberHeld } from './ticket-numbers'

export type SyncWrites = Pick<
  StationStore,
  | 'applyPushResults'
  | 'applyRemotePage'
  | 'pendingEvents'
  | 'pendingCount'
  | 'rejectedEvents'
  | 'getCursor'
>

export function createSyncWrites(core: StoreCore, projection: Projection): SyncWrites {
  const { db } = core

  function applyPushResultsOnce(results: readonly PushResult[]): Promise<PushResultsOutcome> {
    return core.write(async (out) => {
      const outcome: PushResultsOutcome = { applied: 0, rejected: 0, unknown: [], renumbered: [] }
      const latest = new Map(results.map((result) => [result.id, result]))
      const ids = [...latest.keys()]
      const [rows, meta] = await Promise.all([
        db.events.bulkGet(ids),
        core.readMeta([META.pendingCount, META.station]),
      ])
      const changes = noChanges()
      const station = stationOf(meta)
      const sequences: number[] = []
      let pending = pendingOf(meta)
      for (const [i, id] of ids.entries()) {
        const row = rows[i]
        const result = latest.get(id)!
        if (!row) {
          outcome.unknown.push(id)
          continue
        }
        if (row.syncState === 'pending') pending -= 1
        if (result.status === 'rejected') {
          outcome.rejected += 1
          if (row.syncState !== 'rejected') changes.project.set(row.ticketId, [])
          const event = eventOfRow(row)
          changes.put.push({
            ...event,
            syncState: 'rejected',
            rejection: { code: result.code, reason: result.reason },
          })
          // Renumbered once, when the refusal first arrives; a repeat of it finds the row rejected.
          if (
            isNumberTaken(result) &&
            row.syncState !== 'rejected' &&
            event.type === 'opened' &&
            event.station === station?.code
          ) {
            const sequence = core.numbers.take(station.code)
            if (sequence === null) throw new NoNumberHeld(station.code)
            sequences.push(sequence)
            const replacement = renumberedOpening(
              event,
              formatTicketNumber(station.code, sequence),
              uuidv7(core.now()),
            )
            changes.add.push({ ...replacement, syncState: 'pending' })
            pending += 1
            outcome.renumbered.push(replacement)
          }
        } else {
          outcome.applied += 1
          if (row.syncState === 'rejected') changes.project.set(row.ticketId, [])
          changes.put.push({ ...eventOfRow(row), syncState: 'applied', seq: result.seq })
        }
      }
      if (pending !== pendingOf(meta)) changes.meta.set(META.pendingCount, Math.max(0, pending))
      const usedUpTo = station && usedSequence(station, sequences)
      if (usedUpTo) changes.meta.set(META.station, usedUpTo)
      await projection.commit(changes, new Map(), out)
      core.view.remember(new Map([...meta, ...changes.meta]))
      return outcome
    })
  }

  return {
    async applyPushResults(results) {
      const taken = results.filter(isNumberTaken)
      for (let attempt = 1; ; attempt++) {
        if (taken.length > 0) {
          // The fresh numbers are held before the transaction, which cannot wait for main.
          const code = (await core.getMeta<StationMeta>(META.station))?.code ?? null
          const above = Math.max(0, ...taken.map((result) => result.highestSequence ?? 0))
          if (code) await core.numbers.ensure(code, taken.length, above)
        }
        try {
          return await applyPushResultsOnce(results)
        } catch (error) {
          // Another write of this window took the numbers meanwhile: hold more and go again.
          if (!(error instanceof NoNumberHeld) || attempt >= 3) throw error
        }
      }
    },

    async applyRemotePage(page) {
      const skipped: RemotePageResult['skipped'] = []
      const parsed = new Map<string, { seq: number; event: TicketEvent }>()
      for (const { seq, event } of page.events) {
        const result = parseTicketEvent(event)
        if (result.ok) parsed.set(result.event.id, { seq, event: result.event })
        else skipped.push({ seq, code: result.code, message: result.message })
      }
      const incoming = [...parsed.values()]
      return core.write(async (out): Promise<RemotePageResult> => {
        const ticketIds = [...new Set(incoming.map(({ event }) => event.ticketId))]
        const [held, meta, rows] = await Promise.all([
          db.events.bulkGet(incoming.map(({ event }) => event.id)),
          core.readMeta([META.station, META.clock, META.cursor, META.pendingCount, META.bootstrap]),
          projection.ticketRows(ticketIds),
        ])
        const before = (meta.get(META.cursor) as number | undefined) ?? 0
        // A live page up to the cursor is held already; one beyond it would leave a hole.
        if (page.after !== undefined && (before < page.after || before >= page.next)) {
          const gap = before < page.after ? { gap: true as const } : {}
          return { added: 0, confirmed: 0, skipped: [], clockWarnings: [], cursor: before, ...gap }
        }
        const changes = noChanges()
        const added: TicketEvent[] = []
        const refold = new Set<string>()
        let confirmed = 0
        for (const [i, { seq, event }] of incoming.entries()) {
          const row = held[i]
          if (!row) {
            added.push(event)
            changes.add.push({ ...event, syncState: 'applied', seq })
          } else if (row.syncState !== 'applied' || row.seq !== seq) {
            if (row.syncState === 'pending') confirmed += 1
            // The server holds it, so every replica folds it, whatever this station was told.
            if (row.syncState === 'rejected') refold.add(row.ticketId)
            changes.put.push({ ...eventOfRow(row), syncState: 'applied', seq })
          }
        }
        const seqOf = (event: TicketEvent) => parsed.get(event.id)!.seq
        const unfoldable: string[] = []
        for (const [ticketId, events] of groupByTicket(added)) {
          const fresh = notAdoptedYet(rows.get(ticketId), events, seqOf)
          if (fresh.length > 0) changes.project.set(ticketId, fresh)
          // A station started from a snapshot holds no events before it: a ticket it has no row
          // for, reached by a later event (a reopening), is the server's to send in full.
          if (meta.has(META.bootstrap) && !rows.get(ticketId) && !fresh.some(isOpening))
            unfoldable.push(ticketId)
        }
        if (unfoldable.length > 0) await markStale(db, unfoldable)
        for (const ticketId of refold) changes.project.set(ticketId, [])
        if (confirmed > 0)
          changes.meta.set(META.pendingCount, Math.max(0, pendingOf(meta) - confirmed))

        const clockWarnings: ClockWarning[] = []
        const station = stationOf(meta)
        if (station && incoming.length > 0) {
          // Merging the latest clock of each station is enough to order later local events after
          // all of them, and yields one warning per faulty station instead of one per event.
          let clock = clockOf(meta, station)
          const wallNow = core.now()
          for (const hlc of latestHlcPerStation(incoming.map(({ event }) => event))) {
            const merged = receive(clock, hlc, wallNow)
            clock = merged.clock
            if (merged.warning) clockWarnings.push(merged.warning)
          }
          changes.meta.set(META.clock, clock)
        }
        const cursor = Math.max(before, page.next)
        changes.meta.set(META.cursor, cursor)

        await projection.redactHeld(changes)
        await projection.commit(changes, rows, out)
        core.view.remember(new Map([...meta, ...changes.meta]))
        return { added: added.length, confirmed, skipped, clockWarnings, cursor }
      })
    },

    async pendingEvents(limit) {
      const rows = await db.events
        .where('syncState')
        .equals('pending')
        .limit(Math.min(Math.max(limit, 0), MAX_WINDOW))
        .toArray()
      return rows.map(eventOfRow)
    },

    async pendingCount() {
      return (await core.getMeta<number>(META.pendingCount)) ?? 0
    },

    async rejectedEvents(limit) {
      return db.events
        .where('syncState')
        .equals('rejected')
        .limit(Math.min(Math.max(limit, 0), MAX_WINDOW))
        .toArray()
    },

    async getCursor() {
      return (await core.getMeta<number>(META.cursor)) ?? 0
    },
  }
}

function isNumberTaken(
  result: PushResult,
): result is Extract<PushResult, { status: 'rejected' }> & { code: 'number_taken' } {
  return result.status === 'rejected' && result.code === 'number_taken'
}

const isOpening = (event: TicketEvent) => event.type === 'opened'

export function latestHlcPerStation(events: readonly TicketEvent[]): string[] {
  const latest = new Map<string, string>()
  for (const event of events) {
    const seen = latest.get(event.station)
    if (seen === undefined || event.hlc > seen) latest.set(event.station, event.hlc)
  }
  return [...latest.values()]
}
