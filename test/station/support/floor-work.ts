/**
 * The work of a randomised floor, shared by the station floor fuzz test and the chaos floor:
 * what agents and supervisors do to tickets, bursts of work at one station, several stations
 * editing one ticket at once, and the wait for a floor to settle. Every choice comes from the
 * seeded `Random`, so a seed replays the same decisions.
 */
import {
  addCustomerNote,
  addTechNote,
  assign,
  changeFields,
  hold,
  openTicket,
  redactNote,
  reopen,
  resolve,
  resume,
  type CommandResult,
  type Ticket,
  type TicketEvent,
  type TicketState,
} from '../../../src/shared/incident'
import { completeResolution, phoneCall } from '../../support/incident-fixtures'
import { seededRandom, type Random } from '../../support/random'
import type { StationCommandContext, TestStation } from './floor'

export type Role = 'agent' | 'supervisor'

const NO_EMAIL = { customer: false, cc: [] }
const WORKED_STATES: readonly TicketState[] = ['open', 'on_hold', 'resolved']

/** A random change to a ticket, as someone of `role` at this station might make it; the rules may refuse. */
export function randomEdit(
  rng: Random,
  ticket: Ticket,
  ctx: StationCommandContext,
  role: Role = 'agent',
): CommandResult {
  switch (rng.int(role === 'supervisor' ? 9 : 8)) {
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
    case 5:
      return ticket.state === 'resolved'
        ? reopen(ticket, 'Came back', ctx)
        : addTechNote(ticket, 'Follow-up', ctx)
    case 6:
      return addCustomerNote(ticket, `Told the caller ${rng.int(1_000_000)}`, NO_EMAIL, ctx)
    case 7:
      return assign(ticket, { teamId: rng.pick(['network-l2', 'desktop-l2', 'identity-l2']) }, ctx)
    default: {
      // Rule 11, a supervisor's call: the sensitive part of a customer note is taken out.
      const note = rng.pick([...ticket.notes.filter((n) => n.kind === 'customer'), null])
      return note
        ? redactNote(ticket, note.id, `${note.body.slice(0, 8)} [redacted]`, 'Personal data', ctx)
        : addTechNote(ticket, 'Reviewed', ctx)
    }
  }
}

/** A station of the floor with the role of whoever is signed in there. */
export interface FloorSeat {
  station: TestStation
  role: Role
}

/** Records commands at stations and keeps every event id a station wrote. */
export class FloorWork {
  readonly recorded = new Set<string>()

  constructor(private readonly rng: Random) {}

  async record(
    station: TestStation,
    command: (ctx: StationCommandContext) => CommandResult,
  ): Promise<TicketEvent[]> {
    const events = (await station.record(command)) ?? []
    for (const event of events) this.recorded.add(event.id)
    return events
  }

  /** One of the tickets a station holds that is not closed; one queue window is read, not all. */
  async someTicket(station: TestStation): Promise<Ticket | null> {
    for (const state of this.rng.shuffle(WORKED_STATES)) {
      const tickets = await station.store.queueWindow(state, { limit: 30 })
      if (tickets.length) return this.rng.pick(tickets)
    }
    return null
  }

  /** A burst of work at one station, online or not: new calls and edits of what it holds. */
  async burst(seat: FloorSeat, label: string, size = 1 + this.rng.int(4)): Promise<void> {
    for (let n = size; n > 0; n--) {
      const ticket = this.rng.chance(0.3) ? null : await this.someTicket(seat.station)
      const choice = this.rng.int(1_000_000)
      await this.record(seat.station, (ctx) =>
        ticket
          ? randomEdit(seededRandom(choice), ticket, ctx, seat.role)
          : openTicket(
              phoneCall({ title: `Call ${label} at ${seat.station.name}` }),
              ctx.nextTicketNumber(),
              ctx,
            ),
      )
    }
  }

  /** Several stations change the same ticket at once, each from its own view of it. */
  async concurrentEdits(floor: readonly FloorSeat[], from: FloorSeat): Promise<void> {
    const ticket = await this.someTicket(from.station)
    if (!ticket) return
    const editors = this.rng.shuffle(floor).slice(0, 2 + this.rng.int(3))
    const views = await Promise.all(editors.map((s) => s.station.store.getTicket(ticket.id)))
    const choices = editors.map(() => this.rng.int(1_000_000))
    await Promise.all(
      editors.map((seat, i) => {
        const view = views[i]
        if (!view) return undefined
        const own = seededRandom(choices[i]!)
        return this.record(seat.station, (ctx) => randomEdit(own, view, ctx, seat.role))
      }),
    )
  }
}

/** True once nothing is pending anywhere on these stations, main or renderer. */
export async function nothingPending(stations: readonly TestStation[]): Promise<boolean> {
  for (const station of stations) await station.sync.pull(true)
  const statuses = await Promise.all(stations.map((s) => s.api.sync.status({})))
  const pendingHere = await Promise.all(stations.map((s) => s.store.pendingCount()))
  return statuses.every((s) => s.pending === 0) && pendingHere.every((n) => n === 0)
}
