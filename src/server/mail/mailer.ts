/**
 * The mail outbox worker. Push queues one row per emailed customer note (keyed by note id, in the
 * note's own transaction); this loop sends them.
 *
 * The guarantee: an email is never sent twice, and it is sent exactly once unless the process or
 * the connection dies in the one window where nobody can know the outcome. Each step is committed
 * to the row before the next one starts (`phase`):
 *   claimed:    the row is `sending` (attempt n, this process, a lease) — no connection yet
 *   connected:  the mail server greeted and answered EHLO — nothing handed over yet
 *   data_sent:  committed after the server's 354 and BEFORE the final `.` of DATA is written;
 *               only from here on can the server have accepted the message
 *   accepted:   the server answered the `.` with 2xx; the row is `sent`
 * A process that died in `claimed` or `connected` cannot have delivered anything (no server
 * accepts a message whose DATA was never ended): once its lease runs out, another process (or the
 * restarted one) sends it again. A row left in `data_sent` (the process died, or the connection
 * broke, between the `.` and the server's answer) becomes `unconfirmed` and is never resent
 * automatically: an administrator checks the mail server's log for its Message-ID
 * (`<warmline.note.<note id>@…>`) and resends it (`npm run admin -- resend-mail NOTE_ID`) or
 * confirms it (`confirm-mail`). A death after the 2xx but before `sent` was committed is in that
 * same window: the reply died with the process. Refusals (an SMTP status) are retried with
 * backoff; a 5xx is final (`failed`). The `.eml` folder transport checks for itself (the file is
 * there or not), so there a crash at any step resolves itself.
 *
 * Several server processes share one database: a claim is one conditional UPDATE over SKIP LOCKED,
 * and every later write names the claim (process and attempt), so a process whose claim was taken
 * over writes nothing. The `data_sent` write is that check for the one step that matters: a
 * sender that lost its claim never writes the `.`, and a `data_sent` row is never claimed again,
 * so at most one sender ever reaches the `.`. The lease (short) is renewed while a send is in
 * progress, so a slow mail server does not get a second sender.
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
  /** How long a claim holds without renewal; renewed every third of it while a send runs. */
  leaseMs?: number
  pollMs?: number
  maxAttempts?: number
  backoffMs?: number
  /**
   * Runs after each step is committed, and (`replied`) after the server accepted a message but
   * before it is marked sent: where crash tests stop the process.
   */
  onStep?: (noteId: string, step: MailStep) => Promise<void> | void
}

export interface Mailer {
  /** Look at the outbox now (a note was just queued). */
  wake(): void
  stop(): Promise<void>
}

export type MailPhase = 'claimed' | 'connected' | 'data_sent' | 'accepted'
export type MailStep = Exclude<MailPhase, 'accepted'> | 'replied'

const MAX_BACKOFF_MS = 15 * 60_000
/** Claimed before this release's phases: such a row's process may have been anywhere in a send. */
const LEGACY_LEASE_MS = 10 * 60_000

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
  const leaseMs = options.leaseMs ?? 30_000
  const pollMs = options.pollMs ?? 5_000
  const maxAttempts = options.maxAttempts ?? 10
  const backoffMs = options.backoffMs ?? 5_000

  /** Ends a claim. `sent` may also follow `unconfirmed`: a reply that came after all is news. */
  const mark = (
    row: Claimed,
    status: 'pending' | 'sent' | 'failed' | 'cancelled' | 'unconfirmed',
    fields: { error?: string; nextAttemptAt?: number } = {},
  ) =>
    db.query(
      `UPDATE mail_outbox SET status = $4, last_error = coalesce($5, last_error),
         next_attempt_at = coalesce($6, next_attempt_at),
         phase = CASE $4 WHEN 'sent' THEN 'accepted' WHEN 'pending' THEN NULL ELSE phase END,
         sent_at = CASE WHEN $4 = 'sent' THEN $7::int8 ELSE sent_at END, lease_until = NULL
       WHERE note_id = $1 AND claimed_by = $2 AND attempts = $3
         AND (status = 'sending' OR ($4 = 'sent' AND status = 'unconfirmed'))`,
      [
        row.note_id,
        instanceId,
        row.attempts,
        status,
        fields.error ?? null,
        fields.nextAttemptAt ?? null,
        now(),
      ],
    )

  /** Commits a step of this claim (and renews its lease); false if the claim is no longer ours. */
  async function advance(row: Claimed, phase: MailPhase | null): Promise<boolean> {
    const updated = await db.query(
      `UPDATE mail_outbox SET phase = coalesce($4, phase), lease_until = $5
        WHERE note_id = $1 AND claimed_by = $2 AND attempts = $3 AND status = 'sending'
        RETURNING note_id`,
      [row.note_id, instanceId, row.attempts, phase, now() + leaseMs],
    )
    return updated.length > 0
  }

  async function recoverAbandoned(): Promise<void> {
    const rows = await db.query<{
      note_id: string
      claimed_by: string | null
      attempts: number
      phase: MailPhase | null
    }>(
      `SELECT note_id, claimed_by, attempts, phase FROM mail_outbox
        WHERE status = 'sending' AND coalesce(lease_until, claimed_at + $2) < $1`,
      [now(), LEGACY_LEASE_MS],
    )
    for (const row of rows) {
      // The verdict holds only for the row as read: the WHERE below re-checks phase and lease,
      // so a live sender that reached data_sent (or renewed) meanwhile keeps its claim.
      const handedOver = row.phase !== 'claimed' && row.phase !== 'connected'
      const verdict = transport.delivered
        ? (await transport.delivered(row.note_id))
          ? 'sent'
          : 'pending'
        : handedOver
          ? 'unconfirmed'
          : 'pending'
      const updated = await db.query(
        `UPDATE mail_outbox SET status = $4, last_error = $5, next_attempt_at = $6, lease_until = NULL,
           phase = CASE $4 WHEN 'sent' THEN 'accepted' WHEN 'pending' THEN NULL ELSE phase END,
           sent_at = CASE WHEN $4 = 'sent' THEN $6::int8 ELSE sent_at END
          WHERE note_id = $1 AND status = 'sending' AND claimed_by IS NOT DISTINCT FROM $2 AND attempts = $3
            AND phase IS NOT DISTINCT FROM $7 AND coalesce(lease_until, claimed_at + $8) < $6
          RETURNING note_id`,
        [
          row.note_id,
          row.claimed_by,
          row.attempts,
          verdict,
          verdict === 'unconfirmed'
            ? 'The sending process stopped after handing the message over, before the mail server answered.'
            : 'The sending process stopped before handing the message over.',
          now(),
          row.phase,
          LEGACY_LEASE_MS,
        ],
      )
      if (!updated.length) continue
      if (verdict === 'unconfirmed') {
        logger.log(
          'warn',
          'mail unconfirmed: check the mail server log, then resend if it is not there',
          { noteId: row.note_id, messageId: messageIdFor(row.note_id, from) },
        )
      } else {
        logger.log('info', `mail recovered from a stopped sender (${verdict})`, {
          noteId: row.note_id,
          phase: row.phase,
        })
      }
    }
  }

  /** One row at a time: a claim's lease is renewed only while its own send runs. */
  async function claim(): Promise<Claimed | undefined> {
    const [claimed] = await db.query<{ note_id: string }>(
      `UPDATE mail_outbox SET status = 'sending', attempts = attempts + 1, claimed_by = $1,
              claimed_at = $2, phase = 'claimed', lease_until = $3
        WHERE note_id = (SELECT note_id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= $2
                          ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING note_id`,
      [instanceId, now(), now() + leaseMs],
    )
    if (!claimed) return undefined
    const [row] = await db.query<Claimed>(
      `SELECT o.note_id, o.attempts, e.body AS event, t.body AS ticket
         FROM mail_outbox o JOIN events e ON e.id = o.event_id LEFT JOIN tickets t ON t.id = o.ticket_id
        WHERE o.note_id = $1::uuid`,
      [claimed.note_id],
    )
    return row
  }

  const retryLater = (row: Claimed, error: string) =>
    row.attempts >= maxAttempts
      ? mark(row, 'failed', { error })
      : mark(row, 'pending', {
          error,
          nextAttemptAt: now() + Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (row.attempts - 1)),
        })

  async function deliver(row: Claimed): Promise<void> {
    await options.onStep?.(row.note_id, 'claimed')
    const mail = compose(row, from)
    if ('cancel' in mail) return void (await mark(row, 'cancelled', { error: mail.cancel }))
    if ('wait' in mail) return void (await retryLater(row, mail.wait))
    let handedOver = false
    let lost = false
    const step = async (phase: MailPhase, hook: MailStep) => {
      if (!(await advance(row, phase))) {
        lost = true
        throw new Error('This process no longer holds the claim on this email.')
      }
      await options.onStep?.(row.note_id, hook)
    }
    const renewal = setInterval(() => {
      advance(row, null).then(
        (held) => void (lost ||= !held),
        (error: unknown) => logger.log('warn', 'mail lease renewal failed', errorFields(error)),
      )
    }, leaseMs / 3)
    try {
      await transport.send(mail, {
        connected: () => step('connected', 'connected'),
        beforeFinalDot: async () => {
          await step('data_sent', 'data_sent')
          handedOver = true
        },
      })
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      if (lost) {
        logger.log('warn', 'mail send abandoned: another process took the claim over', {
          noteId: row.note_id,
        })
        return
      }
      const failure = classifySendError(error, handedOver)
      logger.log(failure === 'retry' ? 'warn' : 'error', `mail send failed (${failure})`, {
        noteId: row.note_id,
        error: message,
      })
      if (failure === 'retry') await retryLater(row, message)
      else await mark(row, failure === 'permanent' ? 'failed' : 'unconfirmed', { error: message })
      return
    } finally {
      clearInterval(renewal)
    }
    await options.onStep?.(row.note_id, 'replied')
    await mark(row, 'sent')
    logger.log('info', 'mail sent', {
      noteId: row.note_id,
      transport: transport.name,
      to: mail.to.length,
      cc: mail.cc.length,
    })
  }

  async function runOnce(): Promise<void> {
    await recoverAbandoned()
    for (let row = await claim(); row; row = await claim()) await deliver(row)
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
