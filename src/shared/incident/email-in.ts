/**
 * Email in (PRODUCT.md "Email in", rule 1's source `email`): what a customer's message does to
 * the log. A message that is nobody's own writing (an auto-reply, a bounce) does nothing; one
 * that answers a ticket threads into it as a customer email; any other opens an incident with
 * source `email` — which rule 9 then asks the owner to call back. The server's intake (I/O,
 * de-duplication) lives in src/server/mail-in; everything decided about a message is here.
 */
import { storableText } from '../text'
import type { Caller, MailAttachment, PayloadOf } from './events'
import { emit, openTicket, type CommandContext, type CommandResult } from './rules'
import type { Ticket } from './ticket'

/** A received message as the intake read it, its text already made storable. */
export interface InboundMessage {
  /** The Message-ID (with its angle brackets), or `sha256:<hex>` of the raw message without one. */
  messageId: string
  /** The sender's address (From), lower case; '' when it had none that could be read. */
  from: string
  /** The sender's display name, '' when none. */
  fromName: string
  subject: string
  text: string
  /** Message-IDs of In-Reply-To and References, in that order. */
  replyTo: string[]
  attachments: MailAttachment[]
  receivedAt: number
}

/** The headers that tell a machine's message from a person's, as received. */
export interface AutomaticSigns {
  /** SMTP `MAIL FROM`: '' for the null sender `<>` that bounces and DSNs use. */
  envelopeFrom: string
  from: string
  autoSubmitted?: string
  precedence?: string
  /** `X-Autoreply`, `X-Autorespond`: set by responders that set nothing standard. */
  autoreplyHeader?: boolean
  contentType?: string
}

const MACHINE_SENDERS = /^(mailer-daemon|postmaster|mail-daemon)@/i

/**
 * Why a message is a machine's (RFC 3834 Auto-Submitted, Precedence, the null sender and the
 * daemon addresses of RFC 5321, a delivery status notification of RFC 3464), or null for a
 * person's. Answering a machine opens tickets no one asked for and can loop with its responder.
 */
export function automaticReason(signs: AutomaticSigns): string | null {
  const autoSubmitted = signs.autoSubmitted?.trim().toLowerCase()
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`
  const precedence = signs.precedence?.trim().toLowerCase()
  if (precedence && ['bulk', 'auto_reply', 'junk', 'list'].includes(precedence))
    return `Precedence: ${precedence}`
  if (signs.autoreplyHeader) return 'an auto-reply header (X-Autoreply)'
  if (signs.envelopeFrom === '') return 'the null sender <> (a bounce)'
  const sender = [signs.envelopeFrom, signs.from].find((address) => MACHINE_SENDERS.test(address))
  if (sender) return `sent by ${sender}`
  const type = signs.contentType?.toLowerCase() ?? ''
  if (/^multipart\/report\b/.test(type) || /^message\/(global-)?delivery-status\b/.test(type))
    return 'a delivery status notification'
  return null
}

/** Note ids in Message-IDs of Warmline's own outbound mail (see server/mail/mailer.ts). */
const OUTBOUND_NOTE_ID = /^<warmline\.note\.([0-9a-f-]{36})@[^>]*>$/i

/** The note ids of Warmline's emails that `replyTo` answers, first the one it replies to. */
export function repliedNoteIds(replyTo: readonly string[]): string[] {
  return [...new Set(replyTo.flatMap((id) => OUTBOUND_NOTE_ID.exec(id)?.[1]?.toLowerCase() ?? []))]
}

/**
 * Ticket numbers a subject quotes: `[S1-42]` as Warmline's own subjects carry them, or the words
 * "ticket S1-42" a customer types. Upper-cased, as numbers are.
 */
export function quotedTicketNumbers(subject: string): string[] {
  const found = [
    ...subject.matchAll(/\[\s*([A-Z0-9]{1,12}-\d{1,9})\s*\]/gi),
    ...subject.matchAll(/\bticket\s*(?:no\.?|number|#)?\s*([A-Z0-9]{1,12}-\d{1,9})\b/gi),
  ]
  return [...new Set(found.map((match) => match[1]!.toUpperCase()))]
}

/**
 * Whether a message that only quotes a ticket's number (no Message-ID of ours) may thread into
 * it: only from the ticket's caller or a sender already on it. Numbers are short and sequential;
 * without this anyone could write into any ticket by guessing one.
 */
export function maySendByNumber(ticket: Ticket, from: string, knownSenders: readonly string[]) {
  const sender = from.toLowerCase()
  if (!sender) return false
  return (
    ticket.caller.email?.toLowerCase() === sender ||
    knownSenders.some((known) => known.toLowerCase() === sender)
  )
}

/** A reply's subject without its `Re:` / `Fwd:` / `AW:` prefixes: the title the customer meant. */
export function titleFromSubject(subject: string): string {
  return subject.replace(/^(\s*(re|fwd?|aw|wg|sv|antw)\s*(\[\d+\])?\s*:\s*)+/i, '').trim()
}

const messagePayload = (message: InboundMessage): PayloadOf<'customer_message_received'> => ({
  messageId: message.messageId,
  from: message.from,
  subject: message.subject,
  body: message.text,
  attachments: message.attachments,
})

/** The reply of a customer on their ticket: a customer email its owner is notified of. */
export function receiveCustomerMessage(
  ticket: Ticket,
  message: InboundMessage,
  ctx: CommandContext,
): CommandResult {
  if (ticket.state === 'closed')
    return {
      ok: false,
      errors: [{ field: '', message: `Ticket ${ticket.number} is closed; a new one is opened.` }],
    }
  const made = emit(ctx, ticket.id, 'customer_message_received', messagePayload(message))
  return made.ok ? { ok: true, events: [made.event] } : made
}

/**
 * Rule 1: an email is an incident's source like a call is; rule 2: it is logged with the caller
 * (the directory's, or who the message says sent it), a title (the subject), a description (the
 * text) and the time it was received. The message itself follows as the ticket's first customer
 * email, so its Message-ID and attachments are on the ticket. `follows` names the closed ticket a
 * late reply was about.
 */
export function openFromEmail(
  message: InboundMessage,
  caller: Caller | undefined,
  number: string,
  ctx: CommandContext,
  follows?: string,
): CommandResult {
  const title =
    titleFromSubject(message.subject) || `Email from ${message.from || 'an unknown sender'}`
  const description = [follows ? `Follows up closed ticket ${follows}.` : '', message.text]
    .filter(Boolean)
    .join('\n\n')
  const opened = openTicket(
    {
      source: 'email',
      caller: caller ?? {
        name: storableText(message.fromName || message.from || 'Unknown sender', false, 120),
        ...(message.from ? { email: message.from } : {}),
      },
      title: storableText(title, false, 200),
      description: storableText(description, true, 20000),
      service: '',
      category: '',
      // Rule 2: impact and urgency reflect current understanding; the owner sets them on the call back.
      impact: 4,
      urgency: 3,
      priorityIncrease: false,
      receivedAt: new Date(message.receivedAt).toISOString(),
    },
    number,
    ctx,
  )
  if (!opened.ok) return opened
  const ticketId = opened.events[0]!.ticketId
  const made = emit(ctx, ticketId, 'customer_message_received', messagePayload(message))
  return made.ok ? { ok: true, events: [...opened.events, made.event] } : made
}
