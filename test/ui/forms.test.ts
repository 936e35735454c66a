// @vitest-environment happy-dom
/**
 * The desk's form models against the real process rules: what the forms hand to rules/, and
 * how the rules' refusals find their way back to the fields the agent sees.
 */
import { describe, expect, test } from 'vitest'
import { directorySchema, type Directory } from '../../src/shared/directory'
import { applyEvent } from '../../src/shared/incident/fold'
import { escalate, openTicket, type RuleError } from '../../src/shared/incident/rules'
import type { Ticket } from '../../src/shared/incident/ticket'
import { IDENTITY_ITEMS, SOURCES, TICKET_KINDS } from '../../src/shared/incident/vocabulary'
import {
  chooseTeam,
  escalationInput,
  initialForm,
  isOffGuidance,
  suggestionsFor,
} from '../../src/renderer/src/escalation/escalation'
import {
  applyTemplate,
  emptyDraft,
  logCall,
  type IntakeDraft,
} from '../../src/renderer/src/intake/draft'
import {
  initialResolveForm,
  resolveTicket,
  timerMinutes,
} from '../../src/renderer/src/resolution/resolve-form'
import { sortRefusals } from '../../src/renderer/src/ui/rule-errors'
import { altDigit, matches } from '../../src/renderer/src/ui/shortcuts'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'
import { runSeed, seededRandom } from '../support/random'
import sample from '../../resources/directory/sample-directory.json'

const directory: Directory = directorySchema.parse(sample)

function vpnTicket(ctx = testContext()): Ticket {
  return applyEvent(null, accepted(openTicket(phoneCall(), 'A1-1', ctx))[0]!)!
}

describe('refusals find their fields', () => {
  const errors: RuleError[] = [
    { field: 'payload.warmTransfer.acceptedBy', message: 'is required' },
    { field: 'warmTransfer', message: 'A phone incident is warm-transferred.', rule: 'rule 4' },
    { field: 'customerEmail', message: 'must be an email' },
    { field: '', message: 'Ticket A1-1 is closed.' },
  ]

  test('the most specific shown field takes a refusal; the rest are shown for the whole form', () => {
    expect(sortRefusals(errors, ['warmTransfer', 'warmTransfer.acceptedBy'])).toEqual({
      byField: {
        'warmTransfer.acceptedBy': { text: 'Is required.' },
        // The words say what to do; the rule number is kept for the tooltip.
        warmTransfer: { text: 'A phone incident is warm-transferred.', rule: 'rule 4' },
      },
      // A field the form does not show is named as a person knows it, not by its path.
      general: [{ text: 'Customer email: must be an email.' }, { text: 'Ticket A1-1 is closed.' }],
    })
  })

  test('nothing is dropped when no field is shown', () => {
    expect(sortRefusals(errors, []).general).toHaveLength(errors.length)
  })
})

describe('escalation form', () => {
  const ticket = vpnTicket()
  const suggestions = suggestionsFor(ticket, directory.routingGuidance, directory.teams)

  test('follows the most specific guidance, with its team and KB reference', () => {
    expect(suggestions.map((s) => [s.guidance.id, s.team?.name])).toEqual([
      ['net-vpn', 'Network Operations'],
    ])
    const form = initialForm(ticket, suggestions)
    // Rule 4 expects a transfer, but nobody has dialled yet: the form claims none.
    expect(form).toMatchObject({
      teamId: 'network-ops',
      transfer: null,
      contactUsed: '+1 555 010 2120',
    })
    expect(escalationInput(form, suggestions, directory.teams, 0).warmTransfer).toEqual({
      status: 'not_applicable',
    })
    const input = escalationInput(
      { ...form, transfer: 'completed', acceptedBy: 'Sam' },
      suggestions,
      directory.teams,
      Date.parse('2026-11-27T09:05:00Z'),
    )
    expect(input).toMatchObject({
      teamId: 'network-ops',
      tier: 2,
      routingGuidanceId: 'net-vpn',
      suggestedTeamIds: ['network-ops'],
      warmTransfer: {
        status: 'completed',
        acceptedBy: 'Sam',
        acceptedAt: '2026-11-27T09:05:00.000Z',
      },
    })
    expect(escalate(ticket, input, testContext()).ok).toBe(true)
  })

  test('another team is off guidance: the rules ask why, and the record keeps no guidance id', () => {
    const research = directory.teams.find((t) => t.id === 'research-computing')
    const form = {
      ...chooseTeam(initialForm(ticket, suggestions), research),
      transfer: 'completed' as const,
      acceptedBy: 'Kim',
    }
    expect(isOffGuidance(form, suggestions)).toBe(true)
    const refused = escalate(
      ticket,
      escalationInput(form, suggestions, directory.teams, 0),
      testContext(),
    )
    expect(refused.ok ? [] : refused.errors.map((e) => e.field)).toEqual(['offGuidanceReason'])
    const input = escalationInput(
      { ...form, offGuidanceReason: 'HPC VPN profile' },
      suggestions,
      directory.teams,
      0,
    )
    expect(input).toMatchObject({
      tier: 3,
      routingGuidanceId: null,
      warmTransfer: { contactUsed: '+1 555 010 2310' },
    })
    expect(escalate(ticket, input, testContext()).ok).toBe(true)
  })

  test('starts at a suggested team the ticket is not already with', () => {
    const withNetOps = { ...ticket, teamId: 'network-ops' }
    expect(initialForm(withNetOps, suggestions).teamId).toBe('')
  })
})

describe('resolve form', () => {
  test('names every gap at once: the rules’ refusals and the unchosen selects', () => {
    const ctx = testContext()
    const ticket = vpnTicket(ctx)
    const result = resolveTicket(ticket, { ...initialResolveForm(ticket), subcategory: ' ' }, ctx)
    expect(result.ok ? [] : result.errors.map((e) => e.field).sort()).toEqual([
      'classification.rootCause',
      'classification.subcategory',
      'customerAgreement.method',
      'resolutionCode',
      'resolutionNotes',
    ])
  })

  test('a complete form resolves with the timer’s minutes unless the agent typed their own', () => {
    const ctx = testContext()
    const ticket = vpnTicket(ctx)
    ctx.advance(4 * 60_000 + 5_000)
    const form = {
      ...initialResolveForm(ticket),
      resolutionNotes: 'Reinstalled the profile.',
      rootCause: 'Outdated profile',
      resolutionCode: 'fixed' as const,
      agreement: 'verbal' as const,
    }
    const byTimer = accepted(resolveTicket(ticket, form, ctx))[0]!
    expect(byTimer.type === 'resolved' && byTimer.payload.timeSpentMinutes).toBe(5)
    const typed = accepted(resolveTicket(ticket, { ...form, timeSpent: '12' }, ctx))[0]!
    expect(typed.type === 'resolved' && typed.payload.timeSpentMinutes).toBe(12)
    const refused = resolveTicket(ticket, { ...form, timeSpent: '2.5' }, ctx)
    expect(refused.ok ? [] : refused.errors.map((e) => e.field)).toEqual(['timeSpentMinutes'])
  })

  test('a started minute counts as one', () => {
    expect(timerMinutes(0, 1)).toBe(1)
    expect(timerMinutes(0, 60_000)).toBe(1)
    expect(timerMinutes(0, 60_001)).toBe(2)
  })
})

describe('intake drafts', () => {
  const INTAKE_FIELDS = [
    'source',
    'kind',
    'reclassifyReason',
    'caller',
    'title',
    'description',
    'identityCheck',
  ]

  test('any draft either logs (as an incident first, for phone) or is refused on a field the form shows', () => {
    const random = seededRandom(runSeed('intake drafts'))
    for (let i = 0; i < 300; i++) {
      const template = random.chance(0.7) ? random.pick(directory.templates) : null
      let draft: IntakeDraft = {
        ...emptyDraft(Date.parse('2026-11-27T09:00:00Z')),
        source: random.chance(0.7) ? 'phone' : random.pick(SOURCES),
        kind: random.chance(0.8) ? 'incident' : random.pick(TICKET_KINDS),
        reclassifyReason: random.chance(0.5) ? 'No technical issue.' : '',
        caller: {
          ...emptyDraft(0).caller,
          name: random.chance(0.9) ? random.pick(directory.callers).name : '',
        },
        identity: random.shuffle(IDENTITY_ITEMS).slice(0, random.int(6)),
      }
      if (template) draft = applyTemplate(draft, template)
      else draft = { ...draft, title: random.chance(0.8) ? 'Something is broken' : '' }
      const result = logCall(draft, 'A1-1', testContext())
      if (result.ok) {
        expect(result.events[0]!.type).toBe('opened')
        const reclassified = draft.source === 'phone' && draft.kind !== 'incident'
        expect(result.events.map((e) => e.type)).toEqual(
          reclassified ? ['opened', 'reclassified'] : ['opened'],
        )
        const ticket = result.events.reduce<Ticket | null>((t, e) => applyEvent(t, e), null)!
        expect(ticket.kind).toBe(draft.kind)
      } else {
        expect(sortRefusals(result.errors, INTAKE_FIELDS).general).toEqual([])
      }
    }
  })
})

describe('shortcuts', () => {
  const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', init)

  test('match by physical key with modifiers, and Cmd stands in for Ctrl', () => {
    expect(matches(key({ key: 'Enter', ctrlKey: true }), 'Ctrl+Enter')).toBe(true)
    expect(matches(key({ key: 'Enter', metaKey: true }), 'Ctrl+Enter')).toBe(true)
    expect(matches(key({ key: 'Enter' }), 'Ctrl+Enter')).toBe(false)
    expect(matches(key({ key: '∑', code: 'KeyE', altKey: true }), 'Alt+E')).toBe(true)
    expect(matches(key({ key: '?', code: 'Slash', shiftKey: true }), '?')).toBe(true)
    expect(altDigit(key({ key: '¡', code: 'Digit1', altKey: true }))).toBe(1)
    expect(altDigit(key({ key: '1', code: 'Digit1' }))).toBeNull()
  })
})
