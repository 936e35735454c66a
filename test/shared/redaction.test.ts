/**
 * Rule 11: the redacted form of a note's events (src/shared/incident/redaction.ts) is what every
 * replica stores. It must be the same whatever order the note and its redactions arrive in, and
 * however often; folding it gives the ticket the fold gives for the events as written; and none
 * of the text any redaction removed is left in it.
 */
import { describe, expect, it } from 'vitest'
import {
  addCustomerNote,
  addTechNote,
  foldTicket,
  openTicket,
  redactNote,
  redactedForms,
  sameEventApartFromRedaction,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'
import { runSeed, seededRandom, type Random } from '../support/random'

const SECRET = 'Tmp#4821-Blue'
const PHONE = '555 0199 7731'
const BODY = `I set your password to ${SECRET}; call me on ${PHONE}.`
const START = Date.parse('2026-11-27T09:00:00.000Z')

/** What a replica does as events reach it: keeps its own copy of a repeat, redacts the rest. */
function replica() {
  const held = new Map<string, TicketEvent>()
  return {
    held,
    receive(event: TicketEvent) {
      if (held.has(event.id)) return
      const forms = redactedForms([...held.values(), event])
      held.set(event.id, forms.get(event.id) ?? event)
      for (const [id, form] of forms) if (held.has(id)) held.set(id, form)
    },
  }
}

const sorted = (events: Iterable<TicketEvent>) =>
  JSON.stringify([...events].sort((a, b) => (a.id < b.id ? -1 : 1)))

/**
 * A ticket with the note, a Tech Note and a second customer note, then 1–3 redactions by two
 * supervisors: some made one after another (each removing more), some from the note as first
 * written. Every redaction removes the secret.
 */
function history(random: Random): { events: TicketEvent[]; noteId: string } {
  const agent = testContext('agent1', 'A1', START)
  const events = accepted(openTicket(phoneCall(), 'A1-1', agent))
  const add = (made: TicketEvent[]) => {
    events.push(...made)
    return foldTicket(events)!
  }
  let ticket = add(
    accepted(addCustomerNote(foldTicket(events)!, BODY, { customer: false, cc: [] }, agent)),
  )
  const noteId = ticket.notes[0]!.id
  ticket = add(accepted(addTechNote(ticket, `Checked the account of ${PHONE}.`, agent)))
  ticket = add(
    accepted(
      addCustomerNote(ticket, 'We will call you tomorrow.', { customer: false, cc: [] }, agent),
    ),
  )
  const asFirstWritten: Ticket = ticket
  const supervisors = [
    testContext('super1', 'B2', START + 60_000 + random.int(5000)),
    testContext('super2', 'C3', START + 60_000 + random.int(5000)),
  ]
  const texts = [
    `I set your password to [redacted]; call me on ${PHONE}.`,
    'I set your password to [redacted]; call me on [redacted].',
    '',
  ]
  const count = 1 + random.int(3)
  let current = ticket
  for (let i = 0; i < count; i++) {
    const ctx = random.pick(supervisors)
    ctx.advance(1000 + random.int(3000))
    const base = random.chance(0.3) ? asFirstWritten : current
    const made = accepted(redactNote(base, noteId, texts[i]!, `reason ${i}`, ctx))
    events.push(...made)
    current = foldTicket(events)!
  }
  return { events, noteId }
}

describe('rule 11: a redaction rewrites the note on every replica, the same whatever the order', () => {
  it('gives one stored form for every arrival order and repetition, with the secret gone', () => {
    const seed = runSeed('redaction-orders')
    const random = seededRandom(seed)
    for (let h = 0; h < 200; h++) {
      const { events, noteId } = history(random)
      const folded = foldTicket(events)!
      // The fold alone keeps none of it either: not in the note, not in its redaction entries.
      expect(JSON.stringify(folded)).not.toContain(SECRET)
      let reference: string | undefined
      for (let order = 0; order < 4; order++) {
        const at = replica()
        const deliveries = random.shuffle([...events, ...events.filter(() => random.chance(0.3))])
        for (const event of deliveries) at.receive(event)
        const stored = sorted(at.held.values())
        reference ??= stored
        expect(stored, `seed ${seed}, history ${h}, order ${order}`).toBe(reference)
        expect(stored).not.toContain(SECRET)
        expect(stored).not.toContain('#4821')
        // Nothing left to rewrite, and the fold is the fold of the events as written.
        expect(redactedForms([...at.held.values()]).size).toBe(0)
        const refolded = foldTicket([...at.held.values()])!
        expect(refolded).toEqual(folded)
        const note = refolded.notes.find((n) => n.id === noteId)!
        expect(note.redactions.length).toBeGreaterThan(0)
        expect(JSON.stringify(note)).not.toContain(SECRET)
      }
    }
  })

  it('keeps what the redaction does not touch: the Tech Note, the other note, who and when', () => {
    const { events } = history(seededRandom(7))
    const at = replica()
    for (const event of events) at.receive(event)
    const unchanged = events.filter(
      (e) =>
        e.type !== 'note_redacted' &&
        (e.type !== 'customer_note_added' || !e.payload.body.includes(SECRET)),
    )
    for (const event of unchanged) expect(at.held.get(event.id)).toBe(event)
    const note = [...at.held.values()].find(
      (e) => e.type === 'customer_note_added' && e.payload.redactedBy,
    )!
    const original = events.find((e) => e.id === note.id)!
    expect({ ...note, payload: { ...note.payload, body: '', redactedBy: '' } }).toEqual({
      ...original,
      payload: { ...original.payload, body: '', redactedBy: '' },
    })
  })

  it('treats a repeat of the note as first written as the same event, and nothing else', () => {
    const { events } = history(seededRandom(11))
    const at = replica()
    for (const event of events) at.receive(event)
    for (const event of events)
      expect(sameEventApartFromRedaction(at.held.get(event.id)!, event)).toBe(true)
    const note = events.find((e) => e.type === 'customer_note_added')!
    const other = { ...note, actor: 'mallory' }
    expect(sameEventApartFromRedaction(at.held.get(note.id)!, other)).toBe(false)
    // Without a redaction mark, a different body is a different event.
    const unmarked = events.find(
      (e) => e.type === 'customer_note_added' && !e.payload.body.includes(SECRET),
    )!
    expect(
      sameEventApartFromRedaction(unmarked, {
        ...unmarked,
        payload: { ...unmarked.payload, body: 'Something else.' },
      } as TicketEvent),
    ).toBe(false)
  })
})
