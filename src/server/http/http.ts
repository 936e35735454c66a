/** The HTTP plumbing: JSON bodies with a size limit, JSON errors, and a tiny method+path router. */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { z } from 'zod'
import { describeIssues } from '../../shared/incident/events'
import type { ErrorBody } from '../../shared/sync/wire'

/** An error the client is meant to read: it becomes `{error: {code, message}}` with `status`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
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
  if (!result.success) throw new ApiError(400, 'invalid_request', describeIssues(result.error))
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

export function errorBody(code: string, message: string): ErrorBody {
  return { error: { code, message } }
}
