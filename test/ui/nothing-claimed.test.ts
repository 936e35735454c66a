/**
 * Issue 10, item 3: nothing is asserted before it happened. What the desk fills in for the agent
 * (the directory's call templates, the escalation and resolve forms' starting values) states no
 * fact about the call that nobody has established yet.
 */
import { describe, expect, it } from 'vitest'
import { directorySchema } from '../../src/shared/directory'
import { foldTicket, openTicket } from '../../src/shared/incident'
import { initialForm, suggestionsFor } from '../../src/renderer/src/escalation/escalation'
import { initialResolveForm } from '../../src/renderer/src/resolution/resolve-form'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'
import sample from '../../resources/directory/sample-directory.json'

const directory = directorySchema.parse(sample)

/** Words that report something done: a template is applied before any of it is. */
const CLAIM = /\b(verified|confirmed|resolved|transferred|accepted|agreed|fixed|completed|done)\b/i

const ticketOf = (overrides: Parameters<typeof phoneCall>[0] = {}) =>
  foldTicket(accepted(openTicket(phoneCall(overrides), 'A1-1', testContext())))!

describe('call templates', () => {
  it.each(directory.templates.map((t) => [t.label, t] as const))(
    '%s prompts for facts and claims none',
    (_, template) => {
      expect(template.title).not.toMatch(CLAIM)
      expect(template.description).not.toMatch(CLAIM)
    },
  )

  it('the password reset asks for the identity check instead of reporting it', () => {
    const reset = directory.templates.find((t) => t.id === 'password-reset')!
    expect(reset.accountMatter).toBe(true)
    expect(reset.description).toMatch(/^Caller cannot sign in .* Verify 3 of 5 identity items/)
  })
})

describe('the escalation form', () => {
  it('claims no transfer of a phone call until the agent or the phone system reports one', () => {
    const ticket = ticketOf()
    const suggestions = suggestionsFor(ticket, directory.routingGuidance, directory.teams)
    expect(initialForm(ticket, suggestions).transfer).toBeNull()
    const pbx = { transfer: { to: '+1 555 010 2120', at: Date.now() }, teams: directory.teams }
    expect(initialForm(ticket, suggestions, pbx).transfer).toBe('completed')
  })

  it('starts a ticket that came in by email at "no call to transfer", which is simply true', () => {
    expect(initialForm(ticketOf({ source: 'email' }), []).transfer).toBe('not_applicable')
  })
})

describe('the resolve form', () => {
  it('ticks first-contact resolution only while the phone system says the call is still on', () => {
    expect(initialResolveForm(ticketOf()).firstContactResolution).toBe(false)
    const onTheLine = ticketOf({ callId: 'pbx-1' })
    expect(initialResolveForm(onTheLine, null).firstContactResolution).toBe(true)
    expect(initialResolveForm(onTheLine, 4).firstContactResolution).toBe(false)
  })

  it('leaves the customer agreement and the resolution code for the agent to choose', () => {
    expect(initialResolveForm(ticketOf())).toMatchObject({ agreement: '', resolutionCode: '' })
  })
})
