/** Commands for notes (rules 3, 6, 11). */
import type { PayloadOf } from '../events'
import { passwordPhrase } from '../password-guard'
import type { Ticket } from '../ticket'
import { refuse, single, type CommandContext, type CommandResult } from './command'

export function addTechNote(ticket: Ticket, body: string, ctx: CommandContext): CommandResult {
  if (ticket.state === 'closed')
    return refuse({ field: '', message: `Ticket ${ticket.number} is closed.` })
  return single(ctx, ticket, 'tech_note_added', { noteId: ctx.newId(), body })
}

/** Says where the password seems to be, and what the check cannot see (password-guard.ts). */
export function passwordRefusal(phrase: string): string {
  return (
    `Passwords are never given or reset by email (rule 3), and this note reads like it carries one ("${phrase} …"). ` +
    'Remove it and give it to the caller by phone. The check knows the usual English phrasings only: ' +
    'a password written another way (no word like "password" or "PIN" near it, split up, in another language) is not caught, so read the note before you send it.'
  )
}

/**
 * Rule 6: a customer note reaches the customer only with Send Email To → customer.
 * Rule 3: passwords are never reset by email, so an emailed note must not carry one.
 */
export function addCustomerNote(
  ticket: Ticket,
  body: string,
  sendEmailTo: PayloadOf<'customer_note_added'>['sendEmailTo'],
  ctx: CommandContext,
): CommandResult {
  if (ticket.state === 'closed')
    return refuse({ field: '', message: `Ticket ${ticket.number} is closed.` })
  const emailing = sendEmailTo.customer || sendEmailTo.cc.length > 0
  if (sendEmailTo.customer && !ticket.caller.email) {
    return refuse({
      field: 'sendEmailTo.customer',
      rule: 'rule 6',
      message: 'The caller has no email address on the ticket; add one before sending this note.',
    })
  }
  const phrase = emailing ? passwordPhrase(body) : null
  if (phrase !== null) {
    return refuse({ field: 'body', rule: 'rule 3', message: passwordRefusal(phrase) })
  }
  return single(ctx, ticket, 'customer_note_added', {
    noteId: ctx.newId(),
    body,
    sendEmailTo,
    ...(sendEmailTo.customer && ticket.caller.email ? { customerEmail: ticket.caller.email } : {}),
  })
}

/** Rule 11: sensitive data in a customer-visible note can be redacted; the redaction is recorded. */
export function redactNote(
  ticket: Ticket,
  noteId: string,
  redactedBody: string,
  reason: string,
  ctx: CommandContext,
): CommandResult {
  const note = ticket.notes.find((n) => n.id === noteId)
  if (!note) return refuse({ field: 'noteId', message: 'No such note on this ticket.' })
  if (note.kind !== 'customer') {
    return refuse({
      field: 'noteId',
      rule: 'rule 11',
      message: 'Only customer-visible notes are redacted.',
    })
  }
  if (note.fromCustomer) {
    return refuse({
      field: 'noteId',
      rule: 'rule 11',
      message:
        "A customer's own email is kept as it arrived; only notes written here are redacted.",
    })
  }
  if (redactedBody === note.body)
    return refuse({ field: 'redactedBody', message: 'Nothing was removed from the note.' })
  return single(ctx, ticket, 'note_redacted', { noteId, redactedBody, reason })
}
