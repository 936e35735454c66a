/**
 * The outage radar (rule 10): during a major outage many calls are about one thing. N calls on
 * one service within M minutes (administrator data, default 3 in 15) propose a major incident to
 * the supervisors, with the candidate calls; accepting links them to a new or an existing parent,
 * dismissing is recorded. Detection is pure: the server runs it when events commit and records
 * what it finds as ordinary `outage_suspected` events, which every station folds.
 */
import type { MajorIncidentSettings } from '../directory'
import { applyEvent } from './fold'
import { linkCallsToMajor } from './major'
import { openTicket, refuse, single, type CommandContext, type CommandResult } from './rules'
import type { TicketEvent } from './events'
import type { Ticket } from './ticket'
import type { Level } from './vocabulary'

export type OutageRule = MajorIncidentSettings['outageRadar']

const MINUTE = 60_000
const working = (t: Ticket) => t.state === 'open' || t.state === 'on_hold'
const serviceKey = (service: string) => service.trim().toLowerCase()

/** A call the radar may still count: an open incident not yet part of a major incident or proposal. */
function countable(ticket: Ticket, since: number): boolean {
  return (
    ticket.kind === 'incident' &&
    working(ticket) &&
    !ticket.parentTicketId &&
    !ticket.major &&
    !ticket.outage &&
    serviceKey(ticket.service) !== '' &&
    ticket.receivedAt >= since
  )
}

export interface OutageFinding {
  /** The pending proposal the calls join, or null for a new proposal. */
  proposalId: string | null
  service: string
  /** The calls to record as candidates now. */
  add: Ticket[]
  /** Every candidate of the proposal once these are recorded. */
  candidateTicketIds: string[]
}

/**
 * What the radar sees among `tickets` at `now`: per service, the countable calls received in the
 * last `rule.minutes` minutes. While a proposal for the service waits for a supervisor, new calls
 * join it; otherwise `rule.calls` of them make a new proposal.
 */
export function detectOutages(
  tickets: Iterable<Ticket>,
  rule: OutageRule,
  now: number,
): OutageFinding[] {
  const since = now - rule.minutes * MINUTE
  const groups = new Map<string, { fresh: Ticket[]; pending: Ticket[] }>()
  for (const ticket of tickets) {
    const isPending = ticket.outage?.status === 'proposed' && working(ticket)
    if (!isPending && !countable(ticket, since)) continue
    const key = serviceKey(ticket.service)
    const group = groups.get(key) ?? { fresh: [], pending: [] }
    ;(isPending ? group.pending : group.fresh).push(ticket)
    groups.set(key, group)
  }
  const findings: OutageFinding[] = []
  for (const { fresh, pending } of groups.values()) {
    if (fresh.length === 0) continue
    const add = [...fresh].sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : 1))
    const newest = pending.reduce<Ticket | null>(
      (best, t) => (best && best.outage!.at >= t.outage!.at ? best : t),
      null,
    )
    if (newest) {
      const proposalId = newest.outage!.proposalId
      const joined = pending.filter((t) => t.outage!.proposalId === proposalId).map((t) => t.id)
      findings.push({
        proposalId,
        service: newest.outage!.service,
        add,
        candidateTicketIds: [...joined, ...add.map((t) => t.id)],
      })
    } else if (add.length >= rule.calls) {
      findings.push({
        proposalId: null,
        service: add[0]!.service.trim(),
        add,
        candidateTicketIds: add.map((t) => t.id),
      })
    }
  }
  return findings
}

export interface OutageProposal {
  proposalId: string
  service: string
  calls: number
  minutes: number
  at: number
  /** The candidate calls this station holds, oldest call first. */
  tickets: Ticket[]
}

/** The proposals waiting for a supervisor, from the tickets that carry them (newest first). */
export function pendingProposals(tickets: Iterable<Ticket>): OutageProposal[] {
  const byId = new Map<string, OutageProposal>()
  for (const ticket of tickets) {
    const o = ticket.outage
    if (!o || o.status !== 'proposed' || !working(ticket)) continue
    const proposal = byId.get(o.proposalId) ?? {
      proposalId: o.proposalId,
      service: o.service,
      calls: o.calls,
      minutes: o.minutes,
      at: o.at,
      tickets: [],
    }
    proposal.at = Math.min(proposal.at, o.at)
    proposal.tickets.push(ticket)
    byId.set(o.proposalId, proposal)
  }
  for (const p of byId.values()) p.tickets.sort((a, b) => a.receivedAt - b.receivedAt)
  return [...byId.values()].sort((a, b) => b.at - a.at)
}

const minLevel = (levels: Level[], cap: Level): Level => Math.min(cap, ...levels) as Level

/**
 * Rule 10: accepting the radar's proposal links its calls to a parent — an existing major
 * incident, or a new one opened and promoted here from the calls themselves.
 */
export function acceptOutageProposal(
  proposal: OutageProposal,
  target: { parent: Ticket } | { newParent: { number: string; title: string } },
  ctx: CommandContext,
): CommandResult {
  if (proposal.tickets.length === 0)
    return refuse({ field: '', rule: 'rule 10', message: 'The proposal has no open calls left.' })
  if ('parent' in target)
    return linkCallsToMajor(target.parent, proposal.tickets, ctx, proposal.proposalId)
  const first = proposal.tickets[0]!
  const opened = openTicket(
    {
      source: 'technical_staff',
      caller: { name: 'Service Desk' },
      title: target.newParent.title,
      description: `Proposed by the outage radar: ${proposal.tickets.length} calls on ${proposal.service} within ${proposal.minutes} minutes (${proposal.tickets.map((t) => t.number).join(', ')}).`,
      service: first.service,
      category: first.category,
      subcategory: first.subcategory,
      // Several callers at once: at least "multiple groups", as urgent as the most urgent call.
      impact: minLevel(
        proposal.tickets.map((t) => t.impact),
        2,
      ),
      urgency: minLevel(
        proposal.tickets.map((t) => t.urgency),
        4,
      ),
      priorityIncrease: true,
      receivedAt: new Date(Math.min(...proposal.tickets.map((t) => t.receivedAt))).toISOString(),
    },
    target.newParent.number,
    ctx,
  )
  if (!opened.ok) return opened
  let parent = applyEvent(null, opened.events[0]!)!
  const declared = single(ctx, parent, 'major_declared', {
    reason: `${proposal.tickets.length} calls on ${proposal.service} within ${proposal.minutes} minutes.`,
  })
  if (!declared.ok) return declared
  parent = applyEvent(parent, declared.events[0]!)!
  const linked = linkCallsToMajor(parent, proposal.tickets, ctx, proposal.proposalId)
  if (!linked.ok) return linked
  return { ok: true, events: [...opened.events, ...declared.events, ...linked.events] }
}

/** Dismissing the proposal is recorded on each of its calls, so every station drops it. */
export function dismissOutageProposal(
  proposal: OutageProposal,
  reason: string,
  ctx: CommandContext,
): CommandResult {
  const events: TicketEvent[] = []
  for (const ticket of proposal.tickets) {
    const made = single(ctx, ticket, 'outage_dismissed', {
      proposalId: proposal.proposalId,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    })
    if (!made.ok) return made
    events.push(...made.events)
  }
  return { ok: true, events }
}
