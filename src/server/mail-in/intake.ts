/**
 * Email in, the database side: one received message becomes, in ONE transaction under the
 * event-log lock, its `mail_in` row (keyed by Message-ID, or the message's hash without one), its
 * events and its kept attachments. A message delivered again — the sending MTA retries after a
 * lost reply, or after this process died before committing — finds its row and changes nothing,
 * so it is never turned into two tickets; one that died before the commit left nothing behind and
 * is simply taken again. Automatic messages get a row too (outcome `ignored`), and open nothing.
 */
import { uuidv7 } from '../../shared/ids'
import {
  openFromEmail,
  quotedTicketNumbers,
  maySendByNumber,
  receiveCustomerMessage,
  repliedNoteIds,
  type InboundMessage,
} from '../../shared/incident/email-in'
import type { Caller, CommandContext, Ticket, TicketEvent } from '../../shared/incident'
import { SERVER_ACTOR, SERVER_STATION } from '../accounts'
import type { Database, Queryable } from '../db/database'
import { commitEvents, withEventLog, type CommitOutcome } from '../events/event-log'
import { nextServerNumber } from '../monitoring'
import type { ReadMessage } from './read'

export type MailInOutcome =
  | { outcome: 'opened' | 'threaded'; ticketId: string; number: string }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'duplicate' }

/** Where the crash tests stop: everything written, the transaction not yet committed. */
export type MailInHook = (messageKey: string) => Promise<void> | void

async function ticketsById(tx: Queryable, ids: readonly string[]): Promise<Ticket[]> {
  if (!ids.length) return []
  const rows = await tx.query<{ id: string; body: Ticket | null }>(
    'SELECT id, body FROM tickets WHERE id = ANY($1::uuid[])',
    [ids],
  )
  const byId = new Map(rows.map((r) => [r.id, r.body]))
  return ids.flatMap((id) => byId.get(id) ?? [])
}

/**
 * The ticket a message belongs to: the one whose email (Warmline's Message-ID) or whose earlier
 * customer email it answers, else one whose number the subject quotes — that last only for its
 * caller or a sender already on it (see `maySendByNumber`).
 */
async function threadTarget(tx: Queryable, message: InboundMessage): Promise<Ticket | undefined> {
  const noteIds = repliedNoteIds(message.replyTo)
  const byOurMail = noteIds.length
    ? await tx.query<{ ticket_id: string }>(
        'SELECT ticket_id FROM mail_outbox WHERE note_id = ANY($1::uuid[])',
        [noteIds],
      )
    : []
  const byTheirMail = message.replyTo.length
    ? await tx.query<{ ticket_id: string }>(
        'SELECT ticket_id FROM mail_in WHERE message_key = ANY($1::text[]) AND ticket_id IS NOT NULL',
        [message.replyTo],
      )
    : []
  const [replied] = await ticketsById(
    tx,
    [...byOurMail, ...byTheirMail].map((r) => r.ticket_id),
  )
  if (replied) return replied
  const numbers = quotedTicketNumbers(message.subject)
  if (!numbers.length) return undefined
  const quoted = await tx.query<{ ticket_id: string }>(
    `SELECT ticket_id FROM ticket_numbers WHERE number = ANY($1::text[])
     UNION SELECT id FROM tickets WHERE number = ANY($1::text[])`,
    [numbers],
  )
  for (const ticket of await ticketsById(tx, [...new Set(quoted.map((r) => r.ticket_id))])) {
    const senders = await tx.query<{ sender: string }>(
      'SELECT DISTINCT sender FROM mail_in WHERE ticket_id = $1::uuid',
      [ticket.id],
    )
    if (
      maySendByNumber(
        ticket,
        message.from,
        senders.map((r) => r.sender),
      )
    )
      return ticket
  }
  return undefined
}

/** The sender as the directory knows them, when exactly one caller has that address. */
async function directoryCaller(tx: Queryable, address: string): Promise<Caller | undefined> {
  if (!address) return undefined
  const rows = await tx.query<{ body: Record<string, string> }>(
    `SELECT body FROM callers WHERE lower(body->>'email') = $1 LIMIT 2`,
    [address],
  )
  if (rows.length !== 1) return undefined
  const { id, name, phone, email, username, department, role } = rows[0]!.body
  const present = (value: string | undefined) => (value ? value : undefined)
  return Object.fromEntries(
    Object.entries({
      callerId: id,
      name,
      phone: present(phone),
      email: present(email),
      username: present(username),
      department: present(department),
      role: present(role),
    }).filter(([, value]) => value !== undefined),
  ) as Caller
}

function serverContext(now: number, nextHlc: () => string): CommandContext {
  return {
    actor: SERVER_ACTOR,
    station: SERVER_STATION,
    now: () => now,
    nextHlc,
    newId: () => uuidv7(now),
  }
}

export async function receiveMail(
  db: Database,
  read: ReadMessage,
  nextHlc: (now: number, after?: string) => string,
  beforeCommit?: MailInHook,
): Promise<{ result: MailInOutcome; commit: CommitOutcome | null }> {
  const { message } = read
  const now = message.receivedAt
  const key = message.messageId
  return withEventLog(db, async (tx, policy) => {
    const [seen] = await tx.query('SELECT 1 FROM mail_in WHERE message_key = $1', [key])
    if (seen) return { result: { outcome: 'duplicate' }, commit: null }
    const record = (outcome: string, ticketId: string | null, reason: string | null) =>
      tx.query(
        `INSERT INTO mail_in (message_key, sender, subject, received_at, outcome, reason, ticket_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7::uuid)`,
        [key, message.from, message.subject, now, outcome, reason, ticketId],
      )
    if (read.automatic) {
      await record('ignored', null, read.automatic)
      await beforeCommit?.(key)
      return { result: { outcome: 'ignored', reason: read.automatic }, commit: null }
    }
    const target = await threadTarget(tx, message)
    const threaded =
      target && target.state !== 'closed'
        ? receiveCustomerMessage(
            target,
            message,
            serverContext(now, () => nextHlc(now, target.lastEventKey.split('|')[0])),
          )
        : null
    const made =
      threaded ??
      openFromEmail(
        message,
        await directoryCaller(tx, message.from),
        await nextServerNumber(tx),
        serverContext(now, () => nextHlc(now)),
        target?.number,
      )
    // The message was read into storable text, so a refusal here is a bug of ours, not the mail's.
    if (!made.ok) throw new Error(`An email made no events: ${JSON.stringify(made.errors)}`)
    const events: TicketEvent[] = made.events
    const commit = await commitEvents(tx, events, now, policy)
    for (const event of events) {
      const status = commit.results.get(event.id)?.status
      if (status !== 'applied') throw new Error(`The server's own event was ${status}.`)
    }
    const ticketId = events[0]!.ticketId
    await record(threaded ? 'threaded' : 'opened', ticketId, null)
    for (const [id, file] of read.contents) {
      await tx.query(
        `INSERT INTO mail_in_attachments (id, message_key, ticket_id, name, content_type, size, content)
         VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6, $7)`,
        [id, key, ticketId, file.name, file.type, file.content.length, file.content],
      )
    }
    await beforeCommit?.(key)
    const opening = events[0]!
    const number = opening.type === 'opened' ? opening.payload.number : target!.number
    return {
      result: { outcome: threaded ? 'threaded' : 'opened', ticketId, number },
      commit,
    }
  })
}
