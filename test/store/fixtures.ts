/**
 * Builders for the store tests: events are made by the real process rules (src/shared/incident),
 * so every event a test stores is one the product could have produced.
 */
import {
  addTechNote,
  changeFields,
  escalate,
  foldTicket,
  openTicket,
  type CommandContext,
  type CommandResult,
  type OpenInput,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { uuidv7 } from '../../src/shared/ids'
import { createClock, formatHlc, tick } from '../../src/shared/sync/hlc'
import type { RecordContext } from '../../src/renderer/src/store'
import { warmEscalation } from '../support/incident-fixtures'

export const T0 = Date.parse('2026-11-27T09:00:00.000Z')

/** A wall clock the test moves by hand. */
export function manualClock(start = T0) {
  let ms = start
  return {
    now: () => ms,
    advance: (by: number) => {
      ms += by
    },
    set: (to: number) => {
      ms = to
    },
  }
}

export function accepted(result: CommandResult): TicketEvent[] {
  if (!result.ok) throw new Error(`command refused: ${JSON.stringify(result.errors)}`)
  return result.events
}

export function phoneCall(overrides: Partial<OpenInput> = {}): OpenInput {
  return {
    source: 'phone',
    caller: {
      name: 'Jane Doe',
      phone: '+1 (555) 010-2233',
      email: 'jane.doe@example.edu',
      username: 'jdoe',
    },
    title: 'Cannot print to the library printer',
    description: 'Jobs stay queued.',
    service: 'Printing',
    category: 'Printer',
    impact: 4,
    urgency: 3,
    priorityIncrease: false,
    receivedAt: new Date(T0).toISOString(),
    ...overrides,
  }
}

/** The command context of the signed-in agent at this station, on the store's own clock. */
export function agentAt(
  ctx: RecordContext,
  actor = 'agent1',
  station = 'A1',
  now: () => number = () => T0,
): CommandContext {
  return { actor, station, now, newId: () => uuidv7(now()), nextHlc: ctx.nextHlc }
}

/**
 * Another station, making events on its own clock: each event one second after the last. Its
 * events reach the store under test only through `applyRemotePage`.
 */
export function remoteStation(station: string, actor: string, startMs = T0) {
  let wall = startMs
  let clock = createClock(station)
  const ctx: CommandContext = {
    actor,
    station,
    now: () => wall,
    newId: () => uuidv7(wall),
    nextHlc: () => {
      wall += 1000
      clock = tick(clock, wall)
      return formatHlc(clock)
    },
  }
  let sequence = 0
  return {
    ctx,
    open: (input: OpenInput = phoneCall()) =>
      accepted(openTicket(input, `${station}-${++sequence}`, ctx)),
    note: (ticket: Ticket, body: string) => accepted(addTechNote(ticket, body, ctx)),
    retitle: (ticket: Ticket, title: string) => accepted(changeFields(ticket, { title }, ctx)),
    escalate: (ticket: Ticket, teamId: string) =>
      accepted(escalate(ticket, warmEscalation(teamId, ctx), ctx)),
  }
}

/** A ticket's life at a remote station: opening, then `notes` tech notes and a title change. */
export function remoteHistory(
  station: ReturnType<typeof remoteStation>,
  notes: number,
): TicketEvent[] {
  const events = [...station.open()]
  for (let i = 0; i < notes; i++) events.push(...station.note(foldTicket(events)!, `note ${i + 1}`))
  events.push(...station.retitle(foldTicket(events)!, 'Printer jams on every job'))
  return events
}

/** A pull page as the server sends it: consecutive sequence numbers after `after`. */
export function pageOf(events: readonly unknown[], after: number) {
  return {
    events: events.map((event, i) => ({ seq: after + i + 1, event })),
    next: after + events.length,
  }
}
