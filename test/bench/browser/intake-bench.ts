/**
 * The page side of the `intake` bench: the real desk (shell, intake, ticket view, their live
 * queries and draft saving) on the station database the store bench fills with 100,000 tickets.
 * Playwright types the calls; the page times, without DevTools round trips:
 *   - each commit the intake makes (the opening of a call, one transaction), and
 *   - Ctrl+Enter to the logged ticket's number painted, and beside it the floor: a key that only
 *     writes a number into the page, timed the same way.
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

const timings = { record: [] as number[], recordSinceAsked: [] as number[], bare: [] as number[] }
let bareStore: StationStore | null = null

/**
 * Times the store's writes as the desk makes them, from the commit's start (the intake lets the
 * frame with the number out first), and from the call to `recordAhead`, the key's own task;
 * everything else passes through.
 */
function timed(store: StationStore): StationStore {
  return {
    ...store,
    recordAhead(command, startAfter) {
      const asked = performance.now()
      let started = asked
      const begun = startAfter?.then(() => {
        started = performance.now()
      })
      const ahead = store.recordAhead(command, begun)
      const committed = ahead.committed.finally(() => {
        const now = performance.now()
        timings.record.push(now - started)
        timings.recordSinceAsked.push(now - asked)
      })
      return { preview: ahead.preview, committed }
    },
  }
}

/** Each timing of a key to what it shows, split where the time goes. */
export interface KeyToPaint {
  /** From the key's timestamp (the browser's, taken as the input arrived) to painted. */
  total: number
  /** Until the page's first listener ran: the input waiting for the main thread. */
  inputWait: number
  /** Until what it shows was in the DOM: the handlers, and the microtasks they queued before it. */
  toDom: number
  /** Until the frame that draws it began: whatever ran between, and the wait for the frame. */
  toFrame: number
  /** That frame: style, layout, paint and commit, and any task the browser ran before ours. */
  frame: number
}

const paints = { toNumber: [] as KeyToPaint[], floor: [] as KeyToPaint[] }

/** Frames a key's change is looked for in before that press is given up on (10 s at 60 Hz). */
const MAX_FRAMES = 600

/**
 * Times the keys that `isKey` picks, from the key's timestamp to the first frame that shows a
 * change of `shown()`. Each frame from the key on, an animation frame callback looks at the DOM
 * the frame is about to draw; once it holds the change, painted is taken as a task queued from
 * there, which runs once that frame is produced. The callback is asked for as the key arrives,
 * before the page's own handlers run, so its task comes ahead of any they queue for after the
 * frame (the intake's commit); other tasks the browser runs first (the key's release) only make
 * the figure err long.
 */
function timeKeyToPaint(
  isKey: (event: KeyboardEvent) => boolean,
  shown: () => string,
  into: KeyToPaint[],
): void {
  let press: { stamp: number; listened: number; inDom: number | null } | null = null
  let last = ''
  const changed = () => {
    const now = shown()
    return now !== '' && now !== last
  }
  window.addEventListener(
    'keydown',
    (event) => {
      if (!isKey(event)) return
      const current = { stamp: event.timeStamp, listened: performance.now(), inDom: null }
      press = current
      let frames = 0
      const look = () =>
        requestAnimationFrame(() => {
          if (press !== current) return
          if (!changed()) {
            if (++frames < MAX_FRAMES) look()
            return
          }
          last = shown()
          press = null
          const frameAt = performance.now()
          const inDom = current.inDom ?? frameAt
          setTimeout(() => {
            const painted = performance.now()
            into.push({
              total: painted - current.stamp,
              inputWait: current.listened - current.stamp,
              toDom: inDom - current.stamp,
              toFrame: frameAt - inDom,
              frame: painted - frameAt,
            })
          })
        })
      look()
    },
    { capture: true },
  )
  // Only for the split: when the change reached the DOM.
  new MutationObserver(() => {
    if (press && press.inDom === null && changed()) press.inDom = performance.now()
  }).observe(document.body, { subtree: true, childList: true, characterData: true })
}

/**
 * Ctrl+Enter to the logged ticket's number: the intake's "Logged as" line or the ticket view,
 * whichever shows it first.
 */
function watchLogToNumber(): void {
  timeKeyToPaint(
    (event) => event.key === 'Enter' && event.ctrlKey,
    () =>
      document.querySelector('.logged .ticket-number, [aria-label="Ticket number"]')?.textContent ??
      '',
    paints.toNumber,
  )
}

/** The key the floor is timed with: the desk binds nothing to it, and never sees it here. */
const FLOOR_KEY = 'F8'

/**
 * The floor beside the figure, same page, same moment: a key whose only work is to write one
 * number into the page, timed the same way. What no intake can beat on this machine.
 */
function watchFloor(): void {
  const output = document.createElement('output')
  output.setAttribute('aria-hidden', 'true')
  document.body.append(output)
  timeKeyToPaint(
    (event) => event.key === FLOOR_KEY,
    () => output.textContent ?? '',
    paints.floor,
  )
  let presses = 0
  // Added after the timing's listener: this one stops the key, which the timing must still see.
  window.addEventListener(
    'keydown',
    (event) => {
      if (event.key !== FLOOR_KEY) return
      event.preventDefault()
      event.stopImmediatePropagation()
      output.textContent = `${++presses}`
    },
    { capture: true },
  )
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
  watchFloor()
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
    timings.recordSinceAsked.length = 0
    timings.bare.length = 0
    paints.toNumber.length = 0
    paints.floor.length = 0
  },
  floorKey: FLOOR_KEY,
  floorsTimed: () => paints.floor.length,
  timings: () => ({
    record: [...timings.record],
    recordSinceAsked: [...timings.recordSinceAsked],
    bare: [...timings.bare],
    toNumber: [...paints.toNumber],
    floor: [...paints.floor],
  }),
}

declare global {
  interface Window {
    intakeBench: typeof intakeBench
  }
}

window.intakeBench = intakeBench
