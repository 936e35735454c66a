/**
 * The page side of `sync.save_to_supervisor_p95_ms`: a station as the app runs it in a browser —
 * the renderer's bridge to its browser host (the real station services in Node), its own store
 * in IndexedDB, and the renderer-side sync — without the desk's screens. The agent's page saves
 * calls; the supervisor's page notes when each arrives in its store. Times are wall-clock epoch
 * milliseconds (`timeOrigin + now`), comparable between the two browsers on one machine.
 */
import { station } from '../../../src/renderer/src/bridge'
import { createStationStore, type StationStore } from '../../../src/renderer/src/store'
import { createStationSync, type StationSync } from '../../../src/renderer/src/sync/station-sync'
import { uuidv7 } from '../../../src/shared/ids'
import { openTicket } from '../../../src/shared/incident/rules'

const epochNow = () => performance.timeOrigin + performance.now()

let store: StationStore | null = null
let sync: StationSync | null = null
let actor = ''
let stationCode = ''
const arrivals = new Map<string, number>()
const waiting = new Map<string, (at: number) => void>()

const syncBench = {
  /** Signs in, enrolls this station with `code`, opens the store and starts syncing. */
  async start(credentials: { username: string; password: string; code: string; name: string }) {
    const api = station()
    const session = await api.session.login({
      username: credentials.username,
      password: credentials.password,
    })
    actor = session.user!.username
    const enrolled = await api.station.enroll({ code: credentials.code, name: credentials.name })
    stationCode = enrolled.stationCode
    store = await createStationStore(`warmline-sync-bench-${stationCode}`, {
      numbers: api.numbers,
    })
    await store.setStationCode(stationCode)
    store.onTicketsChanged(({ updated }) => {
      const at = epochNow()
      for (const ticket of updated) {
        if (arrivals.has(ticket.id)) continue
        arrivals.set(ticket.id, at)
        waiting.get(ticket.id)?.(at)
      }
    })
    sync = createStationSync({ station: api, store })
    await sync.start()
    return { stationCode }
  },

  /** The agent saves a call, as the desk does: record, then hand the events to main. */
  async save(index: number): Promise<{ ticketId: string; savedAt: number }> {
    const savedAt = epochNow()
    const result = await store!.record((ctx) =>
      openTicket(
        {
          source: 'phone',
          caller: { name: `Bench caller ${index}` },
          title: `Bench call ${index}`,
          description: '',
          service: 'Network',
          category: 'VPN',
          impact: 2,
          urgency: 2,
          priorityIncrease: false,
          receivedAt: new Date().toISOString(),
        },
        ctx.nextTicketNumber(),
        { actor, station: stationCode, now: Date.now, nextHlc: ctx.nextHlc, newId: () => uuidv7() },
      ),
    )
    if (!result.ok) throw new Error(JSON.stringify(result.errors))
    void sync!.handOver(result.events)
    return { ticketId: result.events[0]!.ticketId, savedAt }
  },

  /** When the ticket reached this station's store (waits for it). */
  arrival(ticketId: string): Promise<number> {
    const known = arrivals.get(ticketId)
    if (known !== undefined) return Promise.resolve(known)
    return new Promise((resolve) => waiting.set(ticketId, resolve))
  },
}

declare global {
  interface Window {
    syncBench: typeof syncBench
  }
}

window.syncBench = syncBench
