import { describe, expect, it } from 'vitest'
import {
  assign,
  escalate,
  linkToParent,
  openTicket,
  returnToOwner,
  type EscalationInput,
  type Ticket,
} from '../../src/shared/incident'
import {
  computeView,
  DEFAULT_SORT,
  INCREMENTAL_LIMIT,
  isBounced,
  isReturnedToCsc,
  isUnassigned,
  moveSelection,
  NO_FILTERS,
  QUEUE_FLAGS,
  QueueModel,
  SORT_KEYS,
  updateView,
  type QueueFilters,
  type QueueQuery,
  type QueueRow,
} from '../../src/renderer/src/queue/model'
import { SLA_STATUSES, AGING_BUCKETS } from '../../src/renderer/src/queue/sla'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'
import { runSeed, seededRandom, type Random } from '../support/random'
import { HOUR, MINUTE, T0, history, ticket, touched } from './tickets'

const DAY_START = Date.parse('2026-11-27T00:00:00.000Z')

function escalation(teamId: string): EscalationInput {
  return {
    teamId,
    tier: 2,
    suggestedTeamIds: [teamId],
    routingGuidanceId: `${teamId}-guide`,
    warmTransfer: {
      status: 'completed',
      contactUsed: '+1 555 0100',
      acceptedBy: 'Sam at the desk',
      acceptedAt: new Date(T0).toISOString(),
    },
  }
}

function modelOf(...tickets: Ticket[]): QueueModel {
  const model = new QueueModel(DAY_START)
  model.apply(tickets.map((t) => ({ ticket: t, unsynced: false })))
  return model
}

const query = (filters: Partial<QueueFilters> = {}, sort = DEFAULT_SORT): QueueQuery => ({
  filters: { ...NO_FILTERS, ...filters },
  sort,
})

const ids = (rows: readonly QueueRow[]) => rows.map((r) => r.id)

describe('the process rules the queue surfaces, on tickets folded from real commands', () => {
  const ctx = testContext('agent1', 'A1', T0)
  const opening = accepted(openTicket(phoneCall(), 'A1-1', ctx))
  const toNetwork = accepted(escalate(history(opening), escalation('network'), ctx))
  const toIdentity = accepted(assign(history(opening, toNetwork), { teamId: 'identity' }, ctx))
  const toDesktop = accepted(
    assign(history(opening, toNetwork, toIdentity), { teamId: 'desktop' }, ctx),
  )

  it('rule 5: a ticket reassigned twice between second-level teams has bounced, once has not', () => {
    expect(isBounced(history(opening, toNetwork, toIdentity))).toBe(false)
    expect(isBounced(history(opening, toNetwork, toIdentity, toDesktop))).toBe(true)
  })

  it('rule 7: a ticket a team returned to its owner is "returned to the CSC" while it is there', () => {
    const returned = accepted(returnToOwner(history(opening, toNetwork), ctx))
    const back = history(opening, toNetwork, returned)
    expect(isReturnedToCsc(back)).toBe(true)
    const again = accepted(escalate(back, escalation('identity'), ctx))
    expect(isReturnedToCsc(history(opening, toNetwork, returned, again))).toBe(false)
  })

  it('unassigned: an emailed ticket nobody has taken; a phone call is taken as it is logged', () => {
    const emailOpening = accepted(openTicket(phoneCall({ source: 'email' }), 'A1-2', ctx))
    expect(isUnassigned(history(emailOpening))).toBe(true)
    expect(isUnassigned(history(opening))).toBe(false)
    const taken = accepted(
      assign(history(emailOpening), { teamId: 'csc', assignee: 'agent2' }, ctx),
    )
    expect(isUnassigned(history(emailOpening, taken))).toBe(false)
  })

  it('rule 10: a parent counts the calls linked to it, and the major filter groups them', () => {
    const parent = history(
      accepted(openTicket(phoneCall({ title: 'Campus Wi-Fi down' }), 'A1-10', ctx)),
    )
    const callOpen = accepted(openTicket(phoneCall({ title: 'No Wi-Fi in library' }), 'A1-11', ctx))
    const call = history(callOpen, accepted(linkToParent(history(callOpen), parent, ctx)))
    const unrelated = history(accepted(openTicket(phoneCall(), 'A1-12', ctx)))
    const model = modelOf(call, unrelated, parent)
    expect(model.get(parent.id)?.linkedCalls).toBe(1)
    const view = computeView(model.rows(), query({ flags: ['major'] }), T0)
    expect(ids(view.rows)).toEqual([parent.id, call.id])
  })
})

describe('QueueModel: one in-memory map, kept current from changes', () => {
  it('keeps open tickets and those touched today; drops others, and drops at a new day', () => {
    const open = ticket()
    const resolvedToday = ticket({ state: 'resolved', updatedAt: DAY_START + HOUR })
    const resolvedYesterday = ticket({ state: 'resolved', updatedAt: DAY_START - HOUR })
    const model = modelOf(open, resolvedToday, resolvedYesterday)
    expect(model.size).toBe(2)
    const changes = model.retain(DAY_START + 24 * HOUR)
    expect(changes).toEqual([
      { before: expect.objectContaining({ id: resolvedToday.id }), after: null },
    ])
    expect([...model.rows()].map((r) => r.id)).toEqual([open.id])
  })

  it('ignores a ticket it already holds at the same event and sync state', () => {
    const t = ticket()
    const model = modelOf(t)
    expect(model.apply([{ ticket: { ...t }, unsynced: false }])).toEqual([])
    expect(model.apply([{ ticket: t, unsynced: true }])).toHaveLength(1)
  })

  it('moves linked-call counts when a call is relinked, resolved and dropped', () => {
    const a = ticket()
    const b = ticket()
    const call = ticket({ parentTicketId: a.id })
    const model = modelOf(a, b, call)
    expect(model.get(a.id)?.linkedCalls).toBe(1)
    const changes = model.apply([
      { ticket: touched(call, { parentTicketId: b.id }), unsynced: false },
    ])
    expect(changes.map((c) => c.after?.id).sort()).toEqual([a.id, b.id, call.id].sort())
    expect([model.get(a.id)?.linkedCalls, model.get(b.id)?.linkedCalls]).toEqual([0, 1])
    model.apply([
      {
        ticket: touched(call, { parentTicketId: b.id, state: 'closed', updatedAt: DAY_START - 1 }),
        unsynced: false,
      },
    ])
    expect(model.get(call.id)).toBeUndefined()
    expect(model.get(b.id)?.linkedCalls).toBe(0)
  })

  it('counts calls that arrive before their parent', () => {
    const parent = ticket()
    const model = modelOf(
      ticket({ parentTicketId: parent.id }),
      ticket({ parentTicketId: parent.id }),
    )
    model.apply([{ ticket: parent, unsynced: false }])
    expect(model.get(parent.id)?.linkedCalls).toBe(2)
    expect(model.linkedCallsOf(parent.id)).toHaveLength(2)
  })

  it('reports one change per ticket for a batch, with the row before the batch', () => {
    const t = ticket({ title: 'first' })
    const model = modelOf(t)
    const before = model.get(t.id)
    const second = touched(t, { title: 'second' })
    const changes = model.apply([
      { ticket: second, unsynced: false },
      { ticket: touched(second, { title: 'third' }), unsynced: false },
    ])
    expect(changes).toHaveLength(1)
    expect(changes[0]!.before).toBe(before)
    expect(changes[0]!.after?.ticket.title).toBe('third')
  })
})

describe('filters', () => {
  const now = T0 + 30 * MINUTE
  const p1 = ticket({
    priority: 'P1',
    teamId: 'network',
    receivedAt: T0,
    title: 'Core switch down',
  })
  const p3 = ticket({
    priority: 'P3',
    teamId: 'identity',
    receivedAt: T0 - 5 * HOUR,
    resolutionDueAt: T0 - HOUR,
  })
  const bounced = ticket({ priority: 'P2', teamId: 'desktop', reassignmentCount: 2 })
  const returned = ticket({ priority: 'P2', returnedToCsc: true, teamId: 'csc' })
  const unassigned = ticket({ priority: 'P4', firstAssignedAt: null, source: 'email' })
  const resolved = ticket({ state: 'resolved', updatedAt: DAY_START + HOUR })
  const held = ticket({ state: 'on_hold' })
  const all = [p1, p3, bounced, returned, unassigned, resolved, held]
  const model = new QueueModel(DAY_START)
  model.apply(all.map((t) => ({ ticket: t, unsynced: t === p3 })))
  const match = (filters: Partial<QueueFilters>) =>
    new Set(ids(computeView(model.rows(), query(filters), now).rows))

  it('shows open and held tickets only', () => {
    expect(match({})).toEqual(new Set(all.filter((t) => t !== resolved).map((t) => t.id)))
  })

  it('filters by team, priority, and flag, each list as "any of"', () => {
    expect(match({ teams: ['network', 'identity'] })).toEqual(new Set([p1.id, p3.id]))
    expect(match({ priorities: ['P2'] })).toEqual(new Set([bounced.id, returned.id]))
    expect(match({ flags: ['bounced'] })).toEqual(new Set([bounced.id]))
    expect(match({ flags: ['returned'] })).toEqual(new Set([returned.id]))
    expect(match({ flags: ['unassigned'] })).toEqual(new Set([unassigned.id]))
    expect(match({ flags: ['unsynced'] })).toEqual(new Set([p3.id]))
  })

  it('combines dimensions and flags with "and"', () => {
    expect(match({ priorities: ['P2'], flags: ['bounced'] })).toEqual(new Set([bounced.id]))
    expect(match({ flags: ['bounced', 'returned'] })).toEqual(new Set())
  })

  it('filters by aging bucket and SLA status at `now`', () => {
    expect(match({ aging: ['4h_24h'] })).toEqual(new Set([p3.id]))
    const breached = match({ sla: ['breached'] })
    expect(breached.has(p3.id)).toBe(true)
    expect(breached.has(p1.id)).toBe(false)
  })

  it('finds words in number, title and caller', () => {
    expect(match({ text: 'core SWITCH' })).toEqual(new Set([p1.id]))
    expect(match({ text: p3.number.toLowerCase() })).toEqual(new Set([p3.id]))
    expect(match({ text: 'whitfield' }).size).toBe(6)
  })
})

describe('sorting', () => {
  it('sorts by a column both ways; ties keep ticket-number order either way', () => {
    const rows = [
      ticket({ priority: 'P2', receivedAt: T0 }),
      ticket({ priority: 'P1', receivedAt: T0 + MINUTE }),
      ticket({ priority: 'P2', receivedAt: T0 - MINUTE }),
    ]
    const model = modelOf(...rows)
    const sorted = (id: string, desc: boolean) =>
      ids(computeView(model.rows(), query({}, [{ id, desc }]), T0).rows)
    expect(sorted('priority', false)).toEqual([rows[1]!.id, rows[0]!.id, rows[2]!.id])
    expect(sorted('priority', true)).toEqual([rows[0]!.id, rows[2]!.id, rows[1]!.id])
    expect(sorted('age', false)).toEqual([rows[1]!.id, rows[0]!.id, rows[2]!.id])
    expect(sorted('number', false)).toEqual(rows.map((r) => r.id))
  })

  it('orders ticket numbers by station, then by sequence as a number', () => {
    const rows = ['B2-1', 'A1-10', 'A1-9'].map((number) => ticket({ number }))
    const view = computeView(
      modelOf(...rows).rows(),
      query({}, [{ id: 'number', desc: false }]),
      T0,
    )
    expect(view.rows.map((r) => r.ticket.number)).toEqual(['A1-9', 'A1-10', 'B2-1'])
  })

  it('puts tickets without a running target last when most urgent comes first', () => {
    const dueSoon = ticket({ resolutionDueAt: T0 + HOUR, firstAssignedAt: T0 })
    const dueLater = ticket({ resolutionDueAt: T0 + 2 * HOUR, firstAssignedAt: T0 })
    const view = computeView(modelOf(dueLater, dueSoon).rows(), query(), T0)
    expect(ids(view.rows)).toEqual([dueSoon.id, dueLater.id])
  })
})

describe('views stay exact as time passes', () => {
  it('says until when an SLA filter holds, and is recomputed after', () => {
    const t = ticket({ receivedAt: T0, firstAssignedAt: T0, resolutionDueAt: T0 + HOUR })
    const model = modelOf(t)
    const atRisk = computeView(model.rows(), query({ sla: ['at_risk'] }), T0)
    expect(atRisk.rows).toHaveLength(0)
    expect(atRisk.validUntil).toBe(T0 + 45 * MINUTE)
    expect(updateView(atRisk, model, [], T0 + 44 * MINUTE)).toBe(atRisk)
    expect(ids(updateView(atRisk, model, [], T0 + 45 * MINUTE).rows)).toEqual([t.id])
  })

  it('never expires without a timed filter', () => {
    expect(computeView(modelOf(ticket()).rows(), query(), T0).validUntil).toBe(Infinity)
  })
})

describe('selection moves by ticket id', () => {
  const rows = [ticket(), ticket(), ticket()]
  const view = computeView(modelOf(...rows).rows(), query({}, [{ id: 'number', desc: false }]), T0)

  it('steps, pages and jumps within the view', () => {
    expect(moveSelection(view.rows, rows[0]!.id, 1, 0)).toEqual({ id: rows[1]!.id, index: 1 })
    expect(moveSelection(view.rows, rows[1]!.id, 10, 1)?.index).toBe(2)
    expect(moveSelection(view.rows, rows[2]!.id, -Infinity, 2)?.index).toBe(0)
    expect(moveSelection(view.rows, null, 1, 0)?.index).toBe(0)
    expect(moveSelection(view.rows, null, Infinity, 0)?.index).toBe(2)
    expect(moveSelection([], null, 1, 0)).toBeNull()
  })

  it('continues from the place of a selected ticket that left the view', () => {
    expect(moveSelection(view.rows, 'gone', 1, 1)?.index).toBe(1)
    expect(moveSelection(view.rows, 'gone', -1, 1)?.index).toBe(0)
  })
})

describe('incremental views equal full recomputes (seeded)', () => {
  const TEAMS = ['csc', 'network', 'identity', 'desktop']
  const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const

  function randomTicket(random: Random, parents: readonly string[]): Ticket {
    const receivedAt = T0 - random.int(80) * HOUR - random.int(60) * MINUTE
    return ticket({
      priority: random.pick(PRIORITIES),
      teamId: random.pick(TEAMS),
      state: random.pick(['open', 'open', 'open', 'on_hold', 'resolved'] as const),
      receivedAt,
      updatedAt: DAY_START + random.int(10) * HOUR - 5 * HOUR,
      firstAssignedAt: random.chance(0.3) ? null : receivedAt,
      firstAssignmentDueAt: receivedAt + random.pick([15, 60, 120, 240]) * MINUTE,
      resolutionDueAt: receivedAt + random.pick([2, 4, 24, 72]) * HOUR,
      reassignmentCount: random.int(4),
      returnedToCsc: random.chance(0.1),
      parentTicketId: parents.length && random.chance(0.2) ? random.pick(parents) : null,
      title: random.pick(['VPN down', 'Printer jam', 'Password locked', 'Wi-Fi slow']),
    })
  }

  function randomQuery(random: Random): QueueQuery {
    const some = <T>(items: readonly T[]) => items.filter(() => random.chance(0.25))
    return {
      filters: {
        text: random.chance(0.2) ? random.pick(['vpn', 'printer', 'a1-', '']) : '',
        teams: some(TEAMS),
        priorities: some(PRIORITIES),
        aging: some(AGING_BUCKETS.map((b) => b.id)),
        sla: some(SLA_STATUSES),
        flags: random.chance(0.5) ? [] : some(QUEUE_FLAGS),
        ids: [],
      },
      sort: some(SORT_KEYS).map((id) => ({ id, desc: random.chance(0.5) })),
    }
  }

  it('after random batches of changes at advancing times', () => {
    const random = seededRandom(runSeed('queue view'))
    for (let round = 0; round < 40; round++) {
      const model = new QueueModel(DAY_START)
      const held: Ticket[] = []
      for (let i = 0; i < 300; i++)
        held.push(
          randomTicket(
            random,
            held.slice(0, 20).map((t) => t.id),
          ),
        )
      model.apply(held.map((t) => ({ ticket: t, unsynced: random.chance(0.1) })))
      const q = randomQuery(random)
      let now = T0
      let view = computeView(model.rows(), q, now)
      for (let step = 0; step < 30; step++) {
        // Half the batches land within the same second, so the patch path is the one exercised.
        now += random.chance(0.5) ? 0 : random.int(20) * MINUTE
        const batch = Array.from(
          { length: 1 + random.int(step % 10 === 9 ? INCREMENTAL_LIMIT + 5 : 6) },
          () => {
            const pick = random.pick(held)
            const next = random.chance(0.2)
              ? randomTicket(
                  random,
                  held.slice(0, 20).map((t) => t.id),
                )
              : touched(pick, {
                  priority: random.pick(PRIORITIES),
                  teamId: random.pick(TEAMS),
                  state: random.pick(['open', 'on_hold', 'resolved', 'closed'] as const),
                  parentTicketId: random.chance(0.2) ? random.pick(held).id : pick.parentTicketId,
                  reassignmentCount: random.int(4),
                  updatedAt: now,
                })
            if (next.id !== pick.id) held.push(next)
            return { ticket: next, unsynced: random.chance(0.1) }
          },
        )
        view = updateView(view, model, model.apply(batch), now)
        const expected = computeView(model.rows(), q, now)
        expect(ids(view.rows), `round ${round} step ${step}`).toEqual(ids(expected.rows))
      }
    }
  })

  it('recomputes a view that missed a batch instead of patching it wrongly', () => {
    const t = ticket()
    const model = modelOf(t)
    const view = computeView(model.rows(), query(), T0)
    model.apply([{ ticket: touched(t, { resolutionDueAt: T0 + 500 * HOUR }), unsynced: false }])
    const latest = touched(t, { resolutionDueAt: T0 + 600 * HOUR })
    const missed = model.apply([{ ticket: latest, unsynced: false }])
    expect(updateView(view, model, missed, T0).rows.map((r) => r.ticket)).toEqual([latest])
  })
})
