/** The HTTP plumbing: JSON bodies with a size limit, JSON errors, and a tiny method+path router. */
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import type { z } from 'zod'
import { describeIssues } from '../../shared/incident/events'
import { fieldIssues, type FieldIssue } from '../../shared/plain-words'
import type { ErrorBody } from '../../shared/sync/wire'
import type { Logger } from '../log'

/** An error the client is meant to read: it becomes `{error: {code, message}}` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** A schema's refusal, field by field, so a client can put each under its field. */
    readonly fields?: readonly FieldIssue[],
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/**
 * An oversize body is read to its end (and thrown away) before the 413 goes out, so the client
 * gets the answer instead of a reset connection; one that keeps going far past the limit is cut off.
 */
const DRAIN_FACTOR = 16

export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? NaN)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const tooLarge = () =>
      new ApiError(
        413,
        'payload_too_large',
        `The request body is larger than ${limitBytes} bytes.`,
        {
          connection: 'close',
        },
      )
    if (declared > limitBytes * DRAIN_FACTOR) {
      reject(tooLarge())
      return
    }
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= limitBytes) chunks.push(chunk)
      else if (size > limitBytes * DRAIN_FACTOR) req.destroy()
    })
    req.on('end', () => (size > limitBytes ? reject(tooLarge()) : resolve(Buffer.concat(chunks))))
    req.on('error', reject)
    req.on('close', () => {
      if (!req.complete)
        reject(
          size > limitBytes ? tooLarge() : new ApiError(400, 'aborted', 'The request was aborted.'),
        )
    })
  })
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0)
    throw new ApiError(
      400,
      'malformed_json',
      'The request body is empty; a JSON document was expected.',
    )
  try {
    return JSON.parse(body.toString('utf8'))
  } catch (error) {
    throw new ApiError(
      400,
      'malformed_json',
      `The request body is not valid JSON: ${(error as Error).message}`,
    )
  }
}

export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success)
    throw new ApiError(
      400,
      'invalid_request',
      describeIssues(result.error),
      {},
      fieldIssues(result.error),
    )
  return result.data
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body)
  res.writeHead(status, {
    ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  })
  res.end(text)
}

export function errorBody(
  code: string,
  message: string,
  fields?: readonly FieldIssue[],
): ErrorBody {
  return { error: { code, message, ...(fields?.length ? { fields: [...fields] } : {}) } }
}

/**
 * The request target as a URL, or null when it is none: Node's parser lets an absolute-form target
 * such as `http://[::1` through, and `new URL` throws on it — outside a try, in a request or an
 * upgrade listener, that would end the process.
 */
export function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost')
  } catch {
    return null
  }
}

export const malformedUrl = () =>
  new ApiError(400, 'malformed_url', 'The request target is not a valid URL.')

/**
 * Errors of the database that only data can cause (SQLSTATE class 22, "data exception": invalid
 * byte sequence, unsupported Unicode escape, out of range…). The schemas refuse such input before
 * any SQL runs, so reaching this is a gap in a schema: logged loudly, but answered as the client's
 * 400 it is, never as a 500.
 */
export function dataExceptionOf(error: unknown): ApiError | null {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !/^22[0-9A-Z]{3}$/.test(code)) return null
  return new ApiError(
    400,
    'unstorable_input',
    'The request holds a value the database cannot store.',
  )
}

const CLIENT_ERROR_STATUS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
}

/**
 * A request Node's parser refuses (bad request line, bad header, oversize headers) is answered
 * with a JSON 4xx on that connection and logged; the process and other connections go on.
 */
export function answerClientErrors(server: Server, logger: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // A client that went away needs no answer, and is no news.
    // Nor does one whose response is already under way: a second status line would corrupt it.
    const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy()
      return
    }
    const [status, reason] = CLIENT_ERROR_STATUS[error.code ?? ''] ?? [400, 'Bad Request']
    logger.log('warn', 'malformed request', { status, code: error.code, error: error.message })
    const body = JSON.stringify(
      errorBody('malformed_request', `The request was refused: ${reason}.`),
    )
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })
}
