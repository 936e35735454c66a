/**
 * One seed of the chaos floor: twenty (or more) stations made of the real station parts (see
 * test/station/support/floor.ts), their clocks up to five minutes off, signed in as agents and
 * supervisors on a station each, working on shared tickets against two server processes on one
 * PostgreSQL database behind a faulty round-robin. Along the way: per-station outages, station
 * restarts, and SIGKILL of a server process while pushes are in flight (then a restart).
 *
 * Then the faults stop, the floor settles (bounded), and `judge` says what went wrong. A seed
 * fixes every decision of the floor; the network's timing is real, so a replay takes the same
 * decisions in a possibly different interleaving.
 */
import path from 'node:path'
import { enrollAndSignIn, hashTickets, openStation, projectionOf } from '../station/support/floor'
import { FloorWork, nothingPending, type FloorSeat } from '../station/support/floor-work'
import { tempDir } from '../station/support/station'
import { seededRandom, type Random } from '../support/random'
import type { Account, ChaosCluster, SeedCentral } from './cluster'
import {
  HTTP_FAULTS,
  LIVE_FAULTS,
  type FaultPlan,
  type HttpFault,
  type LiveFault,
} from './round-robin'
import { judge, type Verdict } from './verdict'

export interface ChaosOptions {
  stations: number
  steps: number
  /** The whole seed, setup to verdict. */
  seedDeadlineMs: number
  /**
   * Some station restarts come back on a cleared browser profile. Off by default: while the
   * renderer's IndexedDB holds the ticket sequence (issue 9, defect 4) this gives duplicate numbers.
   */
  profileWipes: boolean
}

export const DEFAULT_OPTIONS: ChaosOptions = {
  stations: 20,
  steps: 12,
  seedDeadlineMs: 120_000,
  profileWipes: false,
}

const MAX_SKEW_MS = 5 * 60_000
/** How long a crash waits for a push to reach its victim before it strikes anyway. */
const CATCH_PUSH_MS = 3000
/** How long the floor may take to hand everything over, and then to agree, once faults stop. */
const SETTLE_MS = 45_000
/** What the verdict needs at the end of a seed's deadline: settling stops this long before it. */
const VERDICT_MS = 15_000

export interface SeedReport extends Verdict {
  seed: number
  stations: number
  /** Events in the server's log. */
  events: number
  recorded: number
  kills: number
  /** Station restarts, and how many of them came back on a cleared profile. */
  restarts: number
  wipes: number
  /** Kills that caught a push in flight at the killed process. */
  killsMidPush: number
  faults: Record<string, number>
  serverErrors: string[]
  stationErrors: string[]
  ms: number
  /** When each phase of the seed ended, ms after its start. */
  phases: string
  /** Set when the seed could not run to its verdict (deadline, a process that would not start). */
  error: string | null
}

export function failures(report: SeedReport): string[] {
  return [
    ...(report.error ? [report.error] : []),
    ...(report.lost.length ? [`${report.lost.length} lost`] : []),
    ...(report.duplicated.length ? [`${report.duplicated.length} duplicated`] : []),
    ...(report.divergent.length ? [`divergent: ${report.divergent.join(' ')}`] : []),
    ...(report.duplicateNumbers.length
      ? [`duplicate numbers: ${report.duplicateNumbers.join(' ')}`]
      : []),
  ]
}

/** The floor's accounts: mostly agents, one supervisor in five. */
export function floorAccounts(stations: number): Account[] {
  return Array.from({ length: stations }, (_, i) =>
    i % 5 === 4
      ? { username: `super${String(i).padStart(2, '0')}`, role: 'supervisor' }
      : { username: `agent${String(i).padStart(2, '0')}`, role: 'agent' },
  )
}

const HTTP_WEIGHTS: Record<HttpFault, number> = {
  none: 66,
  refuse: 4,
  reset_request: 5,
  lose_response: 9,
  truncate_response: 4,
  delay: 7,
  duplicate_request: 5,
}
const LIVE_WEIGHTS: Record<LiveFault, number> = { none: 55, delay: 15, duplicate: 20, reset: 10 }

function weighted<T extends string>(
  rng: Random,
  choices: readonly T[],
  weights: Record<T, number>,
): T {
  const total = choices.reduce((sum, c) => sum + weights[c], 0)
  let roll = rng.next() * total
  for (const choice of choices) {
    roll -= weights[choice]
    if (roll < 0) return choice
  }
  return choices[0]!
}

function faultPlan(rng: Random): FaultPlan {
  return {
    http: () => weighted(rng, HTTP_FAULTS, HTTP_WEIGHTS),
    live: () => weighted(rng, LIVE_FAULTS, LIVE_WEIGHTS),
    delayMs: () => rng.int(300),
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` until it holds or `until` (epoch ms) passes; false when it never held. */
async function holdsBy(until: number, check: () => Promise<boolean> | boolean, everyMs = 50) {
  while (Date.now() < until) {
    try {
      if (await check()) return true
    } catch {
      // A check that throws (a station mid-restart) is asked again.
    }
    await sleep(everyMs)
  }
  return false
}

function withDeadline<T>(ms: number, run: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`seed deadline of ${ms} ms passed`)), ms)
  })
  return Promise.race([run, deadline]).finally(() => clearTimeout(timer))
}

export async function runChaosSeed(
  cluster: ChaosCluster,
  seed: number,
  options: ChaosOptions = DEFAULT_OPTIONS,
): Promise<SeedReport> {
  const started = performance.now()
  const deadlineAt = Date.now() + options.seedDeadlineMs
  const phases: [string, number, number][] = []
  const cpu = () => {
    const u = process.cpuUsage()
    return (u.user + u.system) / 1000
  }
  const cpuStart = cpu()
  const rng = seededRandom(seed)
  const dir = await tempDir(`chaos-${seed}`)
  const seats: FloorSeat[] = []
  const stationErrors: string[] = []
  const work = new FloorWork(rng)
  let central: SeedCentral | null = null
  let kills = 0
  let restarts = 0
  let wipes = 0
  let killsMidPush = 0
  let events = 0
  const report = (verdict: Verdict, error: string | null): SeedReport => ({
    seed,
    stations: options.stations,
    events,
    recorded: work.recorded.size,
    kills,
    restarts,
    wipes,
    killsMidPush,
    faults: central?.proxy.counts() ?? {},
    serverErrors: central?.serverErrors ?? [],
    stationErrors,
    ms: Math.round(performance.now() - started),
    phases: phases
      .map(([name, at, used]) => `${name}@${Math.round(at - started)}/cpu${Math.round(used)}`)
      .join(' '),
    error,
    ...verdict,
  })

  async function floor(): Promise<Verdict> {
    const opened = await cluster.openSeed(seed, path.join(dir.dir, 'mail'))
    central = opened
    const { proxy } = central
    phases.push(['servers', performance.now(), cpu() - cpuStart])
    // The extremes of the allowed skew are always on the floor.
    const skews = cluster.accounts
      .slice(0, options.stations)
      .map((_, i) =>
        i === 0 ? -MAX_SKEW_MS : i === 1 ? MAX_SKEW_MS : rng.int(2 * MAX_SKEW_MS + 1) - MAX_SKEW_MS,
      )
    await Promise.all(
      skews.map(async (skew, i) => {
        const account = cluster.accounts[i]!
        const name = `C${String(i).padStart(2, '0')}`
        const station = await openStation({
          name,
          baseDir: dir.dir,
          central: proxy,
          username: account.username,
          clock: () => Date.now() + skew,
          onError: (error) => stationErrors.push(`${name}: ${String(error)}`),
        })
        seats[i] = { station, role: account.role }
        await enrollAndSignIn(station, opened)
      }),
    )

    phases.push(['setup', performance.now(), cpu() - cpuStart])
    proxy.setFaults(faultPlan(seededRandom(rng.int(2 ** 31))))
    const cut = new Set<FloorSeat>()
    const revivals: Promise<void>[] = []
    const crashStep = rng.int(options.steps)

    async function crashMidPush(label: string) {
      const running = opened.servers.filter((s) => s.running)
      if (running.length === 0) return
      const victim = rng.pick(running)
      const pushers = rng.shuffle(seats).slice(0, 3 + rng.int(4))
      const pushing = Promise.all(pushers.map((seat) => work.burst(seat, label, 2)))
      const caught = await holdsBy(
        Date.now() + CATCH_PUSH_MS,
        () => proxy.inFlight(victim.index) > 0,
        1,
      )
      await victim.kill()
      kills++
      if (caught) killsMidPush++
      await pushing
      const downMs = rng.int(800)
      // A revival killed while it boots is a crash too: whatever is down at the end is started.
      revivals.push(
        sleep(downMs)
          .then(() => victim.start())
          .catch(() => undefined),
      )
    }

    for (let step = 0; step < options.steps; step++) {
      const roll = rng.next()
      const seat = rng.pick(seats)
      const label = `${seed}.${step}`
      if (step === crashStep || roll < 0.03) {
        await crashMidPush(label)
      } else if (roll < 0.3) {
        await work.burst(seat, label)
      } else if (roll < 0.42) {
        // The floor at its busiest: many stations at once.
        const busy = rng.shuffle(seats).slice(0, 5 + rng.int(10))
        const sizes = busy.map(() => 1 + rng.int(3))
        await Promise.all(busy.map((s, i) => work.burst(s, label, sizes[i])))
      } else if (roll < 0.6) {
        await work.concurrentEdits(seats, seat)
      } else if (roll < 0.7) {
        if (!cut.has(seat)) {
          await seat.station.link.cut()
          cut.add(seat)
        }
      } else if (roll < 0.8) {
        const healed = cut.size ? rng.pick([...cut]) : null
        if (healed) {
          await healed.station.link.restore()
          cut.delete(healed)
        }
      } else if (roll < 0.9) {
        restarts++
        if (options.profileWipes && rng.chance(0.5)) {
          wipes++
          await seat.station.restartOnFreshProfile()
          // The agent goes on taking calls at once: new tickets need numbers right away.
          await work.burst(seat, label, 3)
        } else await seat.station.restart()
      } else {
        await seat.station.sync.pull()
      }
    }

    phases.push(['steps', performance.now(), cpu() - cpuStart])
    // Faults stop, as outages end: now everything must arrive, once, everywhere.
    proxy.setFaults(null)
    for (const seat of cut) await seat.station.link.restore()
    await Promise.allSettled(revivals)
    await Promise.all(opened.servers.filter((s) => !s.running).map((s) => s.start()))
    const stations = seats.map((s) => s.station)
    // A floor that never settles must still reach its verdict, which says what did not arrive.
    const settleBy = Math.min(Date.now() + SETTLE_MS, deadlineAt - VERDICT_MS)
    await holdsBy(settleBy, () => nothingPending(stations), 200)
    phases.push(['handed over', performance.now(), cpu() - cpuStart])
    let serverTickets = await projectionOf(opened.db)
    await holdsBy(
      settleBy,
      async () => {
        serverTickets = await projectionOf(opened.db)
        const serverHash = hashTickets(serverTickets)
        for (const station of stations) await station.sync.pull()
        const hashes = await Promise.all(stations.map(async (s) => hashTickets(await s.tickets())))
        return hashes.every((h) => h === serverHash)
      },
      200,
    )
    phases.push(['agreed', performance.now(), cpu() - cpuStart])
    const log = await opened.pullAll()
    events = log.length
    return judge({ stations, recorded: work.recorded, log, serverTickets })
  }

  try {
    return report(await withDeadline(options.seedDeadlineMs, floor()), null)
  } catch (error) {
    const nothing: Verdict = {
      lost: [],
      duplicated: [],
      divergent: [],
      duplicateNumbers: [],
      rejected: {},
      firstDifference: null,
    }
    return report(nothing, error instanceof Error ? error.message : String(error))
  } finally {
    const opened = central as SeedCentral | null
    opened?.proxy.setFaults(null)
    await Promise.allSettled(seats.map((seat) => seat.station.close()))
    await opened?.close().catch(() => undefined)
    await dir.remove()
  }
}
