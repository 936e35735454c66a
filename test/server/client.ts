/**
 * A station's side of the wire for tests and benchmarks: JSON calls, pushes, the live socket, and
 * users / stations made directly in the database. No test-runner imports, so the bench can use it.
 */
import WebSocket from 'ws'
import { createSession, createUser } from '../../src/server/accounts'
import type { Database } from '../../src/server/db/database'
import type { Role } from '../../src/shared/directory'
import { ROUTES, type PushResponse, type ServerLiveMessage } from '../../src/shared/sync/wire'

export interface Reply<T = unknown> {
  status: number
  body: T
  headers: Headers
}

/** A JSON call; `raw` sends the body as given, for malformed-input tests. */
export async function call<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  server: { url: string },
  method: string,
  path: string,
  options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      ...options.headers,
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined || options.raw !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
    },
    ...(options.raw !== undefined
      ? { body: options.raw }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  })
  const text = await res.text()
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : undefined) as T,
    headers: res.headers,
  }
}

let userCounter = 0
/** A unique user name per call, so tests sharing a database never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}${process.pid % 1000}x${++userCounter}`
}

/** A user made directly in the database, with a session token (bound to a station if given). */
export async function userWithToken(
  db: Database,
  role: Role,
  options: { stationCode?: string; ttlMs?: number; now?: number } = {},
): Promise<{ username: string; token: string }> {
  const username = uniqueName(role.slice(0, 3))
  const now = options.now ?? Date.now()
  const user = await createUser(
    db,
    { username, displayName: `Test ${role}`, role, password: 'test-password-1' },
    now,
  )
  const session = await createSession(
    db,
    user,
    options.stationCode ?? null,
    now,
    options.ttlMs ?? 3_600_000,
  )
  return { username, token: session.token }
}

let stationCounter = 0
/** An enrolled station code, made directly in the database. */
export async function station(db: Database): Promise<string> {
  const code = `T${process.pid % 1000}X${++stationCounter}`
  await db.query('INSERT INTO stations (code, name, enrolled_at) VALUES ($1, $2, $3)', [
    code,
    `Test ${code}`,
    Date.now(),
  ])
  return code
}

export async function push(
  server: { url: string },
  token: string,
  events: readonly unknown[],
): Promise<PushResponse> {
  const reply = await call<PushResponse>(server, 'POST', ROUTES.events, { token, body: { events } })
  if (reply.status !== 200)
    throw new Error(`push failed: ${reply.status} ${JSON.stringify(reply.body)}`)
  return reply.body
}

/** A live message telling of the log up to `seq`: the commit's events, or a poke. */
export const heardUpTo =
  (seq: number) =>
  (m: ServerLiveMessage): boolean =>
    (m.type === 'poke' && m.seq >= seq) || (m.type === 'events' && m.next >= seq)

/** A live socket that records what the server sends. */
export interface LiveClient {
  ws: WebSocket
  messages: ServerLiveMessage[]
  /** Resolves with the first message (already received or still to come) that matches. */
  next(match: (m: ServerLiveMessage) => boolean, timeoutMs?: number): Promise<ServerLiveMessage>
  close(): Promise<void>
}

export async function openLive(server: { url: string }, token: string): Promise<LiveClient> {
  const ws = new WebSocket(server.url.replace(/^http/, 'ws') + ROUTES.live, [`bearer.${token}`])
  const messages: ServerLiveMessage[] = []
  const waiters = new Set<() => void>()
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)) as ServerLiveMessage)
    for (const wake of waiters) wake()
  })
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  return {
    ws,
    messages,
    next(match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(match)
          if (!found) return
          waiters.delete(check)
          clearTimeout(timer)
          resolve(found)
        }
        const timer = setTimeout(() => {
          waiters.delete(check)
          reject(
            new Error(
              `no matching live message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`,
            ),
          )
        }, timeoutMs)
        waiters.add(check)
        check()
      })
    },
    close: () =>
      new Promise((resolve) => {
        if (ws.readyState === ws.CLOSED) return resolve()
        ws.once('close', () => resolve())
        ws.close()
      }),
  }
}
