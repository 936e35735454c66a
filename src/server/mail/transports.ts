/**
 * Where customer emails go: an SMTP server, or `.eml` files in a folder when none is configured.
 *
 * The SMTP conversation is driven step by step (nodemailer's SMTPConnection rather than its
 * transport, which hides the steps), so the mailer can record how far a send got: a message can
 * only have been accepted once the final `.` of DATA was written.
 */
import { existsSync } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import nodemailer from 'nodemailer'
import { parseConnectionUrl } from 'nodemailer/lib/shared'
import SMTPConnection from 'nodemailer/lib/smtp-connection'

export interface OutgoingMail {
  noteId: string
  /** Deterministic per note, so a message can be found in the mail server's logs by note id. */
  messageId: string
  from: string
  to: string[]
  cc: string[]
  subject: string
  text: string
}

/** What a transport reports while it sends, so the mailer can record each step before the next. */
export interface SendProgress {
  /** The mail server greeted and answered EHLO; nothing has been handed over yet. */
  connected(): Promise<void>
  /**
   * Runs before the final `.` of DATA is written: until then no server can have accepted the
   * message, and from then on it may have. If this throws, the `.` is never written.
   */
  beforeFinalDot(): Promise<void>
}

export interface MailTransport {
  readonly name: string
  send(mail: OutgoingMail, progress: SendProgress): Promise<void>
  /**
   * After a crash during a send: whether the message demonstrably went out. A transport that
   * cannot tell leaves this out, and the mailer judges by the step the send had reached.
   */
  delivered?(noteId: string): Promise<boolean>
}

/** How a failed send is handled: try again later, give up, or leave it to a person. */
export type SendFailure = 'retry' | 'permanent' | 'uncertain'

/**
 * `handedOver`: whether the final `.` may have been written. Before it, nothing can have been
 * accepted, so anything but a permanent refusal is retried; after it, only the server's own
 * answer tells, and a broken connection leaves the outcome unknown.
 */
export function classifySendError(error: unknown, handedOver: boolean): SendFailure {
  const e = error as { responseCode?: number }
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 ? 'permanent' : 'retry'
  return handedOver ? 'uncertain' : 'retry'
}

// Unix line ends, as `.eml` files always had; SMTPConnection writes CRLF on the wire.
const composer = nodemailer.createTransport({
  streamTransport: true,
  buffer: true,
  newline: 'unix',
})

/** The message as bytes and its envelope. */
async function render(mail: OutgoingMail): Promise<{ raw: Buffer; from: string; to: string[] }> {
  const info = await composer.sendMail({
    messageId: mail.messageId,
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    text: mail.text,
    headers: { 'X-Warmline-Note-Id': mail.noteId },
  })
  const envelope = info.envelope as { from: string; to: string[] }
  return { raw: info.message as Buffer, from: envelope.from, to: envelope.to }
}

export function smtpTransport(url: string, timeoutMs = 30_000): MailTransport {
  const { auth, ...server } = parseConnectionUrl(url)
  return {
    name: 'smtp',
    async send(mail, progress) {
      const { raw, from, to } = await render(mail)
      const connection = new SMTPConnection({
        ...server,
        connectionTimeout: timeoutMs,
        greetingTimeout: timeoutMs,
        socketTimeout: timeoutMs,
      })
      // Errors outside a command's callback (a reset socket, a timeout) arrive as events.
      const broken = new Promise<never>((_, reject) => {
        connection.once('error', reject)
        connection.once('end', () => reject(new Error('The mail server closed the connection.')))
      })
      broken.catch(() => {})
      const step = <T>(run: (done: (error: Error | null | undefined, value?: T) => void) => void) =>
        Promise.race([
          new Promise<T | undefined>((resolve, reject) =>
            run((error, value) => (error ? reject(error) : resolve(value))),
          ),
          broken,
        ])
      try {
        await step((done) => connection.connect(done))
        await progress.connected()
        if (auth && connection.allowsAuth) await step((done) => connection.login(auth, done))
        // Read only after the server answered DATA with 354; ends (and so writes the `.`) only
        // once beforeFinalDot has settled.
        const body = Readable.from(
          (async function* () {
            yield raw
            await progress.beforeFinalDot()
          })(),
        )
        await step((done) => connection.send({ from, to }, body, done))
      } finally {
        connection.close()
      }
    },
  }
}

/** One `<note id>.eml` per note, written whole (temp file, then rename): its presence is proof. */
export function fileTransport(dir: string): MailTransport {
  const fileOf = (noteId: string) => join(dir, `${noteId}.eml`)
  return {
    name: 'eml-files',
    async send(mail) {
      const { raw } = await render(mail)
      await mkdir(dir, { recursive: true })
      const temp = `${fileOf(mail.noteId)}.tmp`
      await writeFile(temp, raw)
      await rename(temp, fileOf(mail.noteId))
    },
    delivered: async (noteId) => existsSync(fileOf(noteId)),
  }
}
