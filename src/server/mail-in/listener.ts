/**
 * The server's own SMTP listener for the service desk's address (email in). The site's mail
 * server (MTA) forwards the desk's mail to it; it speaks SMTP with the SIZE extension, so an
 * oversized message is refused in the conversation (552) and stays the MTA's to bounce.
 *
 * A message is answered 250 only once its transaction has committed (or it was already stored),
 * so what the MTA considers delivered is never lost; any failure before that is a 451, and the
 * MTA delivers again later — the Message-ID row makes that second delivery harmless. Nothing a
 * client sends ends the process: every socket error is logged, and replies are the protocol's.
 */
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import { errorFields, type Logger } from '../log'
import type { CommitOutcome } from '../events/event-log'
import type { Database } from '../db/database'
import { receiveMail, type MailInHook } from './intake'
import { readMessage } from './read'

export interface MailInOptions {
  port: number
  /** Default 127.0.0.1: the MTA forwards from this machine; beyond it is a deliberate choice. */
  host?: string
  /** SMTP SIZE: larger messages are refused with 552. Default 10 MiB. */
  maxMessageBytes?: number
  /** Attachments larger than this are listed by name and size but not kept. Default 5 MiB. */
  maxAttachmentBytes?: number
  /** Crash tests: runs inside the transaction, after everything is written, before the commit. */
  beforeCommit?: MailInHook
  /** Crash tests: runs after the commit, before the 250 is sent. */
  afterCommit?: MailInHook
}

export interface MailInDeps {
  db: Database
  now: () => number
  nextHlc: (now: number, after?: string) => string
  logger: Logger
  committed(commit: CommitOutcome): void
}

export interface MailInListener {
  port: number
  close(): Promise<void>
}

export const DEFAULT_MAIL_IN_MAX_MESSAGE_BYTES = 10 * 1024 * 1024
export const DEFAULT_MAIL_IN_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

const smtpError = (responseCode: number, message: string) =>
  Object.assign(new Error(message), { responseCode })

export async function startMailIn(
  options: MailInOptions,
  deps: MailInDeps,
): Promise<MailInListener> {
  const { logger } = deps
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAIL_IN_MAX_MESSAGE_BYTES
  const maxAttachmentBytes = options.maxAttachmentBytes ?? DEFAULT_MAIL_IN_MAX_ATTACHMENT_BYTES

  async function take(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const mailFrom = session.envelope.mailFrom
    const read = await readMessage(raw, mailFrom ? mailFrom.address : '', deps.now(), {
      maxAttachmentBytes,
    })
    const { result, commit } = await receiveMail(deps.db, read, deps.nextHlc, options.beforeCommit)
    if (commit) deps.committed(commit)
    const fields = { messageId: read.message.messageId, from: read.message.from }
    if (result.outcome === 'ignored')
      logger.log('info', 'mail in: an automatic message opened nothing', {
        ...fields,
        reason: result.reason,
      })
    else logger.log('info', `mail in: ${result.outcome}`, { ...fields, ...result })
    await options.afterCommit?.(read.message.messageId)
  }

  const server = new SMTPServer({
    name: 'warmline',
    banner: 'Warmline service desk mail in',
    size: maxMessageBytes,
    // The MTA on this machine hands mail over; no sign-in, no TLS on loopback.
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    maxClients: 50,
    logger: false,
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = []
      let bytes = 0
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length
        // Past the limit nothing more is kept; smtp-server reads on to the end of DATA.
        if (bytes <= maxMessageBytes) chunks.push(chunk)
      })
      stream.on('error', (error) => {
        logger.log('warn', 'mail in: the message stream failed', errorFields(error))
      })
      stream.once('end', () => {
        if (stream.sizeExceeded || bytes > maxMessageBytes) {
          callback(smtpError(552, `5.3.4 Message too big: at most ${maxMessageBytes} bytes`))
          return
        }
        take(Buffer.concat(chunks), session).then(
          () => callback(),
          (error: unknown) => {
            logger.log('error', 'mail in: a message could not be stored', errorFields(error))
            callback(smtpError(451, '4.3.0 Could not store the message now; try again later'))
          },
        )
      })
    },
  })
  server.on('error', (error) => logger.log('warn', 'mail in: connection error', errorFields(error)))

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject)
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.server.off('error', reject)
      resolve()
    })
  })
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  logger.log('info', 'mail in listening', { host: options.host ?? '127.0.0.1', port })
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
