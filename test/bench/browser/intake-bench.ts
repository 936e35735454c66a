/**
 * The page side of the `intake` bench: the real desk (shell, intake, ticket view, their live
 * queries and draft saving) on the station database the store bench fills with 100,000 tickets.
 * Playwright types the calls; the page times, without DevTools round trips:
 *   - each commit the intake makes (the opening of a call, one transaction), and
 *   - Ctrl+Enter to the logged ticket's number painted.
 */
import { createElement } from 'react'
import { createRoot } from 'react-dom/client'
import { directorySchema, type User } from '../../../src/shared/directory'
import { createDesk, DeskProvider } from '../../../src/renderer/src/app/desk'
import { Shell } from '../../../src/renderer/src/app/Shell'
import {
  applyTemplate,
  callerFromRecord,
  emptyDraft,
  logCall,
} from '../../../src/renderer/src/intake/draft'
import { createStationStore, type StationStore } from '../../../src/renderer/src/store'
import { uuidv7 } from '../../../src/shared/ids'
import { offlineStation } from '../../support/offline-station'
import sample from '../../../resources/directory/sample-directory.json'
import { BENCH_DB } from './store-bench'
import { memoryNumbers } from '../../support/ticket-numbers'

const AGENT: User = { username: 'bench-agent', displayName: 'Bench Agent', role: 'agent' }
const DIRECTORY = directorySchema.parse(sample)
const VPN = DIRECTORY.templates.find((t) => t.id === 'vpn')!
const DANA = {
  ...callerFromRecord(DIRECTORY.callers.find((c) => c.username === 'dwhitfield')!),
}
/** A station code of its own, so the calls it logs never collide with the synthetic floor's. */
const STATION_CODE = 'BI'

const timings = { record: [] as number[], toNumber: [] as number[], bare: [] as number[] }
let bareStore: StationStore | null = null

/** Times the store's writes as the desk makes them; everything else passes through. */
function timed(store: StationStore): StationStore {
  return {
    ...store,
    recordAhead(command) {
      const started = performance.now()
      const ahead = store.recordAhead(command)
      const committed = ahead.committed.finally(() =>
        timings.record.push(performance.now() - started),
      )
      return { preview: ahead.preview, committed }
    },
  }
}

/**
 * From the Ctrl+Enter that logs a call to its ticket number painted: the intake's "Logged as"
 * line or the ticket view, whichever shows it first. Painted is taken as a task queued from the
 * next animation frame, which runs once that frame is on screen.
 */
function watchLogToNumber(): void {
  let pressedAt: number | null = null
  let shown = ''
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key === 'Enter' && event.ctrlKey) pressedAt = performance.now()
    },
    { capture: true },
  )
  new MutationObserver(() => {
    const number =
      document.querySelector('.logged .ticket-number, [aria-label="Ticket number"]')?.textContent ??
      ''
    if (pressedAt === null || number === '' || number === shown) return
    shown = number
    const pressed = pressedAt
    pressedAt = null
    requestAnimationFrame(() =>
      setTimeout(() => timings.toNumber.push(performance.now() - pressed)),
    )
  }).observe(document.body, { subtree: true, childList: true, characterData: true })
}

async function mount(): Promise<void> {
  const store = await createStationStore(BENCH_DB, { numbers: memoryNumbers() })
  await store.setStationCode(STATION_CODE)
  await store.replaceDirectory({ ...DIRECTORY, users: [AGENT] })
  const desk = createDesk({
    station: offlineStation().api,
    store: timed(store),
    afterWrite: () => {},
  })
  desk.session.setState({ phase: 'desk', user: AGENT, mode: 'offline', stationCode: STATION_CODE })
  bareStore = store
  watchLogToNumber()
  const root = document.createElement('div')
  document.body.append(root)
  createRoot(root).render(createElement(DeskProvider, { desk, children: createElement(Shell) }))
}

/**
 * The same opening written straight to the store, no UI around it: the baseline, measured in
 * turns with the intake's so both see the same machine.
 */
async function bareRecord(): Promise<void> {
  if (!bareStore) throw new Error('mount first')
  const draft = { ...applyTemplate(emptyDraft(Date.now()), VPN), caller: DANA }
  const started = performance.now()
  const result = await bareStore.record((rc) =>
    logCall(draft, rc.nextTicketNumber(), {
      actor: AGENT.username,
      station: STATION_CODE,
      now: Date.now,
      nextHlc: rc.nextHlc,
      newId: () => uuidv7(),
    }),
  )
  timings.bare.push(performance.now() - started)
  if (!result.ok) throw new Error(`bare record refused: ${JSON.stringify(result.errors)}`)
}

const intakeBench = {
  mount,
  bareRecord,
  /** Clears what the warm-up measured. */
  reset() {
    timings.record.length = 0
    timings.toNumber.length = 0
    timings.bare.length = 0
  },
  timings: () => ({
    record: [...timings.record],
    toNumber: [...timings.toNumber],
    bare: [...timings.bare],
  }),
}

declare global {
  interface Window {
    intakeBench: typeof intakeBench
  }
}

window.intakeBench = intakeBench
