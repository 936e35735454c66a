/**
 * ARCHITECTURE.md "Data": the fold sorts by (hlc, id), and a replica that applies an event to its
 * stored ticket must end where a full fold of the same events ends. Found by the chaos floor
 * (seed 13): station S1's and S16's notes stamped in the same millisecond with the same counter
 * (skewed clocks make such ties common) were applied in the wrong order, because the ticket's
 * last-event key compared as one string, "…-S1|<id>" > "…-S16|<id>", where the hlc says S1 < S16.
 */
import { describe, expect, it } from 'vitest'
import {
  addTechNote,
  applyEvent,
  canApplyInOrder,
  foldTicket,
  openTicket,
} from '../../src/shared/incident'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'

describe('fold order when one station code begins another', () => {
  const at = Date.parse('2026-11-27T09:05:00.000Z')
  const opening = accepted(openTicket(phoneCall(), 'S1-1', testContext('ann', 'S1')))
  const open = foldTicket(opening)!
  const fromS1 = accepted(addTechNote(open, 'From S1', testContext('ann', 'S1', at)))[0]!
  const fromS16 = accepted(addTechNote(open, 'From S16', testContext('bob', 'S16', at)))[0]!

  it('the S16 note sorts after the S1 note of the same instant', () => {
    expect(fromS1.hlc < fromS16.hlc).toBe(true)
  })

  it('applying S16 then S1 incrementally is refused, so the replica re-folds to the full fold', () => {
    const full = foldTicket([...opening, fromS1, fromS16])!
    const withS16 = applyEvent(open, fromS16)
    expect(canApplyInOrder(withS16, fromS1)).toBe(false)
    expect(foldTicket([...opening, fromS16, fromS1])).toEqual(full)
    expect(full.notes.map((n) => n.body)).toEqual(['From S1', 'From S16'])
  })

  it('applying S1 then S16 incrementally gives the full fold', () => {
    const withS1 = applyEvent(open, fromS1)
    expect(canApplyInOrder(withS1, fromS16)).toBe(true)
    expect(applyEvent(withS1, fromS16)).toEqual(foldTicket([...opening, fromS1, fromS16]))
  })
})
