/**
 * A ticket renumbered after the server refused its number (ARCHITECTURE.md "Data": "a number once
 * read to a caller stays findable (an alias) whatever happens to the ticket"; "every replica that
 * holds the same set of events computes the same ticket").
 */
import { describe, expect, it } from 'vitest'
import {
  addTechNote,
  applyEvent,
  canApplyInOrder,
  escalate,
  foldTicket,
  openTicket,
  renumberedOpening,
  searchTokens,
  ticketEventSchema,
  type EventOf,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { uuidv7 } from '../../src/shared/ids'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'
import { runSeed, seededRandom } from '../support/random'

function history() {
  const ctx = testContext('agent1', 'S1')
  const refused = accepted(openTicket(phoneCall(), 'S1-1', ctx))[0] as EventOf<'opened'>
  let ticket = applyEvent(null, refused)!
  ctx.advance(1000)
  const note = accepted(addTechNote(ticket, 'Asked the caller to restart', ctx))[0]!
  ticket = applyEvent(ticket, note)!
  ctx.advance(1000)
  const escalation = accepted(
    escalate(
      ticket,
      {
        teamId: 'network-ops',
        tier: 2,
        suggestedTeamIds: ['network-ops'],
        routingGuidanceId: 'g',
        warmTransfer: {
          status: 'completed',
          contactUsed: 'Network Ops hotline',
          acceptedBy: 'Sam',
          acceptedAt: new Date(ctx.now()).toISOString(),
        },
      },
      ctx,
    ),
  )[0]!
  // The server refused S1-1; the station replaces the opening some time later.
  ctx.advance(60_000)
  const replacement = renumberedOpening(refused, 'S1-7', uuidv7(ctx.now()))
  return { refused, replacement, behind: [note, escalation] }
}

describe('a renumbered ticket (ARCHITECTURE.md "Data": a number once read stays findable)', () => {
  it('is a valid opening of the same ticket, in the refused opening’s place', () => {
    const { refused, replacement } = history()
    expect(ticketEventSchema.parse(replacement)).toEqual(replacement)
    expect(replacement).toMatchObject({
      ticketId: refused.ticketId,
      hlc: refused.hlc,
      payload: { number: 'S1-7', previousNumbers: ['S1-1'] },
    })
  })

  it('folds with the events recorded behind the refused opening as if it had had the new number', () => {
    const { refused, replacement, behind } = history()
    const ticket = foldTicket([replacement, ...behind])!
    expect(ticket.number).toBe('S1-7')
    expect(ticket.previousNumbers).toEqual(['S1-1'])
    expect(ticket.conflicts).toEqual([])
    expect(ticket.teamId).toBe('network-ops')
    // Only the number and the opening's event id tell it from the ticket had S1-1 been accepted.
    const { number: _n, previousNumbers: _p, history: renumberedHistory, ...rest } = ticket
    const asIfAccepted = foldTicket([refused, ...behind])!
    const { number: _m, history: acceptedHistory, ...same } = asIfAccepted
    expect(rest).toEqual(same)
    const place = (h: (typeof renumberedHistory)[number]) => [h.type, h.hlc, h.conflict]
    expect(renumberedHistory.map(place)).toEqual(acceptedHistory.map(place))
  })

  it('folds the same on every replica, whatever order its events arrive in (seeded)', () => {
    const random = seededRandom(runSeed('renumbered ticket fold'))
    const { replacement, behind } = history()
    const events: TicketEvent[] = [replacement, ...behind]
    const expected = foldTicket(events)
    for (let round = 0; round < 50; round++) {
      const order = random.shuffle(events)
      // As a store does: apply in order when it can, else re-fold what it holds. A replica that
      // got the events behind the opening first holds no ticket until the opening comes.
      let ticket: Ticket | null = null
      const held: TicketEvent[] = []
      for (const event of order) {
        held.push(event)
        ticket = canApplyInOrder(ticket, event) ? applyEvent(ticket, event) : foldTicket(held)
      }
      expect(ticket).toEqual(expected)
      expect(foldTicket([...order, ...order])).toEqual(expected)
    }
  })

  it('is found by every number it was shown with', () => {
    const { replacement, behind } = history()
    const tokens = searchTokens(foldTicket([replacement, ...behind])!)
    expect(tokens.slice(0, 2)).toEqual(['s1-7', 's1-1'])
  })

  it('keeps every earlier number when renumbered again', () => {
    const { replacement } = history()
    const again = renumberedOpening(replacement, 'S1-9', uuidv7())
    expect(again.payload.previousNumbers).toEqual(['S1-1', 'S1-7'])
    expect(again.hlc).toBe(replacement.hlc)
  })
})
