/**
 * A raw message as received over SMTP → what the intake decides on (shared/incident/email-in.ts).
 * MIME is parsed by mailparser; every piece of text then goes through `storableText`, so a message
 * with NUL bytes, lone surrogates, broken charsets or a megabyte of header is read like any other
 * and stored as far as it can be, never refused for its text. A message mailparser cannot parse
 * at all is kept as its raw text, so nothing a customer sent is lost.
 */
import { createHash } from 'node:crypto'
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser'
import { uuidv7 } from '../../shared/ids'
import { automaticReason, type InboundMessage } from '../../shared/incident/email-in'
import { storableText } from '../../shared/text'

export interface ReadMessage {
  message: InboundMessage
  /** Why it is a machine's message (opens nothing), or null. */
  automatic: string | null
  /** The kept attachments' content by attachment id. */
  contents: Map<string, { content: Buffer; name: string; type: string }>
}

export interface ReadLimits {
  /** An attachment larger than this is listed with its name and size but not kept. */
  maxAttachmentBytes: number
}

const NOTE_MAX = 20000
const MAX_REFERENCES = 50

/** A header's unparsed value, unfolded (mailparser's parsed forms differ from header to header). */
function headerText(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((h) => h.key === name)?.line
  if (line === undefined) return undefined
  return line
    .slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim()
}

const MESSAGE_ID = /<[^<>\s]{1,998}>/g

function messageIds(value: string | string[] | undefined): string[] {
  const text = Array.isArray(value) ? value.join(' ') : (value ?? '')
  return [...text.matchAll(MESSAGE_ID)].map((m) => m[0])
}

function firstAddress(from: AddressObject | undefined): { address: string; name: string } {
  const first = from?.value[0]
  return { address: first?.address ?? '', name: first?.name ?? '' }
}

const isAddress = (value: string) => /^[^\s@<>]{1,200}@[^\s@<>]{1,200}$/.test(value)

export async function readMessage(
  raw: Buffer,
  envelopeFrom: string,
  receivedAt: number,
  limits: ReadLimits,
): Promise<ReadMessage> {
  const hash = `sha256:${createHash('sha256').update(raw).digest('hex')}`
  let parsed: ParsedMail
  try {
    parsed = await simpleParser(raw, {
      skipTextToHtml: true,
      skipImageLinks: true,
      // HTML-only mail is turned into text; a giant one is not worth the CPU of the shared server.
      maxHtmlLengthToParse: 2_000_000,
    })
  } catch {
    return unparsable(raw, hash, envelopeFrom, receivedAt)
  }
  const sender = firstAddress(parsed.from)
  const from = storableText(sender.address, false, 320).toLowerCase()
  const contents: ReadMessage['contents'] = new Map()
  const attachments = parsed.attachments.slice(0, 50).map((attachment, i) => {
    const name = storableText(attachment.filename ?? '', false, 200) || `attachment-${i + 1}`
    const type = storableText(attachment.contentType ?? '', false, 200)
    const kept = attachment.size <= limits.maxAttachmentBytes
    const id = kept ? uuidv7(receivedAt) : null
    if (id) contents.set(id, { content: attachment.content, name, type })
    return { name, type, size: attachment.size, id }
  })
  const messageId = messageIds(parsed.messageId)[0]
  const message: InboundMessage = {
    messageId: messageId ? storableText(messageId, false, 1000) : hash,
    from: isAddress(from) ? from : '',
    fromName: storableText(sender.name, false, 120),
    subject: storableText(parsed.subject ?? '', false, 200),
    text: storableText(parsed.text ?? '', true, NOTE_MAX),
    replyTo: [...messageIds(parsed.inReplyTo), ...messageIds(parsed.references)]
      .slice(0, MAX_REFERENCES)
      .map((id) => storableText(id, false, 1000)),
    attachments,
    receivedAt,
  }
  const automatic = automaticReason({
    envelopeFrom: envelopeFrom.toLowerCase(),
    from,
    autoSubmitted: headerText(parsed, 'auto-submitted'),
    precedence: headerText(parsed, 'precedence'),
    autoreplyHeader: parsed.headers.has('x-autoreply') || parsed.headers.has('x-autorespond'),
    contentType: headerText(parsed, 'content-type'),
  })
  return { message, automatic, contents }
}

/** What a message mailparser gave up on still says: its raw text, for a person to read. */
function unparsable(
  raw: Buffer,
  hash: string,
  envelopeFrom: string,
  receivedAt: number,
): ReadMessage {
  const from = isAddress(envelopeFrom) ? storableText(envelopeFrom, false, 320).toLowerCase() : ''
  const message: InboundMessage = {
    messageId: hash,
    from,
    fromName: '',
    subject: 'An email that could not be read',
    text: storableText(raw.toString('latin1'), true, NOTE_MAX),
    replyTo: [],
    attachments: [],
    receivedAt,
  }
  return { message, automatic: automaticReason({ envelopeFrom, from }), contents: new Map() }
}
