/** Email in as domain rules (PRODUCT.md rule 1's source email, "Email in", rules 2, 9, 11). */
import { describe, expect, it } from 'vitest'
import { mayEmit } from '../../src/shared/directory'
import {
  automaticReason,
  maySendByNumber,
  openFromEmail,
  quotedTicketNumbers,
  receiveCustomerMessage,
  repliedNoteIds,
  titleFromSubject,
  type InboundMessage,
} from '../../src/shared/incident/email-in'
import { applyEvent, foldTicket, type Ticket } from '../../src/shared/incident'
import { needsCallBack } from '../../src/shared/incident/follow-up'
import { close, emit, redactNote, resolve } from '../../src/shared/incident/rules'
import { block, line, storableText } from '../../src/shared/text'
import {
  accepted,
  completeResolution,
  emailMessage,
  testContext,
} from '../support/incident-fixtures'
import { runSeed, seededRandom } from '../support/random'

const server = () => testContext('event-management', 'SRV')
const message = (overrides: Partial<InboundMessage> = {}): InboundMessage =>
  emailMessage({
    attachments: [{ name: 'photo.jpg', type: 'image/jpeg', size: 2048, id: null }],
    ...overrides,
  })

function emailTicket(overrides: Partial<InboundMessage> = {}) {
  const events = accepted(openFromEmail(message(overrides), undefined, 'SRV-7', server()))
  return { events, ticket: foldTicket(events)! }
}

describe('rule 1: an email is an incident’s source; rule 2: logged with caller, title, description, time', () => {
  it('opens an incident with source email, the subject as title and the text as description', () => {
    const { events, ticket } = emailTicket()
    expect(events.map((e) => e.type)).toEqual(['opened', 'customer_message_received'])
    expect(ticket).toMatchObject({
      number: 'SRV-7',
      kind: 'incident',
      source: 'email',
      title: 'Projector shows no signal',
      description: 'Room 204, since this morning.',
      caller: { name: 'Priya N.', email: 'priya@example.edu' },
      receivedAt: Date.parse('2026-11-27T09:00:00.000Z'),
    })
    // The message itself is the ticket's first customer email, with what came with it.
    expect(ticket.notes).toMatchObject([
      {
        kind: 'customer',
        body: 'Room 204, since this morning.',
        fromCustomer: { from: 'priya@example.edu', messageId: '<m1@mail.example.edu>' },
      },
    ])
  })

  it('takes the directory’s caller when the sender is known there', () => {
    const caller = { callerId: 'c-1', name: 'Priya Natarajan', department: 'Physics' }
    const [opened] = accepted(openFromEmail(message(), caller, 'SRV-8', server()))
    expect(opened!.payload).toMatchObject({ caller })
  })

  it('gives a title to a message without subject, and strips reply prefixes from one', () => {
    expect(emailTicket({ subject: '' }).ticket.title).toBe('Email from priya@example.edu')
    expect(titleFromSubject('Re: AW: Fwd: Printer')).toBe('Printer')
    expect(titleFromSubject('Re[2]: Printer')).toBe('Printer')
    expect(titleFromSubject('Resetting my laptop')).toBe('Resetting my laptop')
  })

  it('says which closed ticket a late reply was about', () => {
    const [opened] = accepted(openFromEmail(message(), undefined, 'SRV-9', server(), 'S1-4'))
    expect(opened!.payload).toMatchObject({
      description: 'Follows up closed ticket S1-4.\n\nRoom 204, since this morning.',
    })
  })
})

describe('rule 9: a ticket that came in by email asks for a call back', () => {
  it('is an email incident the call-back rule sees', () => {
    expect(needsCallBack(emailTicket().ticket)).toBe(true)
  })
})

describe('email in: a reply threads into its ticket as a customer email its owner is notified of', () => {
  it('adds the customer’s email to an open or resolved ticket', () => {
    const { ticket } = emailTicket()
    const ctx = server()
    ctx.advance(60_000)
    const reply = message({ messageId: '<m2@x>', text: 'Still nothing.', attachments: [] })
    const [received] = accepted(receiveCustomerMessage(ticket, reply, ctx))
    expect(received).toMatchObject({
      type: 'customer_message_received',
      ticketId: ticket.id,
      payload: { messageId: '<m2@x>', from: 'priya@example.edu', body: 'Still nothing.' },
    })
    expect(applyEvent(ticket, received!)!.notes.map((n) => n.body)).toEqual([
      'Room 204, since this morning.',
      'Still nothing.',
    ])
    const agent = testContext('agent1', 'A1', ctx.now() + 60_000)
    const resolved = applyEvent(ticket, accepted(resolve(ticket, completeResolution(), agent))[0]!)!
    expect(receiveCustomerMessage(resolved, reply, ctx).ok).toBe(true)
  })

  it('refuses a closed ticket: a new one is opened instead', () => {
    const { ticket } = emailTicket()
    const agent = testContext('agent1', 'A1', ticket.createdAt + 60_000)
    let done: Ticket = applyEvent(
      ticket,
      accepted(resolve(ticket, completeResolution(), agent))[0]!,
    )!
    done = applyEvent(done, accepted(close(done, true, agent))[0]!)!
    const refused = receiveCustomerMessage(done, message(), server())
    expect(refused.ok || refused.errors[0]!.message).toMatch(/closed; a new one is opened/)
  })

  it('finds the notes Warmline’s own emails were about in In-Reply-To and References', () => {
    const noteId = '0190f5b2-7c1a-7000-8000-00000000abcd'
    expect(
      repliedNoteIds([
        `<warmline.note.${noteId}@warmline.example.edu>`,
        '<other@mail.example.edu>',
        `<WARMLINE.NOTE.${noteId.toUpperCase()}@x>`,
      ]),
    ).toEqual([noteId])
    expect(repliedNoteIds(['<warmline.note.not-a-uuid@x>'])).toEqual([])
  })

  it('reads ticket numbers from Warmline’s subjects and from “ticket S1-42”', () => {
    expect(quotedTicketNumbers('Re: [S1-42] Printer jams')).toEqual(['S1-42'])
    expect(quotedTicketNumbers('About ticket srv-7, and ticket #S2-3')).toEqual(['SRV-7', 'S2-3'])
    expect(quotedTicketNumbers('My phone is 555-1234')).toEqual([])
  })

  it('lets a quoted number thread only for the ticket’s caller or a sender already on it', () => {
    const { ticket } = emailTicket()
    expect(maySendByNumber(ticket, 'PRIYA@example.edu', [])).toBe(true)
    expect(maySendByNumber(ticket, 'eve@example.org', [])).toBe(false)
    expect(maySendByNumber(ticket, 'eve@example.org', ['Eve@example.org'])).toBe(true)
    expect(maySendByNumber(ticket, '', [''])).toBe(false)
  })

  it('is the server’s alone to record: no role may push it', () => {
    for (const role of ['agent', 'supervisor', 'admin'] as const)
      expect(mayEmit(role, 'customer_message_received')).toBe(false)
  })
})

describe('rule 11: redaction is for what staff typed; a customer’s email stays as it arrived', () => {
  it('refuses to redact a customer’s email, as a command and in the fold', () => {
    const { ticket } = emailTicket()
    const noteId = ticket.notes[0]!.id
    const supervisor = testContext('super1', 'A1', ticket.createdAt + 60_000)
    const refused = redactNote(ticket, noteId, '[redacted]', 'a password', supervisor)
    expect(refused.ok || refused.errors[0]).toMatchObject({ rule: 'rule 11' })
    // A station that pushed one anyway: the fold keeps the email and records the conflict.
    const pushed = emit(supervisor, ticket.id, 'note_redacted', {
      noteId,
      redactedBody: '[redacted]',
      reason: 'a password',
    })
    if (!pushed.ok) throw new Error('no event')
    const after = applyEvent(ticket, pushed.event)!
    expect(after.notes[0]!.body).toBe('Room 204, since this morning.')
    expect(after.conflicts[0]!.reason).toMatch(/kept as received/)
  })
})

describe('email in: a machine’s message opens nothing', () => {
  const person = { envelopeFrom: 'jo@example.edu', from: 'jo@example.edu' }
  it('knows auto-replies by Auto-Submitted (except “no”), Precedence and X-Autoreply', () => {
    expect(automaticReason({ ...person, autoSubmitted: 'auto-replied' })).toMatch(/Auto-Submitted/)
    expect(automaticReason({ ...person, autoSubmitted: 'auto-generated' })).toMatch(
      /Auto-Submitted/,
    )
    expect(automaticReason({ ...person, autoSubmitted: ' No ' })).toBeNull()
    for (const precedence of ['bulk', 'auto_reply', 'junk', 'List'])
      expect(automaticReason({ ...person, precedence })).toMatch(/Precedence/)
    expect(automaticReason({ ...person, precedence: 'first-class' })).toBeNull()
    expect(automaticReason({ ...person, autoreplyHeader: true })).toMatch(/auto-reply/)
  })

  it('knows bounces by the null sender, the daemon addresses and delivery status reports', () => {
    expect(automaticReason({ ...person, envelopeFrom: '' })).toMatch(/null sender/)
    expect(automaticReason({ ...person, from: 'MAILER-DAEMON@mx.example.edu' })).toMatch(/sent by/)
    expect(automaticReason({ ...person, envelopeFrom: 'postmaster@example.edu' })).toMatch(
      /sent by/,
    )
    expect(
      automaticReason({ ...person, contentType: 'multipart/report; report-type=delivery-status' }),
    ).toMatch(/delivery status/)
    expect(automaticReason(person)).toBeNull()
  })
})

describe('the one text schema takes what a customer sent, made storable', () => {
  it('replaces lone surrogates and controls, keeps line breaks in a block, cuts without splitting a pair', () => {
    expect(storableText('a\uD800b\u0000c', true, 100)).toBe('a\uFFFDb c')
    expect(storableText('one\r\ntwo\rthree', true, 100)).toBe('one\ntwo\nthree')
    expect(storableText('one\r\ntwo', false, 100)).toBe('one  two')
    expect(storableText('ab\uD83D\uDE00', false, 3)).toBe('ab')
  })

  it('always gives text that `line` and `block` of that length accept', () => {
    const seed = runSeed('storable-text')
    const random = seededRandom(seed)
    const units = [
      0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x41, 0x7f, 0xd83d, 0xde00, 0xdfff, 0xfffe, 0xffff, 0x20,
    ]
    for (let i = 0; i < 2000; i++) {
      const value = String.fromCharCode(
        ...Array.from({ length: random.int(40) }, () => random.pick(units)),
      )
      const max = 1 + random.int(30)
      expect(line({ max }).safeParse(storableText(value, false, max)).success, `seed ${seed}`).toBe(
        true,
      )
      expect(block({ max }).safeParse(storableText(value, true, max)).success, `seed ${seed}`).toBe(
        true,
      )
    }
  })
})
