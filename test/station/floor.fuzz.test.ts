/**
 * A seeded randomised floor: five stations and the real central server, with random outages,
 * station restarts, server restarts and concurrent edits of the same tickets. At the end every
 * station and the server hold identical tickets (one hash of the projections), no event is lost
 * and none is in the log twice.
 *
 * The seed is printed; `SEED=<n>` replays the same sequence of actions. Network timing is real,
 * so a replay takes the same decisions but may interleave them differently — which is the point:
 * convergence must not depend on timing.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runSeed, seededRandom } from '../support/random'
import {
  enrollAndSignIn,
  foldAll,
  hashTickets,
  openStation,
  startCentral,
  type Central,
  type TestStation,
} from './support/floor'
import { FloorWork, nothingPending, type FloorSeat } from './support/floor-work'
import { eventually, tempDir } from './support/station'

const STATIONS = 5
const STEPS = 80

let dir: Awaited<ReturnType<typeof tempDir>>
let central: Central
const floor: TestStation[] = []

beforeAll(async () => {
  dir = await tempDir('floor')
  central = await startCentral(`${dir.dir}/server`)
}, 180_000)

afterAll(async () => {
  for (const station of floor.splice(0)) await station.close()
  await central?.stop()
  await dir?.remove()
})

it(`${STATIONS} stations with outages, restarts and concurrent edits converge with the server`, async () => {
  const rng = seededRandom(runSeed('station floor'))
  for (let i = 0; i < STATIONS; i++) {
    const username = `agent-${String.fromCharCode(97 + i)}`
    await central.createAgent(username)
    const station = await openStation({ name: `ST${i}`, baseDir: dir.dir, central, username })
    floor.push(station)
    await enrollAndSignIn(station, central)
  }

  const work = new FloorWork(rng)
  const seats: FloorSeat[] = floor.map((station) => ({ station, role: 'agent' }))
  const cut = new Set<TestStation>()

  for (let step = 0; step < STEPS; step++) {
    const roll = rng.next()
    const seat = rng.pick(seats)
    const station = seat.station
    if (roll < 0.3) {
      await work.burst(seat, String(step))
    } else if (roll < 0.5) {
      await work.concurrentEdits(seats, seat)
    } else if (roll < 0.62) {
      if (!cut.has(station)) {
        await station.link.cut()
        cut.add(station)
      }
    } else if (roll < 0.75) {
      const healed = cut.size ? rng.pick([...cut]) : null
      if (healed) {
        await healed.link.restore()
        cut.delete(healed)
      }
    } else if (roll < 0.85) {
      await station.restart()
    } else if (roll < 0.9) {
      await central.stop()
      await central.start()
    } else {
      await station.sync.pull()
    }
  }

  for (const station of cut) await station.link.restore()
  await eventually('every station to hand everything over and the server to have it', () =>
    nothingPending(floor),
  )
  const serverTickets = await central.projection()
  const serverHash = hashTickets(serverTickets)
  await eventually("every station to hold the server's tickets", async () => {
    for (const station of floor) await station.sync.pull()
    const hashes = await Promise.all(floor.map(async (s) => hashTickets(await s.tickets())))
    return hashes.every((h) => h === serverHash)
  })

  const log = await central.pullAll()
  const ids = log.map((row) => row.event.id)
  expect(new Set(ids).size, 'no event twice in the log').toBe(ids.length)
  expect(
    [...work.recorded].filter((id) => !ids.includes(id)),
    'no event lost',
  ).toEqual([])
  expect(hashTickets(foldAll(log.map((row) => row.event)))).toBe(serverHash)
  for (const station of floor)
    expect(await station.store.rejectedEvents(10), `${station.name} rejected nothing`).toEqual([])
  expect(serverTickets.length).toBeGreaterThan(0)
  const conflicts = serverTickets.reduce((n, t) => n + t.conflicts.length, 0)
  console.info(
    `[station floor] ${log.length} events, ${serverTickets.length} tickets, ${conflicts} conflicts recorded by the fold`,
  )
}, 600_000)
