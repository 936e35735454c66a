/**
 * OpenAPI-driven fuzzing: requests for every route of the served document, built from its own
 * schemas — valid-shaped, and mutated with hostile text, wrong types, extra members, deep nesting
 * and big arrays — with valid credentials of every role. No input may give a 5xx or end the
 * server, and no write may be partial: what a push answers is exactly what the log holds.
 *
 * Seeded: the seed is printed; `SEED=n` replays the same requests.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createIntegrationToken, createSession, createUser } from '../../src/server/accounts'
import type { RunningServer } from '../../src/server/index'
import type { User } from '../../src/shared/directory'
import { ROUTES, type PushResponse } from '../../src/shared/sync/wire'
import { call, countRows, forEachBackend, startTestServer, station, uniqueName } from './harness'
import {
  arbitraryOf,
  hostileString,
  mutate,
  mutation,
  textMutation,
  type JsonSchema,
  type Mutation,
} from './fuzz/schema-arbitrary'

const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31))
/** PGlite serves one query at a time in this very process: fewer requests keep it near a minute. */
const REQUESTS = { pglite: 1500, postgres: 5000 } as const
const CONCURRENCY = 6

type Role = 'admin' | 'supervisor' | 'agent' | 'monitoring' | 'none' | 'garbage'

interface Operation {
  method: string
  path: string
  access: string
  body?: JsonSchema
  parameters: { name: string; required: boolean; schema: JsonSchema }[]
}

interface Planned {
  op: Operation
  role: Role
  /** Valid-shaped; mutated after it is made the role's own (see `asAuthor`). */
  body?: unknown
  mutations: Mutation[]
  raw?: string
  query: string
  /** The query holds text the shared text schema refuses. */
  unstorableQuery: boolean
}

const ROLES_FOR: Record<string, Role[]> = {
  none: ['none'],
  user: ['admin', 'supervisor', 'agent'],
  supervisor: ['supervisor', 'admin'],
  admin: ['admin'],
  monitoring: ['monitoring', 'admin'],
}
const ALL_ROLES: Role[] = ['admin', 'supervisor', 'agent', 'monitoring', 'none', 'garbage']

/** How much of the run each route gets: the push carries the most logic. */
const weightOf = (op: Operation) =>
  op.path === ROUTES.events && op.method === 'POST'
    ? 8
    : SLOW_HASHES.has(`${op.method} ${op.path}`)
      ? 1
      : 2
/** Routes that hash a password (scrypt, on purpose slow): fewer of them keep the run bounded. */
const SLOW_HASHES = new Set([
  `POST ${ROUTES.session}`,
  `POST ${ROUTES.users}`,
  `POST ${ROUTES.setup}`,
])

/**
 * Does this JSON text hold what PostgreSQL cannot store: a lone surrogate (JSON.stringify writes
 * those, and only those, as \\udXXXX escapes) or NUL? Text rather than a walk of the value: the
 * deep-nesting mutations are deeper than a recursive walk's stack.
 */
// eslint-disable-next-line no-control-regex -- NUL is what it looks for
const UNSTORABLE_JSON = /\\ud[89a-f][0-9a-f]{2}|\\u0000|\u0000/i

const MALFORMED_BODIES = [
  '',
  '{',
  'null',
  '[]',
  '"events"',
  '{"events":',
  '{"a":1}{"b":2}',
  '\u0000',
]

function operations(doc: {
  paths: Record<string, Record<string, Record<string, unknown>>>
}): Operation[] {
  const ops: Operation[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    // The live socket is a WebSocket upgrade, not a request and a response: left to its own tests.
    if (path === ROUTES.live) continue
    for (const [method, op] of Object.entries(methods)) {
      const body = (op.requestBody as { content?: Record<string, { schema: JsonSchema }> })
        ?.content?.['application/json']?.schema
      ops.push({
        method: method.toUpperCase(),
        path,
        access: op['x-access'] as string,
        ...(body ? { body } : {}),
        parameters: (op.parameters as Operation['parameters'] | undefined) ?? [],
      })
    }
  }
  return ops
}

function encodeQueryValue(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  try {
    return encodeURIComponent(text)
  } catch {
    // A lone surrogate has no UTF-8 form: send the bytes a careless client would.
    return '%ED%A0%80'
  }
}

function plan(op: Operation, doc: unknown): fc.Arbitrary<Planned> {
  const fitting = ROLES_FOR[op.access] ?? ['none']
  const role = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...fitting) },
    { weight: 2, arbitrary: fc.constantFrom(...ALL_ROLES) },
  )
  const query = fc.record(
    Object.fromEntries(op.parameters.map((p) => [p.name, arbitraryOf(p.schema, doc)])),
    { requiredKeys: op.parameters.filter((p) => p.required).map((p) => p.name) },
  )
  const hostileQuery = fc.dictionary(
    fc.constantFrom(...op.parameters.map((p) => p.name), 'extra', '', '\u0000'),
    fc.oneof(hostileString, fc.constantFrom(-1, 1e21, true, null, '%', '%zz', '%00')),
    { maxKeys: 3 },
  )
  return fc
    .record({
      role,
      hostile: fc.oneof(
        { weight: 2, arbitrary: fc.constant(false) },
        { weight: 3, arbitrary: fc.constant(true) },
      ),
      body: op.body ? arbitraryOf(op.body, doc) : fc.constant(undefined),
      // Half the hostile bodies stay valid-shaped with hostile text in them, so it reaches storage.
      mutations: fc.oneof(
        fc.array(textMutation, { minLength: 1, maxLength: 2 }),
        fc.array(mutation, { minLength: 1, maxLength: 2 }),
      ),
      malformed: fc.option(fc.constantFrom(...MALFORMED_BODIES), { freq: 12 }),
      query,
      hostileQuery,
    })
    .map((r): Planned => {
      const params: Record<string, unknown> =
        r.hostile && op.parameters.length ? { ...r.query, ...r.hostileQuery } : r.query
      const queryString = Object.entries(params)
        .map(([k, v]) => `${encodeQueryValue(k)}=${encodeQueryValue(v)}`)
        .join('&')
      const planned: Planned = {
        op,
        role: r.role,
        mutations: r.hostile ? r.mutations : [],
        query: queryString ? `?${queryString}` : '',
        unstorableQuery: /%00|%ED%A0%80/i.test(queryString),
      }
      if (!op.body) return planned
      if (r.malformed !== null && r.hostile) return { ...planned, raw: r.malformed }
      return { ...planned, body: r.body }
    })
}

interface Identity {
  user?: User
  token: string
  stationCode?: string
}

const CLOCK_BASE = Date.parse('2026-12-01T08:00:00.000Z')

/** A station-bound user's events carry its name and station, so valid-shaped ones can land. */
/** `seq` (the request's place in the run) dates its events, so a replay dates them alike. */
function asAuthor(body: unknown, who: Identity, seq: number): unknown {
  if (!who.user || !who.stationCode || typeof body !== 'object' || body === null) return body
  const events = (body as { events?: unknown }).events
  if (!Array.isArray(events)) return body
  return {
    ...body,
    events: events.map((e: unknown, i) => {
      if (typeof e !== 'object' || e === null) return e
      const event = e as Record<string, unknown>
      return {
        ...event,
        actor: who.user!.username,
        station: who.stationCode,
        // The document states the clock's shape; that its time must be real it cannot state.
        hlc: `${new Date(CLOCK_BASE + seq * 1000 + i).toISOString()}-0000-${who.stationCode}`,
      }
    }),
  }
}

forEachBackend((backend) => {
  let server: RunningServer
  /** What the server logged as errors: the cause of each 5xx, for the report. */
  const serverErrors: string[] = []
  const identities = {} as Record<Role, Identity>
  beforeAll(async () => {
    const db = backend().db
    server = await startTestServer(db, {
      reopenSweepMs: 1e9,
      logger: {
        log(level, message, fields) {
          if (level === 'error')
            serverErrors.push(
              `${message}: ${String(fields?.error)} ${String(fields?.stack).split('\n').slice(1, 4).join(' ')}`,
            )
        },
      },
    })
    const now = Date.now()
    const code = await station(db)
    for (const role of ['admin', 'supervisor', 'agent'] as const) {
      const user = await createUser(
        db,
        {
          username: uniqueName(role.slice(0, 3)),
          displayName: `Fuzz ${role}`,
          role,
          password: 'fuzz-password-1',
        },
        now,
      )
      // Agents and supervisors sit at a station; the administrator works from anywhere.
      const stationCode = role === 'admin' ? undefined : code
      const session = await createSession(db, user, stationCode ?? null, now, 3_600_000)
      identities[role] = { user, token: session.token, ...(stationCode ? { stationCode } : {}) }
    }
    identities.monitoring = { token: await createIntegrationToken(db, uniqueName('nagios'), now) }
    identities.none = { token: '' }
    identities.garbage = { token: `not-a-token-${'x'.repeat(60)}` }
  })
  afterAll(() => server.close())

  it(
    'survives thousands of generated requests for every route: no 5xx, no partial write',
    { timeout: 300_000 },
    async () => {
      const db = backend().db
      const total = REQUESTS[backend().kind]
      console.log(
        `fuzz seed: ${SEED} (replay with SEED=${SEED}), ${backend().kind}, ${total} requests`,
      )
      const doc = (await call(server, 'GET', ROUTES.openapi)).body as Parameters<
        typeof operations
      >[0]
      const ops = operations(doc)
      const requests = fc.sample(
        fc.oneof(...ops.map((op) => ({ weight: weightOf(op), arbitrary: plan(op, doc) }))),
        { seed: SEED, numRuns: total },
      )
      // Every route of the document gets requests.
      expect(new Set(requests.map((r) => `${r.op.method} ${r.op.path}`)).size).toBe(ops.length)

      const before = {
        events: await countRows(db, 'events'),
        tickets: await countRows(db, 'tickets'),
        users: await countRows(db, 'users'),
      }
      const failures: { request: string; status: number; body: string; unstorable: boolean }[] = []
      const statuses = new Map<string, number>()
      const applied = new Map<string, string>() // event id -> ticket id
      const notStored = new Set<string>()
      let serverEvents = 0
      const serverTickets = new Set<string>()
      let usersCreated = 0

      const send = async (r: Planned, seq: number) => {
        const who = identities[r.role]
        let token = who.token
        // Signing out revokes the token: sign out a session of the same user made for it.
        if (r.op.method === 'DELETE' && r.op.path === ROUTES.session && who.user)
          token = (await createSession(db, who.user, who.stationCode ?? null, Date.now(), 60_000))
            .token
        const body =
          r.body === undefined
            ? undefined
            : r.mutations.reduce((value, m) => mutate(value, m), asAuthor(r.body, who, seq))
        const payload =
          r.raw !== undefined ? r.raw : body !== undefined ? JSON.stringify(body) : undefined
        // Text the database cannot store: a 5xx for it is the text-encoding class.
        const unstorable = r.unstorableQuery || UNSTORABLE_JSON.test(payload ?? '')
        const res = await fetch(server.url + r.op.path + r.query, {
          method: r.op.method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(r.op.body ? { 'content-type': 'application/json' } : {}),
          },
          ...(payload !== undefined ? { body: payload } : {}),
        })
        const text = await res.text()
        const label = `${r.op.method} ${r.op.path}`
        statuses.set(`${label} ${res.status}`, (statuses.get(`${label} ${res.status}`) ?? 0) + 1)
        if (res.status >= 500) {
          failures.push({
            request: `${label}${r.query.slice(0, 200)} as ${r.role}: ${(payload ?? '').slice(0, 300)}`,
            status: res.status,
            body: text.slice(0, 300),
            unstorable,
          })
        }
        const sent = (body as { events?: unknown[] } | undefined)?.events
        const sentEvents = Array.isArray(sent)
          ? sent.filter(
              (e): e is { id: string; ticketId: unknown } =>
                typeof (e as { id?: unknown })?.id === 'string',
            )
          : []
        if (label === `POST ${ROUTES.events}`) {
          // A refused batch, or one that failed, left nothing behind.
          if (res.status !== 200) {
            for (const e of sentEvents) notStored.add(e.id)
            return
          }
          for (const result of (JSON.parse(text) as PushResponse).results) {
            const outcome = `  push result ${result.status === 'rejected' ? result.code : result.status}`
            statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1)
            if (result.status === 'applied') {
              const event = sentEvents.find((e) => e.id === result.id)
              applied.set(result.id, String(event?.ticketId))
            } else if (result.status === 'rejected' && result.code !== 'conflicting_duplicate')
              notStored.add(result.id)
          }
        }
        if (label === `POST ${ROUTES.monitoringAlerts}` && res.status < 300) {
          const reply = JSON.parse(text) as { outcome: string; ticketId: string }
          serverEvents++
          if (reply.outcome === 'opened') serverTickets.add(reply.ticketId)
        }
        if (label === `POST ${ROUTES.users}` && res.status === 201) usersCreated++
      }

      let next = 0
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < requests.length) {
            const seq = next++
            await send(requests[seq]!, seq)
          }
        }),
      )

      const summary = [...statuses.entries()].sort().map(([k, n]) => `${k}: ${n}`)
      console.log(`fuzz ${backend().kind}: ${requests.length} requests\n  ${summary.join('\n  ')}`)
      expect((await call(server, 'GET', ROUTES.health)).status).toBe(200)

      // What the pushes answered is what the log holds, no more, no less.
      const uuids = [...notStored].filter((id) => !applied.has(id) && /^[0-9a-f-]{36}$/.test(id))
      const [leaked] = await db.query<{ n: number }>(
        'SELECT count(*)::int4 AS n FROM events WHERE id = ANY($1::uuid[])',
        [uuids],
      )
      expect(leaked!.n).toBe(0)
      expect(await countRows(db, 'events')).toBe(before.events + applied.size + serverEvents)
      const ticketIds = new Set([...applied.values(), ...serverTickets])
      expect(await countRows(db, 'tickets')).toBe(before.tickets + ticketIds.size)
      expect(await countRows(db, 'users')).toBe(before.users + usersCreated)
      expect(applied.size, 'valid-shaped pushes land').toBeGreaterThan(0)

      if (serverErrors.length)
        console.log(`server errors:\n  ${[...new Set(serverErrors)].join('\n  ')}`)
      const report = (list: typeof failures) =>
        list.map((f) => `${f.status} ${f.request}\n    -> ${f.body}`)
      // Lone surrogates and NUL are the text schema's to refuse (src/shared/text.ts); any other 5xx
      // is a defect of its own.
      expect(report(failures.filter((f) => !f.unstorable)), `seed ${SEED}`).toEqual([])
      expect(report(failures), `seed ${SEED}: text-encoding 5xx`).toEqual([])
    },
  )
})
