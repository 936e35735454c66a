/**
 * The phone system's intake: a PBX posts call events in the generic CTI format (JSON or form
 * encoded, see shared/calls/cti.ts) with a token of its own. Each event is stored once per call
 * and kind, the call is folded again from its stored events, and the agent whose extension took
 * the call hears of it on their live socket (the screen pop). Supervisors read the call log.
 */
import { z } from 'zod'
import {
  callRecordSchema,
  ctiEventKey,
  ctiEventSchema,
  foldCall,
  normalizeCtiFields,
  type CallRecord,
  type CtiEvent,
  type StoredCtiEvent,
} from '../shared/calls/cti'
import { extensionSchema, type Extension } from '../shared/directory'
import { errorBodySchema, ROUTES, type ServerLiveMessage } from '../shared/sync/wire'
import type { Database, Queryable } from './db/database'
import { ADVISORY_LOCKS } from './db/locks'
import { ApiError, parseJson } from './http/http'
import { route, type Route } from './http/router'
import type { LiveHub } from './live'
import { errorFields, type Logger } from './log'

export interface CtiContext {
  db: Database
  now: () => number
  live: Pick<LiveHub, 'sendToUser'>
  logger: Logger
}

/** A call's transfers are few; a PBX looping on one must not grow its record without end. */
const MAX_TRANSFERS = 20

/** Form fields as a PBX sends them: repeated `user[]` become a list, any other repeat keeps the last. */
function formFields(text: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const [key, value] of new URLSearchParams(text)) {
    if (key === 'user[]' || key === 'user')
      fields[key] = [...((fields[key] as string[]) ?? []), value]
    else fields[key] = value
  }
  return fields
}

/** JSON or `application/x-www-form-urlencoded`, told by the content type; Placetel names mapped. */
export function parseCtiBody(raw: Buffer, contentType: string): unknown {
  const fields = /^application\/x-www-form-urlencoded\b/i.test(contentType)
    ? formFields(raw.toString('utf8'))
    : parseJson(raw)
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields))
    throw new ApiError(400, 'invalid_request', 'A call event is an object of fields.')
  return normalizeCtiFields(fields as Record<string, unknown>)
}

/** Extension first, then a user name, then the one user with that real name (Zammad's `user[]`). */
async function answeringAgent(
  tx: Queryable,
  event: CtiEvent,
): Promise<{ extension: string; username: string } | undefined> {
  const number = event.answeringNumber
  if (number !== undefined) {
    const [row] = await tx.query<{ username: string }>(
      `SELECT username FROM (
         SELECT e.username, 0 AS rank FROM extensions e JOIN users u ON u.username = e.username
          WHERE e.extension = $1 AND NOT u.disabled
         UNION ALL
         SELECT username, 1 AS rank FROM users WHERE username = $1 AND NOT disabled
       ) found ORDER BY rank LIMIT 1`,
      [number],
    )
    if (row) return { extension: number, username: row.username }
    throw new ApiError(
      400,
      'unknown_extension',
      `answeringNumber: no agent has extension "${number}"; an administrator maps extensions (PUT ${ROUTES.extensions}).`,
    )
  }
  const names = event.user ?? []
  if (!names.length) return undefined
  const rows = await tx.query<{ username: string }>(
    'SELECT username FROM users WHERE display_name = ANY($1::text[]) AND NOT disabled',
    [names],
  )
  if (rows.length === 1) return { extension: '', username: rows[0]!.username }
  throw new ApiError(
    400,
    'unknown_extension',
    `user: ${rows.length ? 'more than one' : 'no'} agent is called ${names.map((n) => `"${n}"`).join(' or ')}; send answeringNumber.`,
  )
}

export interface CtiOutcome {
  duplicate: boolean
  call: CallRecord
}

export async function recordCtiEvent(
  db: Database,
  event: CtiEvent,
  now: number,
): Promise<CtiOutcome> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
      ADVISORY_LOCKS.call,
      event.callId,
    ])
    const answeredBy = event.event === 'answer' ? await answeringAgent(tx, event) : undefined
    const stored: StoredCtiEvent = { event, receivedAt: now, ...(answeredBy ? { answeredBy } : {}) }
    if (event.event === 'transfer') {
      const [count] = await tx.query<{ n: number }>(
        `SELECT count(*)::int4 AS n FROM cti_events WHERE call_id = $1 AND event_key LIKE 'transfer:%'`,
        [event.callId],
      )
      if (count!.n >= MAX_TRANSFERS)
        throw new ApiError(
          400,
          'too_many_transfers',
          `transferTo: call ${event.callId} was transferred ${MAX_TRANSFERS} times already.`,
        )
    }
    const inserted = await tx.query(
      `INSERT INTO cti_events (call_id, event_key, body, received_at) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (call_id, event_key) DO NOTHING RETURNING call_id`,
      [event.callId, ctiEventKey(event), JSON.stringify(stored), now],
    )
    const rows = await tx.query<{ body: StoredCtiEvent }>(
      'SELECT body FROM cti_events WHERE call_id = $1',
      [event.callId],
    )
    const call = foldCall(rows.map((r) => r.body))!
    await tx.query(
      `INSERT INTO calls (call_id, started_at, status, body) VALUES ($1, $2, $3, $4::jsonb)
       ON CONFLICT (call_id) DO UPDATE SET started_at = excluded.started_at, status = excluded.status, body = excluded.body`,
      [call.callId, call.startedAt, call.status, JSON.stringify(call)],
    )
    return { duplicate: inserted.length === 0, call }
  })
}

const LIVE_EVENTS: Partial<
  Record<CtiEvent['event'], Extract<ServerLiveMessage, { type: 'call' }>['event']>
> = {
  answer: 'answered',
  transfer: 'transferred',
  hangup: 'ended',
}

const MAX_CALL_LOG = 2000

const ctiResponseSchema = z.object({
  outcome: z.enum(['recorded', 'duplicate']),
  call: callRecordSchema,
})

const error = (description: string) => ({ description, schema: errorBodySchema })

export function ctiRoutes(ctx: CtiContext): Route[] {
  const { db, now } = ctx
  return [
    route({
      method: 'POST',
      path: ROUTES.ctiEvents,
      operationId: 'postCallEvent',
      tag: 'calls',
      summary:
        'The phone system posts a call event: newCall, answer, hangup (Zammad / Placetel generic CTI format) or transfer; JSON or application/x-www-form-urlencoded; the CTI token as Bearer or ?token=',
      access: 'cti',
      body: ctiEventSchema,
      parseBody: parseCtiBody,
      bodyMediaTypes: ['application/json', 'application/x-www-form-urlencoded'],
      responses: {
        201: { description: 'Recorded; the call as it stands', schema: ctiResponseSchema },
        200: {
          description: 'This event of this call was recorded before',
          schema: ctiResponseSchema,
        },
      },
      handle: async ({ body }) => {
        const { duplicate, call } = await recordCtiEvent(db, body, now())
        const live = LIVE_EVENTS[body.event]
        // A repeat is not a second screen pop; a lost notification is only a missed hint.
        if (!duplicate && live && call.answeredBy) {
          await ctx.live
            .sendToUser(call.answeredBy.username, { type: 'call', event: live, call })
            .catch((error: unknown) =>
              ctx.logger.log('error', 'screen pop not sent', {
                callId: call.callId,
                ...errorFields(error),
              }),
            )
        }
        return {
          status: duplicate ? 200 : 201,
          body: { outcome: duplicate ? 'duplicate' : 'recorded', call },
        }
      },
    }),
    route({
      method: 'GET',
      path: ROUTES.calls,
      operationId: 'listCalls',
      tag: 'calls',
      summary:
        'The call log, newest first: waiting, talking, answered, abandoned (with the number to call back)',
      access: 'supervisor',
      query: z.object({
        since: z.coerce.number().int().min(0).default(0),
        limit: z.coerce.number().int().min(1).max(MAX_CALL_LOG).default(500),
      }),
      responses: {
        200: { description: 'Calls', schema: z.object({ calls: z.array(callRecordSchema) }) },
      },
      handle: async ({ query }) => {
        const rows = await db.query<{ body: CallRecord }>(
          'SELECT body FROM calls WHERE started_at >= $1 ORDER BY started_at DESC, call_id LIMIT $2',
          [query.since, query.limit],
        )
        return { status: 200, body: { calls: rows.map((r) => r.body) } }
      },
    }),
    route({
      method: 'GET',
      path: ROUTES.extensions,
      operationId: 'listExtensions',
      tag: 'calls',
      summary: 'Which agent answers at which phone extension',
      access: 'supervisor',
      responses: {
        200: {
          description: 'Extensions',
          schema: z.object({ extensions: z.array(extensionSchema) }),
        },
      },
      handle: async () => ({ status: 200, body: { extensions: await listExtensions(db) } }),
    }),
    route({
      method: 'PUT',
      path: ROUTES.extensions,
      operationId: 'setExtensions',
      tag: 'calls',
      summary:
        'Map phone extensions to agents (upserting by extension; an empty username removes one)',
      access: 'admin',
      body: z.object({
        extensions: z
          .array(
            extensionSchema.extend({ username: extensionSchema.shape.username.or(z.literal('')) }),
          )
          .min(1)
          .max(5000),
      }),
      responses: {
        200: { description: 'Written', schema: z.object({ extensions: z.number() }) },
        400: error('An extension twice, or a user that does not exist'),
      },
      handle: async ({ body }) => ({
        status: 200,
        body: { extensions: await db.transaction((tx) => setExtensions(tx, body.extensions)) },
      }),
    }),
  ]
}

export async function listExtensions(db: Queryable): Promise<Extension[]> {
  return db.query<Extension>('SELECT extension, username FROM extensions ORDER BY extension')
}

export async function setExtensions(tx: Queryable, entries: readonly Extension[]): Promise<number> {
  const seen = new Set<string>()
  for (const { extension } of entries) {
    if (seen.has(extension))
      throw new ApiError(400, 'invalid_request', `extensions: "${extension}" is listed twice.`)
    seen.add(extension)
  }
  const removed = entries.filter((e) => e.username === '').map((e) => e.extension)
  const kept = entries.filter((e) => e.username !== '')
  await tx.query('DELETE FROM extensions WHERE extension = ANY($1::text[])', [removed])
  const known = await tx.query<{ username: string }>(
    'SELECT username FROM users WHERE username = ANY($1::text[])',
    [kept.map((e) => e.username)],
  )
  const unknown = kept.filter((e) => !known.some((k) => k.username === e.username))
  if (unknown.length)
    throw new ApiError(
      400,
      'unknown_user',
      `extensions: no user ${unknown.map((e) => `"${e.username}"`).join(', ')}.`,
    )
  await tx.query(
    `INSERT INTO extensions (extension, username) SELECT * FROM unnest($1::text[], $2::text[])
     ON CONFLICT (extension) DO UPDATE SET username = excluded.username`,
    [kept.map((e) => e.extension), kept.map((e) => e.username)],
  )
  return entries.length
}
