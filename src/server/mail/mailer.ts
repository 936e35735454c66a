/**
 * The mail outbox worker. Push queues one row per emailed customer note (keyed by note id, in the
 * note's own transaction); this loop sends them.
 *
 * The guarantee: an email is sent at most once, and in every case but one exactly once.
 *   claim:  the row becomes `sending` (attempt n, this process, now) in its own committed statement
 *   send:   over SMTP with a Message-ID derived from the note id
 *   mark:   `sent`
 * A send the server refused (an SMTP status, or no connection at all) is retried with backoff; a
 * 5xx refusal is final (`failed`). If the process dies between claim and mark, or the connection
 * breaks mid-conversation, nobody can know whether the SMTP server took the message: such a row
 * becomes `unconfirmed` and is never resent automatically, because "never twice" is the promise
 * to the customer. An administrator checks the mail server's log for the Message-ID
 * (`<warmline.note.<note id>@…>`) and, if it is not there, resends it (`npm run admin -- resend-mail
 * NOTE_ID`). The `.eml` folder transport can check for itself (the file is there or not), so there
 * a crash between send and mark costs nothing: the row is marked sent or sent again.
 *
 * Several server processes can run this loop on one database: claiming uses SKIP LOCKED, and a
 * `sending` row is considered abandoned only once its claim is older than the lease.
 */
import type { Ticket, TicketEvent } from '../../shared/incident'
import type { Database } from '../db/database'
import { errorFields, type Logger } from '../log'
import type { MailTransport, OutgoingMail } from './transports'
import { classifySendError } from './transports'

export interface MailerOptions {
  db: Database
  transport: MailTransport
  from: string
  logger: Logger
  now: () => number
  /** Identifies this process's claims. */
  instanceId: string
  /** A claim older than this whose process is gone is recovered. Longer than any send can take. */
  leaseMs?: number
  pollMs?: number
  maxAttempts?: number
  backoffMs?: number
  /** Runs after the SMTP server accepted a message and before it is marked sent (crash tests). */
  afterSend?: (noteId: string) => Promise<void> | void
}

export interface Mailer {
  /** Look at the outbox now (a note was just queued). */
  wake(): void
  stop(): Promise<void>
}

const BATCH = 10
const MAX_BACKOFF_MS = 15 * 60_000

interface Claimed extends Record<string, unknown> {
  note_id: string
  attempts: number
  event: TicketEvent
  ticket: Ticket | null
}

export function messageIdFor(noteId: string, from: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'warmline.invalid'
  return `<warmline.note.${noteId}@${domain}>`
}

/** The email for a claimed row, or why there is none to send (yet). */
function compose(row: Claimed, from: string): OutgoingMail | { wait: string } | { cancel: string } {
  if (row.event.type !== 'customer_note_added') return { cancel: 'Not a customer note.' }
  if (!row.ticket) return { wait: 'The ticket has not been opened on the server yet.' }
  const note = row.ticket.notes.find((n) => n.id === row.note_id && n.kind === 'customer')
  if (!note)
    return { cancel: 'The note was not applied to the ticket (a conflict in its history).' }
  // Rule 11: a note redacted before it went out is sent as redacted; one redacted to nothing, not at all.
  if (note.body.trim() === '')
    return { cancel: 'The note was redacted to nothing before it was sent.' }
  const { sendEmailTo, customerEmail } = row.event.payload
  const customer = customerEmail ?? row.ticket.caller.email
  const to = sendEmailTo.customer && customer ? [customer] : []
  if (!to.length && !sendEmailTo.cc.length)
    return { cancel: 'The note has no email address to go to.' }
  return {
    noteId: row.note_id,
    messageId: messageIdFor(row.note_id, from),
    from,
    to,
    cc: sendEmailTo.cc,
    subject: `[${row.ticket.number}] ${row.ticket.title}`,
    // The note as it stands now: a redaction made before sending is honoured.
    text: `${note.body}\n\n--\nService Desk, ticket ${row.ticket.number}. Please quote this number when you reply or call us.\n`,
  }
}

export function startMailer(options: MailerOptions): Mailer {
  const { db, transport, from, logger, now, instanceId } = options
  const leaseMs = options.leaseMs ?? 10 * 60_000
  const pollMs = options.pollMs ?? 5_000
  const maxAttempts = options.maxAttempts ?? 10
  const backoffMs = options.backoffMs ?? 5_000

  const mark = (
    noteId: string,
    status: string,
    fields: { error?: string; nextAttemptAt?: number } = {},
  ) =>
    db.query(
      `UPDATE mail_outbox SET status = $3, last_error = coalesce($4, last_error),
         next_attempt_at = coalesce($5, next_attempt_at), sent_at = CASE WHEN $3 = 'sent' THEN $6::int8 ELSE sent_at END
       WHERE note_id = $1 AND claimed_by = $2 AND status = 'sending'`,
      [noteId, instanceId, status, fields.error ?? null, fields.nextAttemptAt ?? null, now()],
    )

  async function recoverAbandoned(): Promise<void> {
    const rows = await db.query<{ note_id: string; claimed_at: number }>(
      `SELECT note_id, claimed_at FROM mail_outbox WHERE status = 'sending' AND claimed_by <> $1 AND claimed_at < $2`,
      [instanceId, now() - leaseMs],
    )
    for (const row of rows) {
      const verdict = transport.delivered
        ? (await transport.delivered(row.note_id))
          ? 'sent'
          : 'pending'
        : 'unconfirmed'
      const updated = await db.query(
        `UPDATE mail_outbox SET status = $3, last_error = $4, sent_at = CASE WHEN $3 = 'sent' THEN $5::int8 ELSE sent_at END
          WHERE note_id = $1 AND status = 'sending' AND claimed_at = $2 RETURNING note_id`,
        [
          row.note_id,
          row.claimed_at,
          verdict,
          'The process sending this email stopped before it was marked sent.',
          now(),
        ],
      )
      if (updated.length && verdict === 'unconfirmed') {
        logger.log(
          'warn',
          'mail unconfirmed: check the mail server log, then resend if it is not there',
          {
            noteId: row.note_id,
            messageId: messageIdFor(row.note_id, from),
          },
        )
      }
    }
  }

  async function claim(): Promise<Claimed[]> {
    const claimed = await db.query<{ note_id: string }>(
      `UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, claimed_by = $1, claimed_at = $2
        WHERE note_id IN (SELECT note_id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= $2
                          ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING note_id`,
      [instanceId, now(), BATCH],
    )
    if (!claimed.length) return []
    return db.query<Claimed>(
      `SELECT o.note_id, o.attempts, e.body AS event, t.body AS ticket
         FROM mail_outbox o JOIN events e ON e.id = o.event_id LEFT JOIN tickets t ON t.id = o.ticket_id
        WHERE o.note_id = ANY($1::uuid[]) ORDER BY o.created_at`,
      [claimed.map((c) => c.note_id)],
    )
  }

  const retryLater = (row: Claimed, error: string) =>
    row.attempts >= maxAttempts
      ? mark(row.note_id, 'failed', { error })
      : mark(row.note_id, 'pending', {
          error,
          nextAttemptAt: now() + Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (row.attempts - 1)),
        })

  async function deliver(row: Claimed): Promise<void> {
    const mail = compose(row, from)
    if ('cancel' in mail) return void (await mark(row.note_id, 'cancelled', { error: mail.cancel }))
    if ('wait' in mail) return void (await retryLater(row, mail.wait))
    try {
      await transport.send(mail)
    } catch (error) {
      const failure = classifySendError(error)
      const message = error instanceof Error ? error.message : String(error)
      logger.log(failure === 'retry' ? 'warn' : 'error', `mail send failed (${failure})`, {
        noteId: row.note_id,
        error: message,
      })
      if (failure === 'retry') await retryLater(row, message)
      else
        await mark(row.note_id, failure === 'permanent' ? 'failed' : 'unconfirmed', {
          error: message,
        })
      return
    }
    await options.afterSend?.(row.note_id)
    await mark(row.note_id, 'sent')
    logger.log('info', 'mail sent', {
      noteId: row.note_id,
      transport: transport.name,
      to: mail.to.length,
      cc: mail.cc.length,
    })
  }

  async function runOnce(): Promise<void> {
    await recoverAbandoned()
    for (let batch = await claim(); batch.length; batch = await claim()) {
      for (const row of batch) await deliver(row)
    }
  }

  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | null = null
  let again = false
  let stopped = false
  const run = (): void => {
    if (stopped) return
    if (running) {
      again = true
      return
    }
    clearTimeout(timer)
    running = runOnce()
      .catch((error: unknown) => logger.log('error', 'mail outbox run failed', errorFields(error)))
      .finally(() => {
        running = null
        if (again) {
          again = false
          run()
        } else if (!stopped) timer = setTimeout(run, pollMs).unref()
      })
  }
  run()
  return {
    wake: run,
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
