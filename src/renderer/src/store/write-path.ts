/**
 * The write path of local work: the station's identity and clock, and recording a command's
 * events (pending) together with their projection in one transaction. A command first tries the
 * one-round-trip lane on the remembered view (optimistic-write.ts), then the careful write that
 * reads what it needs.
 */
import type { CommandResult } from '../../../shared/incident/rules'
import { formatTicketNumber } from '../../../shared/incident/ticket-number'
import { formatHlc, receive, tick } from '../../../shared/sync/hlc'
import { planOnView, writePlanned, type PlannedWrite } from './optimistic-write'
import { noChanges, type Projection } from './projection'
import { runCommand, type TakenNumbers } from './run-command'
import {
  META,
  VIEW_KEYS,
  clockOf,
  isTicket,
  pendingOf,
  requireStation,
  stationOf,
  uniqueById,
  type StationMeta,
  type StoreCore,
} from './store-core'
import type { RecordContext, RecordResult, StationStore } from './store-types'
import { NoNumberHeld } from './ticket-numbers'

export type WritePath = Pick<
  StationStore,
  | 'setStationCode'
  | 'stationCode'
  | 'numbersRaised'
  | 'nextHlc'
  | 'observeRemoteHlc'
  | 'record'
  | 'recordAhead'
  | 'recordEvents'
>

/** Asks for this window's block ahead of the first call; a failure shows when a number is due. */
export function prefetchNumbers(core: StoreCore, code: string): void {
  core.numbers.ensure(code).catch(() => undefined)
}

export function createWritePath(core: StoreCore, projection: Projection): WritePath {
  const { db } = core

  async function recordOnce(
    command: (ctx: RecordContext) => CommandResult,
    taken: TakenNumbers,
    planned: PlannedWrite | null = planOnView(core, command, taken),
  ): Promise<RecordResult> {
    const quick = planned && (await writePlanned(core, projection, planned))
    if (quick) return quick
    return core.write(async (out): Promise<RecordResult> => {
      const meta = await core.readMeta(VIEW_KEYS)
      const { result, writes } = runCommand(core, command, meta, taken)
      if (!result.ok) return result
      const events = uniqueById(result.events)
      const reads = await projection.readForLocal(events)
      const changes = noChanges()
      for (const [key, value] of writes) changes.meta.set(key, value)
      await projection.recordLocal(events, pendingOf(meta), reads, changes, out)
      core.view.remember(new Map([...meta, ...changes.meta]))
      return { ok: true, events: result.events, tickets: [...out.values()].filter(isTicket) }
    })
  }

  /** `planned`: the first run of the command, made ahead on the view by `recordAhead`. */
  async function record(
    command: (ctx: RecordContext) => CommandResult,
    taken: TakenNumbers = { stationCode: null, sequences: [] },
    planned?: PlannedWrite | null,
  ): Promise<RecordResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await recordOnce(command, taken, attempt === 1 ? planned : undefined)
        // A refused command wrote nothing, and the numbers it took are free again.
        if (!result.ok && taken.stationCode)
          core.numbers.giveBack(taken.stationCode, taken.sequences)
        return result
      } catch (error) {
        // Only when the block ran dry: the wait for main's next block, a local round trip.
        if (!(error instanceof NoNumberHeld) || attempt >= 3) throw error
        await core.numbers.ensure(error.stationCode)
      }
    }
  }

  return {
    async setStationCode(code) {
      formatTicketNumber(code, 1) // refuses what is not a station code
      await db.transaction('rw', db.meta, async () => {
        const meta = await core.readMeta([META.station, META.clock])
        const station: StationMeta = { code, lastSequence: stationOf(meta)?.lastSequence ?? {} }
        await core.putMeta(META.station, station)
        core.view.remember(new Map([...meta, [META.station, station]]))
      })
      prefetchNumbers(core, code)
    },

    async stationCode() {
      return (await core.getMeta<StationMeta>(META.station))?.code ?? null
    },

    numbersRaised(stationCode, highest) {
      core.numbers.raised(stationCode, highest)
    },

    async nextHlc() {
      return db.transaction('rw', db.meta, async () => {
        const meta = await core.readMeta([META.station, META.clock])
        const clock = tick(clockOf(meta, requireStation(stationOf(meta))), core.now())
        await core.putMeta(META.clock, clock)
        core.view.remember(new Map([...meta, [META.clock, clock]]))
        return formatHlc(clock)
      })
    },

    async observeRemoteHlc(hlc) {
      return db.transaction('rw', db.meta, async () => {
        const meta = await core.readMeta([META.station, META.clock])
        const merged = receive(clockOf(meta, requireStation(stationOf(meta))), hlc, core.now())
        await core.putMeta(META.clock, merged.clock)
        core.view.remember(new Map([...meta, [META.clock, merged.clock]]))
        return merged.warning
      })
    },

    record: (command) => record(command),

    recordAhead(command, startAfter) {
      const taken: TakenNumbers = { stationCode: null, sequences: [] }
      let planned: PlannedWrite | null = null
      try {
        planned = planOnView(core, command, taken)
      } catch {
        // No number held yet: the write waits for main's block, and shows nothing ahead.
      }
      const preview: RecordResult | null = !planned
        ? null
        : planned.result.ok
          ? {
              ok: true,
              events: planned.result.events,
              tickets: [...planned.write!.plan.next.values()],
            }
          : planned.result
      const commit = () => record(command, taken, planned)
      return { preview, committed: startAfter ? startAfter.then(commit, commit) : commit() }
    },

    async recordEvents(events) {
      return core.write(async (out) => {
        const unique = uniqueById(events)
        const [meta, reads] = await Promise.all([
          core.readMeta([META.pendingCount]),
          projection.readForLocal(unique),
        ])
        const changes = noChanges()
        const recorded = await projection.recordLocal(unique, pendingOf(meta), reads, changes, out)
        core.view.remember(new Map([...meta, ...changes.meta]))
        return { recorded, tickets: [...out.values()].filter(isTicket) }
      })
    },
  }
}
