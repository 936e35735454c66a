/**
 * The station's HTTP client for the central server, over an injected `fetch`. It turns every
 * failure into a `StationError` whose code says what the agent should do: `offline` (retry later),
 * `unauthorized` (sign in again), `refused` (the request itself is wrong; retrying will not help).
 *
 * A `ServerFailure` is the one failure that may be about the request's content rather than the
 * network: the server itself answered, and failed (500, or an answer this station cannot read).
 * A proxy's 502/503/504 and a missing answer say the server is away, whatever was sent.
 */
import { z } from 'zod'
import { callRecordSchema, type CallRecord } from '../../shared/calls/cti'
import {
  ROUTES,
  enrollResponseSchema,
  enrollmentCodeResponseSchema,
  errorBodySchema,
  pullResponseSchema,
  pushResponseSchema,
  sessionResponseSchema,
  snapshotResponseSchema,
  type PullResponse,
  type PushResponse,
  type SessionResponse,
  type SnapshotRequest,
  type SnapshotResponse,
} from '../../shared/sync/wire'
import { plainIssues } from '../../shared/plain-words'
import { StationError, type StationErrorCode } from '../../shared/station-api'

export type Fetch = typeof globalThis.fetch

/** How long a request may go unanswered before the server counts as unreachable. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000

export interface ServerClientOptions {
  baseUrl: string
  fetch: Fetch
  /** A server that accepts the connection but never answers counts as unreachable after this. */
  timeoutMs?: number
}

/** The server answered this request and failed on it; the same request may fail again. */
export class ServerFailure extends StationError {
  constructor(code: StationErrorCode, message: string, detail?: string) {
    super(code, message, detail)
    this.name = 'ServerFailure'
  }
}

/** Gateway answers: the proxy in front could not reach the server, the request never ran. */
const GATEWAY_STATUSES = new Set([502, 503, 504])

function codeFor(status: number): StationErrorCode {
  if (status === 401) return 'unauthorized'
  if (status === 403) return 'forbidden'
  // The server or a proxy in front of it is in trouble: the request may succeed later.
  if (status >= 500 || status === 429 || status === 408) return 'offline'
  return 'refused'
}

export class ServerClient {
  readonly baseUrl: string
  private readonly fetch: Fetch
  private readonly timeoutMs: number

  constructor(options: ServerClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.fetch = options.fetch
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
  }

  /** The live socket's URL: same host, ws(s) scheme. */
  liveUrl(): string {
    const url = new URL(ROUTES.live, `${this.baseUrl}/`)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    return url.toString()
  }

  login(username: string, password: string, stationCode: string | null): Promise<SessionResponse> {
    return this.request('POST', ROUTES.session, sessionResponseSchema, {
      body: { username, password, ...(stationCode ? { stationCode } : {}) },
    })
  }

  logout(token: string): Promise<unknown> {
    return this.request('DELETE', ROUTES.session, z.unknown(), { token })
  }

  setupNeeded(): Promise<{ needsSetup: boolean }> {
    return this.request('GET', ROUTES.setup, z.object({ needsSetup: z.boolean() }))
  }

  setup(body: unknown): Promise<SessionResponse> {
    return this.request('POST', ROUTES.setup, sessionResponseSchema, { body })
  }

  issueEnrollmentCode(token: string): Promise<z.infer<typeof enrollmentCodeResponseSchema>> {
    return this.request('POST', ROUTES.enrollmentCodes, enrollmentCodeResponseSchema, { token })
  }

  enroll(
    body: { code: string; name: string },
    token: string | null,
  ): Promise<z.infer<typeof enrollResponseSchema>> {
    return this.request('POST', ROUTES.enroll, enrollResponseSchema, { body, token })
  }

  push(token: string, events: readonly unknown[]): Promise<PushResponse> {
    return this.request('POST', ROUTES.events, pushResponseSchema, { token, body: { events } })
  }

  pull(token: string, after: number, limit?: number): Promise<PullResponse> {
    const query = new URLSearchParams({
      after: String(after),
      ...(limit ? { limit: String(limit) } : {}),
    })
    return this.request('GET', `${ROUTES.events}?${query}`, pullResponseSchema, { token })
  }

  snapshot(token: string, query: SnapshotRequest): Promise<SnapshotResponse> {
    const { ids, ...rest } = query
    const params = new URLSearchParams(
      Object.entries({ ...rest, ...(ids ? { ids: ids.join(',') } : {}) }).map(([k, v]) => [
        k,
        String(v),
      ]),
    )
    return this.request('GET', `${ROUTES.snapshot}?${params}`, snapshotResponseSchema, { token })
  }

  directory(token: string): Promise<unknown> {
    return this.request('GET', ROUTES.directory, z.unknown(), { token })
  }

  callers(token: string, q: string): Promise<unknown> {
    return this.request('GET', `${ROUTES.callers}?${new URLSearchParams({ q })}`, z.unknown(), {
      token,
    })
  }

  calls(token: string, since: number): Promise<{ calls: CallRecord[] }> {
    const query = new URLSearchParams({ since: String(since) })
    return this.request(
      'GET',
      `${ROUTES.calls}?${query}`,
      z.object({ calls: z.array(callRecordSchema) }),
      {
        token,
      },
    )
  }

  /** Any route: the administrator's console calls them through this (admin.ts). */
  async request<T extends z.ZodType>(
    method: string,
    route: string,
    schema: T,
    options: { body?: unknown; token?: string | null } = {},
  ): Promise<z.output<T>> {
    let response: Response
    try {
      response = await this.fetch(`${this.baseUrl}${route}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (error) {
      throw new StationError(
        'offline',
        `The central server at ${this.baseUrl} cannot be reached (${describeNetworkError(error)}).`,
      )
    }
    let text: string
    try {
      text = await response.text()
    } catch (error) {
      // Cut off mid-body (a reset after the status line): the network failed, not the request.
      throw new StationError(
        'offline',
        `The answer of the central server at ${this.baseUrl} was cut off (${describeNetworkError(error)}).`,
      )
    }
    let body: unknown = undefined
    try {
      body = text ? JSON.parse(text) : undefined
    } catch {
      // Not JSON (a proxy's error page, say): the status code speaks for itself below.
    }
    if (!response.ok) {
      const parsed = errorBodySchema.safeParse(body)
      const refused = parsed.success ? parsed.data.error : null
      // A field-by-field refusal reaches the desk in plain words; the server's own text (paths,
      // its code) stays as the detail for logs.
      const message = refused?.fields?.length
        ? plainIssues(refused.fields)
        : (refused?.message ??
          `The central server answered ${response.status} ${response.statusText}.`)
      const detail = refused?.fields?.length ? `${refused.code}: ${refused.message}` : undefined
      const failed = response.status >= 500 && !GATEWAY_STATUSES.has(response.status)
      throw new (failed ? ServerFailure : StationError)(codeFor(response.status), message, detail)
    }
    const parsed = schema.safeParse(body)
    if (!parsed.success) {
      throw new ServerFailure(
        'refused',
        `The central server sent an answer this station does not understand (${route}); is it a different version?`,
      )
    }
    return parsed.data
  }
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'no answer in time'
    const cause = (error as Error & { cause?: { code?: string } }).cause
    return cause?.code ?? error.message
  }
  return String(error)
}
