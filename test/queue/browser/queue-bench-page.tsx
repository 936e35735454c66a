/**
 * The page side of the `queue` bench: a supervisor station whose store holds 10,000 open tickets
 * made by the real rules from another station, the real supervisor queue loading them, and the
 * real Live Queue panel rendering them. Timing happens here, in the page; a figure is the work
 * (render, commit, layout), not a wait for the next vsync.
 */
import { flushSync } from 'react-dom'
import { createRoot, type Root } from 'react-dom/client'
import type { Team } from '../../../src/shared/directory'
import { uuidv7 } from '../../../src/shared/ids'
import {
  changeFields,
  escalate,
  foldTicket,
  openTicket,
  SOURCES,
  type CommandContext,
  type Level,
  type TicketEvent,
} from '../../../src/shared/incident'
import { createClock, formatHlc, tick } from '../../../src/shared/sync/hlc'
import { createStationStore, type StationStore } from '../../../src/renderer/src/store'
import { LiveQueuePanel } from '../../../src/renderer/src/queue/LiveQueuePanel'
import {
  createSupervisorQueue,
  type SupervisorQueue,
} from '../../../src/renderer/src/queue/supervisor-queue'
import type { QueueDirectory } from '../../../src/renderer/src/queue/context'
import { openTicketReader } from '../../../src/renderer/src/queue/open-tickets'
import { seededRandom } from '../../support/random'
import deskStyles from '../../../src/renderer/src/ui/styles.css?inline'
import queueStyles from '../../../src/renderer/src/queue/queue.css?inline'
import { memoryNumbers } from '../../support/ticket-numbers'

// The page is a bundle without the app's stylesheet links: the styles the app ships, inline.
document.head.appendChild(document.createElement('style')).textContent =
  `${deskStyles}\n${queueStyles}`

const DB = 'warmline-queue-bench'
const TEAMS: Team[] = ['csc', 'network', 'identity', 'desktop', 'email', 'printing', 'apps'].map(
  (id, i) => ({
    id,
    name: id === 'csc' ? 'Service Desk (CSC)' : `${id[0]!.toUpperCase()}${id.slice(1)} team`,
    tier: i === 0 ? 1 : 2,
    warmTransferPhone: `555-01${i}0`,
    email: '',
    hours: '',
    description: '',
  }),
)
const directory: QueueDirectory = {
  teams: TEAMS,
  routingGuidance: [],
  users: [],
  teamName: (id) => TEAMS.find((t) => t.id === id)?.name ?? id,
  userName: (u) => u ?? 'nobody',
}

/** Another station of the floor, making events on its own clock. */
function remoteAgent(startMs: number) {
  let wall = startMs
  let clock = createClock('B7')
  const ctx: CommandContext = {
    actor: 'agent7',
    station: 'B7',
    now: () => wall,
    newId: () => uuidv7(wall),
    nextHlc: () => {
      wall += 50
      clock = tick(clock, wall)
      return formatHlc(clock)
    },
  }
  return ctx
}

function accepted(result: ReturnType<typeof openTicket>): TicketEvent[] {
  if (!result.ok) throw new Error(JSON.stringify(result.errors))
  return result.events
}

let store: StationStore | null = null
let queue: SupervisorQueue | null = null
let root: Root | null = null
let seq = 0

async function openStore(): Promise<StationStore> {
  store ??= await createStationStore(DB, { numbers: memoryNumbers() })
  if (!(await store.stationCode())) await store.setStationCode('SV1')
  return store
}

/** Delivers events as the server would, in pages, moving the cursor. */
async function deliver(s: StationStore, events: TicketEvent[]): Promise<void> {
  for (let i = 0; i < events.length; i += 1000) {
    const page = events.slice(i, i + 1000)
    await s.applyRemotePage({
      events: page.map((event, j) => ({ seq: seq + j + 1, event })),
      next: seq + page.length,
    })
    seq += page.length
  }
}

const queueBench = {
  /** Fills the store with `count` open tickets (a third escalated to a team); returns seconds. */
  async seed(count: number, seed: number): Promise<number> {
    const started = performance.now()
    const s = await openStore()
    const random = seededRandom(seed)
    const ctx = remoteAgent(Date.now() - 8 * 60 * 60 * 1000)
    let batch: TicketEvent[] = []
    for (let i = 0; i < count; i++) {
      const opening = accepted(
        openTicket(
          {
            source: random.chance(0.75) ? 'phone' : random.pick(SOURCES),
            caller: { name: `Caller ${i}`, phone: `555${String(i).padStart(7, '0')}` },
            title: `Ticket ${i}: ${random.pick(['VPN', 'printer', 'password', 'Wi-Fi', 'email'])} problem`,
            description: '',
            service: 'Network',
            category: 'General',
            impact: (1 + random.int(4)) as Level,
            urgency: (1 + random.int(4)) as Level,
            priorityIncrease: false,
            receivedAt: new Date(ctx.now() - random.int(6 * 60 * 60 * 1000)).toISOString(),
          },
          `B7-${i + 1}`,
          ctx,
        ),
      )
      const events = random.chance(0.33)
        ? [
            ...opening,
            ...accepted(
              escalate(
                foldTicket(opening)!,
                {
                  teamId: random.pick(TEAMS.slice(1)).id,
                  tier: 2,
                  suggestedTeamIds: TEAMS.map((t) => t.id),
                  routingGuidanceId: null,
                  warmTransfer: {
                    status: 'not_possible',
                    reason: 'Team queue only',
                  },
                },
                ctx,
              ),
            ),
          ]
        : opening
      batch.push(...events)
      if (batch.length >= 1000) {
        await deliver(s, batch)
        batch = []
      }
    }
    await deliver(s, batch)
    return (performance.now() - started) / 1000
  },

  /** Diagnostics: the keyset windows alone, without the model. */
  async readOnly(): Promise<number> {
    const s = await openStore()
    const reader = openTicketReader(s)
    const started = performance.now()
    let n = 0
    for (const state of ['open', 'on_hold'] as const)
      await reader.read(state, 500, (t) => void (n += t.length))
    return performance.now() - started
  },

  /** A fresh page: the supervisor queue loads every open ticket from disk. Returns ms. */
  async load(): Promise<{ ms: number; tickets: number }> {
    const s = await openStore()
    const started = performance.now()
    queue = createSupervisorQueue({ store: s })
    await queue.start()
    return { ms: performance.now() - started, tickets: queue.model.size }
  },

  /**
   * Mounts the Live Queue over the loaded queue — render, commit and layout — `mounts` times, each
   * a fresh React root; the last mount stays for the live updates. Returns ms per mount.
   */
  async firstRenders(mounts: number): Promise<{ ms: number[]; rowsInDom: number; shown: string }> {
    const host =
      document.getElementById('root') ?? document.body.appendChild(document.createElement('div'))
    host.id = 'root'
    host.style.height = '900px'
    const ms: number[] = []
    for (let i = 0; i < mounts; i++) {
      root?.unmount()
      await new Promise((resolve) => setTimeout(resolve, 50))
      const started = performance.now()
      root = createRoot(host)
      flushSync(() =>
        root!.render(<LiveQueuePanel queue={queue!} directory={directory} record={refuse} />),
      )
      host.getBoundingClientRect()
      ms.push(performance.now() - started)
    }
    const rowsInDom = host.querySelectorAll('[role="row"]').length
    return { ms, rowsInDom, shown: host.querySelector('output')?.textContent ?? '' }
  },

  /**
   * One live change per round to a ticket on screen (its priority changes, so it moves in the
   * priority sort), as it arrives from the server: from the store's change feed to the row in
   * the DOM, laid out. Returns ms per round.
   */
  async liveUpdates(rounds: number, seed: number): Promise<number[]> {
    const s = await openStore()
    const q = queue!
    const random = seededRandom(seed)
    // The same station as the seed's, its clock after every event it made.
    const agent = remoteAgent(Date.now())
    q.view.getState().setSorting([{ id: 'priority', desc: false }])
    const timings: number[] = []
    for (let round = 0; round < rounds; round++) {
      const visible = q.view.getState().view.rows.slice(0, 20)
      const target = random.pick(visible).ticket
      const current = (await s.getTicket(target.id))!
      const impact = ((current.impact % 4) + 1) as Level
      const change = accepted(changeFields(current, { impact, urgency: impact }, agent))
      let started = 0
      const offFeed = s.onTicketsChanged(() => {
        started = performance.now()
      })
      const moved = new Promise<void>((resolve) => {
        const offView = q.view.subscribe(() => {
          offView()
          // React flushes the store update in a microtask queued before this one.
          queueMicrotask(() => resolve())
        })
      })
      await deliver(s, change)
      await moved
      const row = document.getElementById(`queue-row-${target.id}`)
      row?.getBoundingClientRect()
      timings.push(performance.now() - started)
      offFeed()
      // The timing counts only if the screen shows the change: the row with its new priority, or
      // the row gone from the rows on screen because the sort moved it away.
      const priority = q.model.get(target.id)!.ticket.priority
      if (row && !row.textContent?.includes(priority))
        throw new Error('the row does not show its change')
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return timings
  },

  close(): void {
    root?.unmount()
    queue?.stop()
    store?.close()
  },
}

async function refuse(): Promise<{ ok: false; errors: { field: string; message: string }[] }> {
  return { ok: false, errors: [{ field: '', message: 'The bench does not act on tickets.' }] }
}

declare global {
  interface Window {
    queueBench: typeof queueBench
  }
}

window.queueBench = queueBench
