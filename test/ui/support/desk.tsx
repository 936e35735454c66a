/**
 * A desk for component tests: the real station store on a private fake-indexeddb, loaded with the
 * sample directory that ships in resources/, a signed-in agent at station A1, and the station
 * API of a station whose central server cannot be reached — every call answers `offline`, as main
 * does during an outage. Notifications from main can be emitted by hand (a screen pop, a status).
 *
 * Keys are sent to whatever has focus, so a test that types also proves where the focus went.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { act, cleanup, configure, fireEvent, render } from '@testing-library/react'
import { Dexie } from 'dexie'
import { IDBFactory as FakeIDBFactory, IDBKeyRange as FakeIDBKeyRange } from 'fake-indexeddb'
import { directorySchema } from '../../../src/shared/directory'
import type { User } from '../../../src/shared/directory'
import type { TicketEvent } from '../../../src/shared/incident/events'
import { openTicket, type CommandResult, type OpenInput } from '../../../src/shared/incident/rules'
import { uuidv7 } from '../../../src/shared/ids'
import { phoneCall } from '../../support/incident-fixtures'
import { formatHlc } from '../../../src/shared/sync/hlc'
import { offlineStation, type OfflineStation } from '../../support/offline-station'
import {
  createDesk,
  DeskProvider,
  type Desk,
  type DeskCommandContext,
} from '../../../src/renderer/src/app/desk'
import type { View } from '../../../src/renderer/src/app/nav-store'
import { Shell } from '../../../src/renderer/src/app/Shell'
import { createStationStore, type StationStore } from '../../../src/renderer/src/store'
import { afterEach, beforeEach } from 'vitest'
import { memoryNumbers } from '../../support/ticket-numbers'

export const AGENT: User = { username: 'agent1', displayName: 'Agent One', role: 'agent' }
export const SUPERVISOR: User = {
  username: 'sup1',
  displayName: 'Sue Pervisor',
  role: 'supervisor',
}
export const STATION_CODE = 'A1'

/** The offline station API, its notifications delivered inside React's act(). */
function stationForTests() {
  const station = offlineStation()
  return {
    api: station.api,
    emit: ((event, payload) => act(() => station.emit(event, payload))) as OfflineStation['emit'],
  }
}

export interface TestStation {
  store: StationStore
  /** Reopens the same database: a station restart. */
  reopen(): Promise<StationStore>
}

// Dexie's live queries (the desk's data hooks) run only where it finds a global IndexedDB; the
// stores themselves each get a private factory below.
Dexie.dependencies.indexedDB ??= new FakeIDBFactory()
Dexie.dependencies.IDBKeyRange ??= FakeIDBKeyRange

// A desk renders through IndexedDB live queries; on a loaded CI machine the first render of a
// file (cold transforms) takes longer than the default second; seen past 5 s with a benchmark
// running beside the tests. A wait is not a timing assertion: only a failure takes this long.
configure({ asyncUtilTimeout: 15_000 })

let databases = 0

export async function openTestStation(): Promise<TestStation> {
  const indexedDB = new FakeIDBFactory()
  const name = `desk-test-${++databases}`
  // Main, and with it the station's number counter, outlives a restart of the renderer.
  const numbers = memoryNumbers()
  const open = () => createStationStore(name, { numbers, indexedDB, IDBKeyRange: FakeIDBKeyRange })
  const store = await open()
  await store.setStationCode(STATION_CODE)
  const sample = directorySchema.parse(
    JSON.parse(
      await readFile(
        path.join(import.meta.dirname, '../../../resources/directory/sample-directory.json'),
        'utf8',
      ),
    ),
  )
  await store.replaceDirectory({ ...sample, users: [AGENT] })
  return { store, reopen: open }
}

/**
 * A fresh station for each test of the file, its screen unmounted and its store closed after the
 * test. `store` is the station's current store: `reopen()` (a restart) replaces it.
 */
export function useTestStation(): TestStation {
  let current: TestStation | undefined
  beforeEach(async () => {
    current = await openTestStation()
  })
  afterEach(() => {
    cleanup()
    current?.store.close()
  })
  const opened = () => {
    if (!current) throw new Error('useTestStation: the station opens before each test')
    return current
  }
  return {
    get store() {
      return opened().store
    },
    async reopen() {
      const store = await opened().reopen()
      current = { ...opened(), store }
      return store
    },
  }
}

export interface RenderedDesk {
  desk: Desk
  station: OfflineStation
  /** Events handed to sync after each write, in order. */
  handedOver: TicketEvent[]
  unmount(): void
}

/** Renders the signed-in desk on `store`, optionally opened at `view`. */
export function renderDesk(store: StationStore, view?: View, user: User = AGENT): RenderedDesk {
  const station = stationForTests()
  const handedOver: TicketEvent[] = []
  const desk = createDesk(
    { station: station.api, store, afterWrite: (events) => handedOver.push(...events) },
    view,
  )
  desk.session.setState({ phase: 'desk', user, mode: 'offline', stationCode: STATION_CODE })
  const { unmount } = render(
    <DeskProvider desk={desk}>
      <Shell />
    </DeskProvider>,
  )
  return { desk, station, handedOver, unmount }
}

/** Counts what the agent pressed, so a test can hold the intake to its keystroke budget. */
export class Keyboard {
  strokes = 0

  private target(): Element {
    return document.activeElement ?? document.body
  }

  /** One key, e.g. `press('Enter')`, `press('n', { ctrlKey: true })`, `press('5')`. */
  press(
    key: string,
    modifiers: { ctrlKey?: boolean; altKey?: boolean; shiftKey?: boolean } = {},
  ): void {
    this.strokes++
    const code = /^[a-z]$/i.test(key)
      ? `Key${key.toUpperCase()}`
      : /^\d$/.test(key)
        ? `Digit${key}`
        : key
    const target = this.target()
    const notCancelled = fireEvent.keyDown(target, { key, code, ...modifiers })
    // A digit or letter nobody handled is typed into the focused field, as a browser would.
    if (notCancelled && key.length === 1 && !modifiers.ctrlKey && !modifiers.altKey)
      this.typeInto(target, key)
  }

  /** Characters typed into the focused field, one keystroke each. */
  type(text: string): void {
    for (const char of text) this.press(char)
  }

  private typeInto(target: Element, text: string): void {
    if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement) {
      if (target.type === 'checkbox' || target.type === 'radio') return
      fireEvent.change(target, { target: { value: target.value + text } })
    }
  }
}

/** Lets pending IndexedDB work and the React updates it causes settle. */
export async function settle(ms = 30): Promise<void> {
  await act(() => new Promise((resolve) => setTimeout(resolve, ms)))
}

/**
 * Runs a process command as the test agent, as the desk's `useRecord` does; at `at` (ms) when
 * given, for a history older than the station's clock.
 */
export async function recordAs(
  store: StationStore,
  command: (ctx: DeskCommandContext) => CommandResult,
  actor = AGENT.username,
  at?: number,
): Promise<TicketEvent[]> {
  let counter = 0
  const result = await store.record((rc) =>
    command({
      actor,
      station: STATION_CODE,
      now: at === undefined ? Date.now : () => at,
      nextHlc:
        at === undefined
          ? rc.nextHlc
          : () => formatHlc({ wallMs: at, counter: counter++, node: STATION_CODE }),
      nextTicketNumber: rc.nextTicketNumber,
      newId: () => uuidv7(),
    }),
  )
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.errors)}`)
  return result.events
}

/** A VPN phone call from Dana Whitfield, logged at this station; returns its ticket id. */
export async function logVpnCall(
  store: StationStore,
  overrides: Partial<OpenInput> = {},
  at?: number,
): Promise<string> {
  const [opened] = await recordAs(
    store,
    (ctx) =>
      openTicket(
        phoneCall({
          // The caller as the desk's tests have always logged them: no department or role.
          caller: {
            name: 'Dana Whitfield',
            email: 'dana.whitfield@example.edu',
            phone: '+1 555 010 2233',
            username: 'dwhitfield',
          },
          title: 'Cannot connect to VPN',
          description: '',
          receivedAt: new Date(at ?? Date.now()).toISOString(),
          ...overrides,
        }),
        ctx.nextTicketNumber(),
        ctx,
      ),
    AGENT.username,
    at,
  )
  return opened!.ticketId
}
