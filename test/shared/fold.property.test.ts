/**
 * ARCHITECTURE.md "Data": the fold is deterministic — every replica that holds the same set of
 * events computes the same ticket, whatever order and however often the events arrived.
 * Event sets come from simulated stations acting on partial, stale views of the ticket, so they
 * contain real concurrent histories (two resolves, an assignment after a close, …).
 */
import { describe, expect, it } from 'vitest'
import {
  addCustomerNote,
  addTechNote,
  applyEvent,
  assign,
  canApplyInOrder,
  changeFields,
  close,
  escalate,
  foldTicket,
  hold,
  openTicket,
  reclassify,
  recordContact,
  redactNote,
  reopen,
  resolve,
  resume,
  returnToOwner,
  type CommandContext,
  type CommandResult,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { uuidv7 } from '../../src/shared/ids'
import { createClock, formatHlc, receive, tick, type HlcState } from '../../src/shared/sync/hlc'
import { seededRandom, runSeed, type Random } from '../support/random'
import { completeResolution, phoneCall } from '../support/incident-fixtures'

const TEAMS = ['network-ops', 'identity-access', 'desktop-support', 'apps']
const BASE_MS = Date.parse('2026-11-27T09:00:00.000Z')

interface SimStation {
  ctx: CommandContext
  seen: Map<string, TicketEvent>
  setWall(ms: number): void
  observe(event: TicketEvent): void
}

function simStation(code: string, actor: string, random: Random): SimStation {
  let clock: HlcState = createClock(code)
  let wallMs = BASE_MS
  // Station clocks disagree by up to ±3 s, as real desk PCs do.
  const skew = random.int(6000) - 3000
  const seen = new Map<string, TicketEvent>()
  return {
    seen,
    ctx: {
      actor,
      station: code,
      now: () => wallMs + skew,
      nextHlc: () => {
        clock = tick(clock, wallMs + skew)
        return formatHlc(clock)
      },
      newId: () => uuidv7(wallMs + skew),
    },
    setWall: (ms) => {
      wallMs = ms
    },
    observe: (event) => {
      seen.set(event.id, event)
      clock = receive(clock, event.hlc, wallMs + skew).clock
    },
  }
}

function randomAction(ticket: Ticket, ctx: CommandContext, random: Random): CommandResult {
  const team = random.pick(TEAMS)
  const transfer = {
    status: 'completed' as const,
    contactUsed: 'team line',
    acceptedBy: 'Sam',
    acceptedAt: new Date(ctx.now()).toISOString(),
  }
  const actions: (() => CommandResult)[] = [
    () =>
      changeFields(
        ticket,
        { impact: random.pick([1, 2, 3, 4] as const), urgency: random.pick([1, 2, 3, 4] as const) },
        ctx,
      ),
    () => changeFields(ticket, { title: `Title ${random.int(1000)}` }, ctx),
    () => addTechNote(ticket, `note ${random.int(1000)}`, ctx),
    () =>
      addCustomerNote(
        ticket,
        `update ${random.int(1000)}`,
        { customer: random.chance(0.5), cc: [] },
        ctx,
      ),
    () =>
      escalate(
        ticket,
        {
          teamId: team,
          tier: 2,
          suggestedTeamIds: [team],
          routingGuidanceId: 'g',
          warmTransfer: transfer,
        },
        ctx,
      ),
    () => assign(ticket, { teamId: team, assignee: random.chance(0.5) ? 'sam' : null }, ctx),
    () => returnToOwner(ticket, ctx),
    // Half the holds await the customer: the SLA clocks' pauses must fold the same in any order.
    () => hold(ticket, 'waiting for the caller', ctx, random.chance(0.5)),
    () => resume(ticket, ctx),
    () => resolve(ticket, completeResolution({ firstContactResolution: false }), ctx),
    () => reopen(ticket, 'not fixed', ctx),
    () => close(ticket, random.chance(0.5), ctx),
    () =>
      reclassify(
        ticket,
        random.pick(['incident', 'service_request', 'inquiry'] as const),
        'no technical issue',
        ctx,
      ),
    () =>
      recordContact(
        ticket,
        { channel: 'phone', outcome: random.pick(['reached', 'no_answer'] as const) },
        ctx,
      ),
    () => {
      const note = ticket.notes.find((n) => n.kind === 'customer')
      return note
        ? redactNote(ticket, note.id, '[redacted]', 'sensitive', ctx)
        : { ok: false, errors: [] }
    },
  ]
  return random.pick(actions)()
}

/** A random valid history: stations act on what they have seen so far, which is often stale. */
function randomHistory(random: Random): TicketEvent[] {
  const stations = [
    simStation('A1', 'agent1', random),
    simStation('B2', 'agent2', random),
    simStation('C3', 'super1', random),
  ]
  const opener = stations[0]!
  const all = [...(openTicket(phoneCall(), 'A1-1', opener.ctx) as { events: TicketEvent[] }).events]
  opener.observe(all[0]!)
  const steps = 3 + random.int(25)
  for (let i = 0; i < steps; i++) {
    const wall = BASE_MS + (i + 1) * (random.int(4000) + 1)
    const station = random.pick(stations)
    station.setWall(wall)
    // Deliver a random part of what exists; the opening always gets through before anything else.
    for (const event of all)
      if (!station.seen.has(event.id) && (event.type === 'opened' || random.chance(0.6)))
        station.observe(event)
    const view = foldTicket([...station.seen.values()])
    if (!view) continue
    const result = randomAction(view, station.ctx, random)
    if (!result.ok) continue
    for (const event of result.events) {
      all.push(event)
      station.observe(event)
    }
  }
  return all
}

/** Applies events in arrival order the way a store does: in order when possible, else re-fold. */
function foldIncrementally(arrivals: TicketEvent[]): Ticket | null {
  const held = new Map<string, TicketEvent>()
  let ticket: Ticket | null = null
  for (const event of arrivals) {
    if (held.has(event.id)) continue
    held.set(event.id, event)
    ticket = canApplyInOrder(ticket, event)
      ? applyEvent(ticket, event)
      : foldTicket([...held.values()])
  }
  return ticket
}

describe('fold determinism (ARCHITECTURE.md: same set of events → same ticket)', () => {
  it('folds ≥ 1,000 random permutations and duplications of random valid histories to the same ticket', () => {
    const seed = runSeed('fold-permutations')
    const random = seededRandom(seed)
    const HISTORIES = 250
    const ORDERS_PER_HISTORY = 4
    let conflictsSeen = 0
    for (let h = 0; h < HISTORIES; h++) {
      const events = randomHistory(random)
      const expected = foldTicket(events)
      conflictsSeen += expected?.conflicts.length ?? 0
      for (let o = 0; o < ORDERS_PER_HISTORY; o++) {
        const duplicated = [...events, ...events.filter(() => random.chance(0.3))]
        const arrivals = random.shuffle(duplicated)
        const context = `seed=${seed} history=${h} order=${o}`
        expect(foldTicket(arrivals), context).toEqual(expected)
        expect(foldIncrementally(arrivals), context).toEqual(expected)
      }
    }
    // The generator must actually produce concurrent, conflicting histories, or the test proves little.
    expect(conflictsSeen, `seed=${seed}`).toBeGreaterThan(0)
  })
})
