/**
 * What every screen of the desk reaches for: the station API, the station store, and the UI
 * stores. Created once per app (or per test), handed down by context, never module globals, so a
 * test renders a fresh desk and nothing leaks between tests.
 */
import { createContext, useCallback, useContext, type ReactNode } from 'react'
import { useStore } from 'zustand'
import { uuidv7 } from '../../../shared/ids'
import type { TicketEvent } from '../../../shared/incident/events'
import type { CommandContext, CommandResult } from '../../../shared/incident/rules'
import type { StationApi } from '../../../shared/station-api'
import type { RecordContext, RecordResult, StationStore } from '../store'
import { createCallStore, type CallState } from '../calls/call-store'
import { createTicker } from '../queue/clock'
import { createIntakeStore, type IntakeState } from '../intake/intake-store'
import { createPresence } from '../presence/presence'
import { createSessionStore, type SessionStoreState } from '../session/session-store'
import { createSyncStatusStore, type SyncStatusState } from '../status/sync-status-store'
import { createTicketUiStore, type TicketUiState } from '../ticket/ticket-ui-store'
import { createNavStore, type NavState, type View } from './nav-store'

export interface DeskEnv {
  station: StationApi
  store: StationStore
  /** Called after every local write: hands the new pending events to main. */
  afterWrite: (events: readonly TicketEvent[]) => void
}

export function createDesk(env: DeskEnv, initialView?: View) {
  return {
    ...env,
    session: createSessionStore(env.station, env.store),
    nav: createNavStore(initialView),
    intake: createIntakeStore(),
    syncStatus: createSyncStatusStore(),
    ticketUi: createTicketUiStore(),
    calls: createCallStore(),
    presence: createPresence(env.station),
    /** One clock tick for every live timer of the desk (SLA time left), never one per row. */
    ticker: createTicker(),
  }
}

export type Desk = ReturnType<typeof createDesk>

const DeskContext = createContext<Desk | null>(null)

export function DeskProvider({ desk, children }: { desk: Desk; children: ReactNode }) {
  return <DeskContext.Provider value={desk}>{children}</DeskContext.Provider>
}

export function useDesk(): Desk {
  const desk = useContext(DeskContext)
  if (!desk) throw new Error('useDesk outside <DeskProvider>')
  return desk
}

export const useSession = <T,>(select: (s: SessionStoreState) => T) =>
  useStore(useDesk().session, select)
export const useNav = <T,>(select: (s: NavState) => T) => useStore(useDesk().nav, select)
export const useIntake = <T,>(select: (s: IntakeState) => T) => useStore(useDesk().intake, select)
export const useSyncStatus = <T,>(select: (s: SyncStatusState) => T) =>
  useStore(useDesk().syncStatus, select)
export const useTicketUi = <T,>(select: (s: TicketUiState) => T) =>
  useStore(useDesk().ticketUi, select)
export const useCalls = <T,>(select: (s: CallState) => T) => useStore(useDesk().calls, select)

/** A command's context plus the ticket number a new ticket takes in the same transaction. */
export type DeskCommandContext = CommandContext & { nextTicketNumber(): string }

/**
 * A write this station's database could not make (IndexedDB failed, or the database was closed,
 * e.g. by a newer Warmline in another window): the transaction wrote nothing, and the screen
 * says so where it shows a refusal, with what was typed still in its fields.
 */
function notSaved(error: unknown): RecordResult {
  const reason = error instanceof Error ? error.message : String(error)
  return {
    ok: false,
    errors: [
      {
        field: '',
        message: `This station could not save it (${reason}); nothing was saved. Try again; if it keeps failing, restart Warmline.`,
      },
    ],
  }
}

/**
 * Runs a process command (rules.ts) as the signed-in agent at this station: the events and the
 * projection are written in one transaction, then handed to sync. Never waits on the network,
 * and never rejects: a failed write comes back as a refusal (`notSaved`).
 */
export function useRecord(): (
  command: (ctx: DeskCommandContext) => CommandResult,
) => Promise<RecordResult> {
  const desk = useDesk()
  return useCallback(
    async (command) => {
      const { user, stationCode } = desk.session.getState()
      if (!user || !stationCode) return NOT_SIGNED_IN
      const result = await desk.store
        .record((rc) => command(deskContext(user.username, stationCode, rc)))
        .catch(notSaved)
      if (result.ok) desk.afterWrite(result.events)
      return result
    },
    [desk],
  )
}

function deskContext(actor: string, station: string, rc: RecordContext): DeskCommandContext {
  return {
    actor,
    station,
    now: Date.now,
    nextHlc: rc.nextHlc,
    nextTicketNumber: rc.nextTicketNumber,
    newId: () => uuidv7(),
  }
}

const NOT_SIGNED_IN: RecordResult = {
  ok: false,
  errors: [{ field: '', message: 'Sign in at an enrolled station first.' }],
}

/**
 * `useRecord` with the outcome known at once (the store's `recordAhead`): the screen can show
 * what the command gives — a new ticket's number — in the next frame, while the commit follows.
 */
export function useRecordAhead(): (
  command: (ctx: DeskCommandContext) => CommandResult,
  startAfter?: Promise<void>,
) => {
  preview: RecordResult | null
  committed: Promise<RecordResult>
} {
  const desk = useDesk()
  return useCallback(
    (command, startAfter) => {
      const { user, stationCode } = desk.session.getState()
      if (!user || !stationCode)
        return { preview: NOT_SIGNED_IN, committed: Promise.resolve(NOT_SIGNED_IN) }
      const { preview, committed } = desk.store.recordAhead(
        (rc) => command(deskContext(user.username, stationCode, rc)),
        startAfter,
      )
      return {
        preview,
        committed: committed.then((result) => {
          if (result.ok) desk.afterWrite(result.events)
          return result
        }),
      }
    },
    [desk],
  )
}
