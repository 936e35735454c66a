/**
 * Issue 10, item 3, in the domain: an escalation that claims a warm transfer carries its record
 * (rule 4: the number dialled, who accepted, when), and a transfer is never recorded as done
 * before it happened.
 */
import { describe, expect, it } from 'vitest'
import { escalate, foldTicket, openTicket, type EscalationInput } from '../../src/shared/incident'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'

const NOW = Date.parse('2026-11-27T09:00:00.000Z')

function escalation(warmTransfer: EscalationInput['warmTransfer']) {
  const ctx = testContext('agent1', 'A1', NOW)
  const ticket = foldTicket(accepted(openTicket(phoneCall(), 'A1-1', ctx)))!
  const input: EscalationInput = {
    teamId: 'network-ops',
    tier: 2,
    suggestedTeamIds: ['network-ops'],
    routingGuidanceId: 'net-vpn',
    warmTransfer,
  }
  return escalate(ticket, input, ctx)
}

const refusals = (result: ReturnType<typeof escalation>) =>
  result.ok ? [] : result.errors.map((e) => ({ field: e.field, rule: e.rule, message: e.message }))

const record = {
  status: 'completed' as const,
  contactUsed: '+1 555 010 2120',
  acceptedBy: 'Sam Ortiz',
  acceptedAt: new Date(NOW - 60_000).toISOString(),
}

describe('rule 4: a warm transfer is claimed only with its record', () => {
  it('rule 4: accepts a transfer with the number dialled, who accepted and when', () => {
    expect(escalation(record).ok).toBe(true)
  })

  it('rule 4: refuses a transfer claimed without who accepted it or the number dialled', () => {
    expect(refusals(escalation({ ...record, acceptedBy: '  ', contactUsed: '' }))).toEqual([
      {
        field: 'warmTransfer.contactUsed',
        rule: 'rule 4',
        message: 'Write the number you dialled to transfer the call.',
      },
      {
        field: 'warmTransfer.acceptedBy',
        rule: 'rule 4',
        message: 'Write who at the team accepted the call.',
      },
    ])
  })

  it('rule 4: refuses a transfer recorded for a time still to come', () => {
    const later = new Date(NOW + 60 * 60_000).toISOString()
    expect(refusals(escalation({ ...record, acceptedAt: later }))).toEqual([
      expect.objectContaining({ field: 'warmTransfer.acceptedAt', rule: 'rule 4' }),
    ])
  })

  it("rule 4: a phone system's clock a little ahead of the station's is not a claim ahead of time", () => {
    expect(escalation({ ...record, acceptedAt: new Date(NOW + 60_000).toISOString() }).ok).toBe(
      true,
    )
  })

  it('rule 4: refuses a phone escalation that says nothing of the transfer', () => {
    expect(refusals(escalation({ status: 'not_applicable' }))).toEqual([
      expect.objectContaining({ field: 'warmTransfer', rule: 'rule 4' }),
    ])
  })
})
