/** Where customer emails go: an SMTP server, or `.eml` files in a folder when none is configured. */
import { existsSync } from 'node:fs'
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import nodemailer from 'nodemailer'

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

export interface MailTransport {
  readonly name: string
  send(mail: OutgoingMail): Promise<void>
  /**
   * After a crash between sending and marking: whether the message demonstrably went out. A
   * transport that cannot tell leaves this out, and the mail is then never resent automatically.
   */
  delivered?(noteId: string): Promise<boolean>
}

/** How a failed send is handled: try again later, give up, or leave it to a person. */
export type SendFailure = 'retry' | 'permanent' | 'uncertain'

/** System errors that mean no connection was made, so no message can have been handed over. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EDNS',
])

export function classifySendError(error: unknown): SendFailure {
  const e = error as { responseCode?: number; code?: string; originalCode?: string }
  // The server answered with a status: the message was refused, not accepted.
  if (typeof e.responseCode === 'number') return e.responseCode >= 500 ? 'permanent' : 'retry'
  if (NOT_CONNECTED.has(e.originalCode ?? '') || NOT_CONNECTED.has(e.code ?? '')) return 'retry'
  // A connection that broke or timed out mid-conversation may have broken after the server took
  // the message: resending could send it twice.
  return 'uncertain'
}

function message(mail: OutgoingMail) {
  return {
    messageId: mail.messageId,
    from: mail.from,
    to: mail.to,
    cc: mail.cc,
    subject: mail.subject,
    text: mail.text,
    headers: { 'X-Warmline-Note-Id': mail.noteId },
  }
}

export function smtpTransport(url: string, timeoutMs = 30_000): MailTransport {
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  })
  return {
    name: 'smtp',
    async send(mail) {
      await transport.sendMail(message(mail))
    },
  }
}

/** One `<note id>.eml` per note, written whole (temp file, then rename): its presence is proof. */
export function fileTransport(dir: string): MailTransport {
  const compose = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  })
  const fileOf = (noteId: string) => join(dir, `${noteId}.eml`)
  return {
    name: 'eml-files',
    async send(mail) {
      const info = await compose.sendMail(message(mail))
      await mkdir(dir, { recursive: true })
      const temp = `${fileOf(mail.noteId)}.tmp`
      await writeFile(temp, info.message as Buffer)
      await rename(temp, fileOf(mail.noteId))
    },
    delivered: async (noteId) => existsSync(fileOf(noteId)),
  }
}
