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
import {
  addTechNote,
  changeFields,
  hold,
  openTicket,
  reopen,
  resolve,
  resume,
  type CommandResult,
  type Ticket,
} from '../../src/shared/incident'
import { completeResolution, phoneCall } from '../support/incident-fixtures'
import { runSeed, seededRandom, type Random } from '../support/random'
import {
  enrollAndSignIn,
  foldAll,
  hashTickets,
  openStation,
  startCentral,
  type Central,
  type StationCommandContext,
  type TestStation,
} from './support/floor'
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

/** A random change to a ticket, as an agent at this station might make it; the rules may refuse. */
function randomEdit(rng: Random, ticket: Ticket, ctx: StationCommandContext): CommandResult {
  switch (rng.int(6)) {
    case 0:
      return changeFields(ticket, { title: `Retitled ${rng.int(1_000_000)}` }, ctx)
    case 1:
      return changeFields(
        ticket,
        { impact: rng.pick([1, 2, 3, 4] as const), urgency: rng.pick([1, 2, 3, 4] as const) },
        ctx,
      )
    case 2:
      return addTechNote(ticket, `Note ${rng.int(1_000_000)}`, ctx)
    case 3:
      return ticket.state === 'on_hold'
        ? resume(ticket, ctx)
        : hold(ticket, 'Waiting for the caller', ctx)
    case 4:
      return resolve(ticket, completeResolution(), ctx)
    default:
      return ticket.state === 'resolved'
        ? reopen(ticket, 'Came back', ctx)
        : addTechNote(ticket, 'Follow-up', ctx)
  }
}

it(`${STATIONS} stations with outages, restarts and concurrent edits converge with the server`, async () => {
  const rng = seededRandom(runSeed('station floor'))
  for (let i = 0; i < STATIONS; i++) {
    const username = `agent-${String.fromCharCode(97 + i)}`
    await central.createAgent(username)
    const station = await openStation({ name: `ST${i}`, baseDir: dir.dir, central, username })
    floor.push(station)
    await enrollAndSignIn(station, central)
  }

  const recorded = new Set<string>()
  const cut = new Set<TestStation>()
  const record = async (
    station: TestStation,
    command: (ctx: StationCommandContext) => CommandResult,
  ) => {
    for (const event of (await station.record(command)) ?? []) recorded.add(event.id)
  }
  const someTicket = async (station: TestStation): Promise<Ticket | null> => {
    const tickets = (await station.tickets()).filter((t) => t.state !== 'closed')
    return tickets.length ? rng.pick(tickets) : null
  }

  for (let step = 0; step < STEPS; step++) {
    const roll = rng.next()
    const station = rng.pick(floor)
    if (roll < 0.3) {
      // A burst of work at one station, online or not.
      for (let n = 1 + rng.int(4); n > 0; n--) {
        const ticket = rng.chance(0.3) ? null : await someTicket(station)
        await record(station, (ctx) =>
          ticket
            ? randomEdit(rng, ticket, ctx)
            : openTicket(
                phoneCall({ title: `Call ${step} at ${station.name}` }),
                ctx.nextTicketNumber(),
                ctx,
              ),
        )
      }
    } else if (roll < 0.5) {
      // Concurrent edits: several stations change the same ticket at once, each from its own view.
      const ticket = await someTicket(station)
      if (ticket) {
        const editors = rng.shuffle(floor).slice(0, 2 + rng.int(3))
        const views = await Promise.all(editors.map((s) => s.store.getTicket(ticket.id)))
        const choices = editors.map(() => rng.int(1_000_000))
        await Promise.all(
          editors.map((s, i) => {
            const view = views[i]
            if (!view) return undefined
            const own = seededRandom(choices[i]!)
            return record(s, (ctx) => randomEdit(own, view, ctx))
          }),
        )
      }
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
  await eventually('every station to hand everything over and the server to have it', async () => {
    for (const station of floor) await station.sync.pull(true)
    const statuses = await Promise.all(floor.map((s) => s.api.sync.status({})))
    const pendingHere = await Promise.all(floor.map((s) => s.store.pendingCount()))
    return statuses.every((s) => s.pending === 0) && pendingHere.every((n) => n === 0)
  })
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
    [...recorded].filter((id) => !ids.includes(id)),
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
