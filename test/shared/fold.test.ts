import { describe, expect, it } from 'vitest'
import {
  addTechNote,
  close,
  foldTicket,
  openTicket,
  resolve,
  type TicketEvent,
} from '../../src/shared/incident'
import { accepted, completeResolution, phoneCall, testContext } from '../support/incident-fixtures'

function resolvedAndClosed() {
  const ctx = testContext()
  const opening = accepted(openTicket(phoneCall(), 'A1-1', ctx))
  const open = foldTicket(opening)!
  const resolved = accepted(resolve(open, completeResolution(), ctx))
  const closed = accepted(close(foldTicket([...opening, ...resolved])!, true, ctx))
  return { ctx, opening, open, resolved, closed }
}

describe('fold: invalid transitions are kept as conflicts, never dropped (ARCHITECTURE.md "Data")', () => {
  it('records a resolve that lands after a close as a conflict in the history', () => {
    const { opening, open, resolved, closed } = resolvedAndClosed()
    // Another station resolved its stale, still-open view of the ticket after this one closed it.
    const late = testContext('agent2', 'B2', Date.parse('2026-11-27T10:00:00.000Z'))
    const lateResolve = accepted(resolve(open, completeResolution(), late))
    const ticket = foldTicket([...opening, ...resolved, ...closed, ...lateResolve])!
    expect(ticket.state).toBe('closed')
    expect(ticket.conflicts).toHaveLength(1)
    expect(ticket.conflicts[0]).toMatchObject({
      eventId: lateResolve[0]!.id,
      type: 'resolved',
      actor: 'agent2',
    })
    expect(ticket.conflicts[0]!.reason).toMatch(/closed/)
    const entry = ticket.history.find((h) => h.eventId === lateResolve[0]!.id)
    expect(entry?.conflict).toMatch(/closed/)
  })

  it('keeps an event dated before the opening as a conflict once the opening arrives', () => {
    const ctx = testContext()
    const opening = accepted(openTicket(phoneCall(), 'A1-1', ctx))
    const skewed = testContext('agent2', 'B2', Date.parse('2026-11-27T08:00:00.000Z'))
    const note = accepted(
      addTechNote(foldTicket(opening)!, 'from a station with a slow clock', skewed),
    )
    expect(foldTicket(note)).toBeNull()
    const ticket = foldTicket([...note, ...opening])!
    expect(ticket.notes).toHaveLength(0)
    expect(ticket.conflicts[0]).toMatchObject({ eventId: note[0]!.id, type: 'tech_note_added' })
  })

  it('applies last-writer-wins per field by (hlc, id), not by arrival', () => {
    const ctx = testContext()
    const opening = accepted(openTicket(phoneCall(), 'A1-1', ctx))
    const base = foldTicket(opening)!
    const a = testContext('agent1', 'A1', Date.parse('2026-11-27T09:10:00.000Z'))
    const b = testContext('agent2', 'B2', Date.parse('2026-11-27T09:11:00.000Z'))
    const early: TicketEvent[] = [
      {
        ...opening[0]!,
        id: a.newId(),
        type: 'fields_changed',
        hlc: a.nextHlc(),
        payload: { changes: { title: 'early' } },
      },
    ]
    const later: TicketEvent[] = [
      {
        ...opening[0]!,
        id: b.newId(),
        actor: 'agent2',
        station: 'B2',
        type: 'fields_changed',
        hlc: b.nextHlc(),
        payload: { changes: { title: 'later', urgency: 1 } },
      },
    ]
    expect(base.title).not.toBe('later')
    const ticket = foldTicket([...later, ...opening, ...early])!
    expect(ticket.title).toBe('later')
    expect(ticket.urgency).toBe(1)
    expect(ticket.impact).toBe(4)
  })

  it('counts each event once however often it arrives', () => {
    const { opening, resolved } = resolvedAndClosed()
    const ticket = foldTicket([...opening, ...resolved, ...resolved, ...opening])!
    expect(ticket.history).toHaveLength(2)
    expect(ticket.conflicts).toHaveLength(0)
  })
})
