/** PRODUCT.md rule 10: major incidents, the outage radar, hierarchical escalation. */
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_MAJOR_INCIDENT_SETTINGS,
  mayEmit,
  type MajorIncidentSettings,
} from '../../src/shared/directory'
import {
  acceptOutageProposal,
  applyEvent,
  detectOutages,
  dismissOutageProposal,
  escalateToManagement,
  foldTicket,
  linkCallsToMajor,
  openLinkedCalls,
  openTicket,
  pendingProposals,
  promoteToMajor,
  resolve,
  resolveLinkedCalls,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { accepted, completeResolution, phoneCall, testContext } from '../support/incident-fixtures'

const MINUTE = 60_000
const START = Date.parse('2026-11-27T09:00:00.000Z')
let numbers = 0

function call(ctx = testContext(), overrides: Parameters<typeof phoneCall>[0] = {}) {
  const events = accepted(openTicket(phoneCall(overrides), `A1-${++numbers}`, ctx))
  return { events, ticket: foldTicket(events)! }
}

/** Folds `more` onto the ticket they are about. */
function fold(ticket: Ticket, more: readonly TicketEvent[]): Ticket {
  return more.filter((e) => e.ticketId === ticket.id).reduce((t, e) => applyEvent(t, e)!, ticket)
}

function major(ctx = testContext('super1', 'S9')) {
  const parent = call(ctx, { title: 'Email down campus-wide', service: 'Email' })
  const declared = accepted(promoteToMajor(parent.ticket, 'Many calls about email', ctx))
  return fold(parent.ticket, declared)
}

describe('major incidents', () => {
  it('rule 10: a supervisor promotes a ticket to major; the event is supervisor-only', () => {
    const ctx = testContext('super1', 'S9')
    const parent = major(ctx)
    expect(parent.major).toMatchObject({ reason: 'Many calls about email', by: 'super1' })
    expect(parent.history.at(-1)!.type).toBe('major_declared')
    expect(mayEmit('agent', 'major_declared')).toBe(false)
    expect(mayEmit('supervisor', 'major_declared')).toBe(true)
    const again = promoteToMajor(parent, 'twice', ctx)
    expect(again.ok).toBe(false)
  })

  it('rule 10: calls link to a major incident only, all or none', () => {
    const ctx = testContext('super1', 'S9')
    const plain = call(ctx).ticket
    const a = call(ctx).ticket
    expect(linkCallsToMajor(plain, [a], ctx)).toMatchObject({
      ok: false,
      errors: [{ rule: 'rule 10' }],
    })
    const parent = major(ctx)
    const child = fold(a, accepted(linkToParentOf(parent, a)))
    const other = call(ctx).ticket
    // `child` already links to this parent: nothing to do for it; a closed ticket refuses all.
    const result = linkCallsToMajor(parent, [child, other], ctx)
    expect(result.ok && result.events.map((e) => e.ticketId)).toEqual([other.id])
    const closed = { ...call(ctx).ticket, state: 'closed' as const }
    expect(linkCallsToMajor(parent, [other, closed], ctx).ok).toBe(false)

    function linkToParentOf(p: Ticket, t: Ticket) {
      return linkCallsToMajor(p, [t], ctx)
    }
  })

  it('rule 10: resolving the parent resolves its open linked calls, one resolve and at most one email note each', () => {
    const ctx = testContext('super1', 'S9')
    let parent = major(ctx)
    const withEmail = call(ctx).ticket
    const noEmail = call(ctx, { caller: { name: 'Pat Doe' } }).ticket
    const resolvedAlready = call(ctx).ticket
    const kids = [withEmail, noEmail, resolvedAlready].map((t) =>
      fold(t, accepted(linkCallsToMajor(parent, [t], ctx))),
    )
    kids[2] = fold(kids[2]!, accepted(resolve(kids[2]!, completeResolution(), ctx)))
    // Before the parent is resolved nothing cascades.
    expect(resolveLinkedCalls(parent, kids, new Set(), ctx).events).toEqual([])
    parent = fold(parent, accepted(resolve(parent, completeResolution(), ctx)))
    const open = openLinkedCalls(parent, kids)
    expect(open.map((t) => t.id)).toEqual([withEmail.id, noEmail.id])

    const { events, refused } = resolveLinkedCalls(parent, open, new Set([withEmail.id]), ctx)
    expect(refused).toEqual([])
    const byTicket = (id: string) => events.filter((e) => e.ticketId === id).map((e) => e.type)
    expect(byTicket(withEmail.id)).toEqual(['customer_note_added', 'resolved'])
    expect(byTicket(noEmail.id)).toEqual(['resolved'])
    const note = events.find((e) => e.type === 'customer_note_added')!
    expect(note.type === 'customer_note_added' && note.payload).toMatchObject({
      sendEmailTo: { customer: true, cc: [] },
      customerEmail: 'dana.whitfield@example.edu',
    })
    const child = fold(kids[0]!, events)
    expect(child.state).toBe('resolved')
    expect(child.resolution).toMatchObject({
      resolutionNotes: parent.resolution!.resolutionNotes,
      firstContactResolution: false,
    })
  })

  it('rule 10: a child the resolution rules refuse is reported, the others resolve', () => {
    const ctx = testContext('super1', 'S9')
    let parent = major(ctx)
    const a = call(ctx).ticket
    const noEmail = call(ctx, { caller: { name: 'Pat Doe' } }).ticket
    const kids = [a, noEmail].map((t) => fold(t, accepted(linkCallsToMajor(parent, [t], ctx))))
    parent = fold(parent, accepted(resolve(parent, completeResolution(), ctx)))
    // Asking to email a caller who has no address is refused by rule 6, for that child only.
    const { events, refused } = resolveLinkedCalls(parent, kids, new Set([noEmail.id]), ctx)
    expect(events.map((e) => e.ticketId)).toEqual([a.id])
    expect(refused.map((r) => r.ticket.id)).toEqual([noEmail.id])
    expect(refused[0]!.errors[0]!.rule).toBe('rule 6')
  })
})

describe('outage radar', () => {
  const rule = { calls: 3, minutes: 15 }
  const at = (minutes: number) => new Date(START + minutes * MINUTE).toISOString()

  function calls(service: string, minutesList: number[]) {
    return minutesList.map((m) => call(testContext(), { service, receivedAt: at(m) }).ticket)
  }

  it('rule 10: N calls on one service within M minutes make one proposal; fewer, or spread out, do not', () => {
    const email = calls('Email', [0, 5, 14])
    const vpn = calls('Network', [0, 1])
    expect(detectOutages([...email, ...vpn], rule, START + 14 * MINUTE)).toEqual([
      {
        proposalId: null,
        service: 'Email',
        add: email,
        candidateTicketIds: email.map((t) => t.id),
      },
    ])
    // At 16 minutes the first call is out of the window: two are not an outage.
    expect(detectOutages(email, rule, START + 16 * MINUTE)).toEqual([])
    // Service names are compared as a person reads them.
    const mixed = [...calls('email ', [1]), ...calls('EMAIL', [2]), ...calls('Email', [3])]
    expect(detectOutages(mixed, rule, START + 4 * MINUTE)).toHaveLength(1)
  })

  it('rule 10: calls already linked, promoted, proposed, closed or not incidents are not counted', () => {
    const [a, b, c] = calls('Email', [0, 1, 2])
    const linked = { ...a!, parentTicketId: b!.id }
    const promoted = { ...b!, major: { reason: 'x', by: 's', at: START } }
    const closed = { ...c!, state: 'closed' as const }
    const request = {
      ...call(testContext(), { service: 'Email' }).ticket,
      kind: 'inquiry' as const,
    }
    const fresh = calls('Email', [3, 4])
    expect(
      detectOutages([linked, promoted, closed, request, ...fresh], rule, START + 5 * MINUTE),
    ).toEqual([])
  })

  it('rule 10: while a proposal waits, new calls on that service join it', () => {
    const email = calls('Email', [0, 1, 2])
    const proposed = proposalOf(email).tickets
    const late = calls('Email', [10])
    const [finding] = detectOutages([...proposed, ...late], rule, START + 11 * MINUTE)
    expect(finding).toEqual({
      proposalId: PROPOSAL,
      service: 'Email',
      add: late,
      candidateTicketIds: [...email.map((t) => t.id), late[0]!.id],
    })
    expect(pendingProposals(proposed)).toMatchObject([{ proposalId: PROPOSAL, service: 'Email' }])
    expect(pendingProposals(proposed)[0]!.tickets).toHaveLength(3)
  })

  it('rule 10: accepting links every candidate to a new major incident; the proposal is accepted on each', () => {
    const ctx = testContext('super1', 'S9')
    const proposal = proposalOf(calls('Email', [0, 1, 2]))
    const events = accepted(
      acceptOutageProposal(proposal, { newParent: { number: 'S9-1', title: 'Email outage' } }, ctx),
    )
    const parent = foldTicket(events.filter((e) => e.ticketId === events[0]!.ticketId))!
    expect(parent.major).toBeDefined()
    expect(parent.impact).toBe(2)
    for (const t of proposal.tickets) {
      const after = fold(t, events)
      expect(after.parentTicketId).toBe(parent.id)
      expect(after.outage).toMatchObject({ status: 'accepted', decidedBy: 'super1' })
    }
    expect(pendingProposals(proposal.tickets.map((t) => fold(t, events)))).toEqual([])
  })

  it('rule 10: accepting can link to an existing major incident; dismissing is recorded on each call', () => {
    const ctx = testContext('super1', 'S9')
    const parent = major(ctx)
    const proposal = proposalOf(calls('Email', [0, 1, 2]))
    const linked = accepted(acceptOutageProposal(proposal, { parent }, ctx))
    expect(linked.every((e) => e.type === 'parent_linked')).toBe(true)

    const other = proposalOf(calls('Email', [3, 4, 5]))
    const dismissed = accepted(dismissOutageProposal(other, 'Three unrelated problems', ctx))
    expect(dismissed).toHaveLength(3)
    const after = other.tickets.map((t) => fold(t, dismissed))
    expect(after.every((t) => t.outage?.status === 'dismissed')).toBe(true)
    expect(pendingProposals(after)).toEqual([])
    // A second decision on the same proposal is a conflict in the history, not a second decision.
    const twice = fold(
      after[0]!,
      accepted(dismissOutageProposal({ ...other, tickets: [after[0]!] }, '', ctx)),
    )
    expect(twice.conflicts.at(-1)!.reason).toMatch(/dismissed already/)
  })

  it('rule 10: only the server writes a proposal', () => {
    expect(mayEmit('supervisor', 'outage_suspected')).toBe(false)
    expect(mayEmit('admin', 'outage_suspected')).toBe(false)
    expect(mayEmit('agent', 'outage_dismissed')).toBe(false)
  })
})

describe('hierarchical escalation', () => {
  const settings: MajorIncidentSettings = {
    ...DEFAULT_MAJOR_INCIDENT_SETTINGS,
    serviceDeskManager: 'manager1',
    directorItsm: 'director1',
  }

  it('rule 10: an agent escalates to the service desk manager, with a reason, naming the manager', () => {
    const ctx = testContext()
    const { ticket } = call(ctx)
    const [event] = accepted(
      escalateToManagement(
        ticket,
        { level: 'service_desk_manager', reason: 'Dean asks' },
        'agent',
        settings,
        ctx,
      ),
    )
    expect(event!.type === 'management_escalated' && event!.payload).toEqual({
      level: 'service_desk_manager',
      to: 'manager1',
      reason: 'Dean asks',
    })
    const after = fold(ticket, [event!])
    expect(after.managementEscalations).toMatchObject([{ to: 'manager1', by: 'agent1' }])
    expect(after.history.at(-1)!.type).toBe('management_escalated')
  })

  it('rule 10: the manager comes before the director, and the director is a supervisor’s step', () => {
    const ctx = testContext()
    let { ticket } = call(ctx)
    const direct = escalateToManagement(
      ticket,
      { level: 'director_itsm', reason: 'x' },
      'supervisor',
      settings,
      ctx,
    )
    expect(direct).toMatchObject({ ok: false, errors: [{ field: 'level', rule: 'rule 10' }] })
    ticket = fold(
      ticket,
      accepted(
        escalateToManagement(
          ticket,
          { level: 'service_desk_manager', reason: 'y' },
          'agent',
          settings,
          ctx,
        ),
      ),
    )
    const byAgent = escalateToManagement(
      ticket,
      { level: 'director_itsm', reason: 'z' },
      'agent',
      settings,
      ctx,
    )
    expect(byAgent.ok).toBe(false)
    const bySupervisor = accepted(
      escalateToManagement(
        ticket,
        { level: 'director_itsm', reason: 'z' },
        'supervisor',
        settings,
        ctx,
      ),
    )
    expect(fold(ticket, bySupervisor).managementEscalations!.map((e) => e.to)).toEqual([
      'manager1',
      'director1',
    ])
    expect(
      escalateToManagement(
        fold(ticket, bySupervisor),
        { level: 'director_itsm', reason: 'z' },
        'supervisor',
        settings,
        ctx,
      ).ok,
    ).toBe(false)
  })

  it('rule 10: the fold refuses a director escalation with no manager before it, and nobody named refuses', () => {
    const ctx = testContext('super1', 'S9')
    const { ticket } = call(ctx)
    const skipped = {
      ...accepted(
        escalateToManagement(
          ticket,
          { level: 'service_desk_manager', reason: 'a' },
          'supervisor',
          settings,
          ctx,
        ),
      )[0]!,
    } as TicketEvent
    if (skipped.type !== 'management_escalated') throw new Error('unexpected')
    skipped.payload = { ...skipped.payload, level: 'director_itsm' }
    expect(fold(ticket, [skipped]).conflicts[0]!.reason).toMatch(/service desk manager before/)
    const nobody = escalateToManagement(
      ticket,
      { level: 'service_desk_manager', reason: 'a' },
      'agent',
      DEFAULT_MAJOR_INCIDENT_SETTINGS,
      ctx,
    )
    expect(nobody).toMatchObject({ ok: false, errors: [{ rule: 'rule 10' }] })
  })
})

const PROPOSAL = '01900000-0000-7000-8000-000000000abc'

/** The radar's proposal as the server records it: an `outage_suspected` on each call. */
function proposalOf(tickets: Ticket[]) {
  const server = testContext('event-management', 'SERVER')
  const payload = {
    proposalId: PROPOSAL,
    service: 'Email',
    candidateTicketIds: tickets.map((t) => t.id),
    calls: 3,
    minutes: 15,
  }
  const suspected = tickets.map((t) =>
    fold(t, [
      {
        id: server.newId(),
        ticketId: t.id,
        type: 'outage_suspected',
        actor: server.actor,
        station: server.station,
        hlc: server.nextHlc(),
        schemaVersion: 1,
        payload,
      },
    ]),
  )
  return {
    proposalId: PROPOSAL,
    service: 'Email',
    calls: 3,
    minutes: 15,
    at: START,
    tickets: suspected,
  }
}
