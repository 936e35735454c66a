/**
 * The OpenAPI 3.1 document, generated from the route table and the shared zod schemas: the
 * schemas that validate a request are the ones the document shows, so the two cannot drift. Shared
 * schemas a client meets in several places are named components; the rest are inline.
 */
import { z } from 'zod'
import {
  callerRecordSchema,
  callTemplateSchema,
  routingGuidanceSchema,
  teamSchema,
  userSchema,
} from '../shared/directory'
import { callerSchema, ticketEventSchema } from '../shared/incident/events'
import { priorityPolicySchema } from '../shared/incident/priority'
import { directorySnapshotSchema } from '../shared/station-api'
import { HLC_PATTERN } from '../shared/sync/hlc'
import {
  errorBodySchema,
  pushResultSchema,
  ROUTES,
  serverLiveMessageSchema,
  sessionResponseSchema,
  stationLiveMessageSchema,
  stationPresenceSchema,
} from '../shared/sync/wire'
import type { Route, Tag } from './http/router'

const COMPONENTS = '#/components/schemas/'

const TAGS: Record<Tag, string> = {
  system: 'Health and this document',
  setup: 'First run: the first administrator',
  sessions: 'Signing in and out',
  stations: 'Enrolling stations and the floor view of them',
  events: 'The ticket log: push, pull and the live socket',
  directory: 'Teams, routing guidance, templates, the priority policy and callers',
  users: 'User accounts',
  monitoring: 'Event Management: alerts that open incidents',
  calls: "The phone system's call events, the call log and the agents' extensions",
  mail: "Email in: what customers' emails brought with them",
}

const pascal = (snake: string) => snake.replace(/(?:^|_)(\w)/g, (_m, c: string) => c.toUpperCase())

type Meta = { id: string } & Record<string, unknown>

function componentRegistry() {
  const registry = z.registry<Meta>()
  const hlc = ticketEventSchema.options[0].shape.hlc
  registry.add(hlc, {
    id: 'Hlc',
    description:
      'Hybrid logical clock: wall time, a hex counter and the node, which must be the station of the event.',
    pattern: HLC_PATTERN.source,
    examples: ['2026-11-27T09:44:24.123Z-0000-S1'],
  })
  const variants = ticketEventSchema.options.map(
    (variant) =>
      [variant, variant.shape.type.value, `${pascal(variant.shape.type.value)}Event`] as const,
  )
  registry.add(ticketEventSchema, {
    id: 'TicketEvent',
    description:
      'One immutable event of a ticket. `actor` must be the signed-in user and `station` (and the node of `hlc`) the station of the session.',
    discriminator: {
      propertyName: 'type',
      mapping: Object.fromEntries(variants.map(([, type, id]) => [type, COMPONENTS + id])),
    },
  })
  for (const [variant, , id] of variants) registry.add(variant, { id })
  const named: [z.ZodType, string][] = [
    [errorBodySchema, 'Error'],
    [sessionResponseSchema, 'Session'],
    [callerSchema, 'Caller'],
    [pushResultSchema, 'PushResult'],
    [stationPresenceSchema, 'StationPresence'],
    [userSchema, 'User'],
    [callerRecordSchema, 'CallerRecord'],
    [teamSchema, 'Team'],
    [routingGuidanceSchema, 'RoutingGuidance'],
    [callTemplateSchema, 'CallTemplate'],
    [priorityPolicySchema, 'PriorityPolicy'],
    [directorySnapshotSchema, 'Directory'],
  ]
  for (const [schema, id] of named) registry.add(schema, { id })
  return registry
}

/**
 * Turns zod schemas into JSON Schemas whose named parts land in `components` and are referred
 * to from there. Requests and responses alike are shown as input (what may be sent): one name
 * then means one shape, and a response's optional members may be absent.
 */
function schemaWriter() {
  const registry = componentRegistry()
  const components: Record<string, unknown> = {}
  const convert = (schema: z.ZodType) => {
    const {
      $schema: _dialect,
      $defs,
      ...rest
    } = z.toJSONSchema(schema, {
      metadata: registry,
      io: 'input',
      unrepresentable: 'any',
    }) as Record<string, unknown> & { $defs?: Record<string, unknown> }
    const relocate = (value: unknown) =>
      JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', `"${COMPONENTS}`)) as Record<
        string,
        unknown
      >
    for (const [id, def] of Object.entries($defs ?? {})) components[id] ??= relocate(def)
    return relocate(rest)
  }
  return {
    components,
    schema(schema: z.ZodType): Record<string, unknown> {
      const id = registry.get(schema)?.id
      if (!id) return convert(schema)
      const { id: _id, ...body } = convert(schema)
      components[id] ??= body
      return { $ref: COMPONENTS + id }
    },
  }
}

type Writer = ReturnType<typeof schemaWriter>

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `${COMPONENTS}Error` } } },
})

function security(route: Route) {
  if (route.access === 'none') return []
  // An administrator's session may raise alerts too (to try the intake out).
  if (route.access === 'monitoring') return [{ monitoringToken: [] }, { session: [] }]
  if (route.access === 'cti') return [{ ctiToken: [] }, { ctiTokenQuery: [] }]
  return [{ session: [] }]
}

function operation(route: Route, writer: Writer) {
  const json = (schema: z.ZodType) => ({ 'application/json': { schema: writer.schema(schema) } })
  const responses: Record<string, unknown> = Object.fromEntries(
    Object.entries(route.responses).map(([status, r]) => [
      status,
      r.schema
        ? { description: r.description, content: json(r.schema) }
        : { description: r.description },
    ]),
  )
  if (route.body || route.query)
    responses['400'] ??= errorResponse(
      'Malformed JSON, or a request that does not match the schema',
    )
  if (route.access !== 'none') {
    responses['401'] ??= errorResponse('No valid token: sign in (again)')
    responses['403'] ??= errorResponse('Not open to this role or integration')
  }
  if (route.body) responses['413'] ??= errorResponse('The body is larger than the limit (4 MiB)')
  const query = route.query
    ? (writer.schema(route.query) as {
        properties?: Record<string, Record<string, unknown>>
        required?: string[]
      })
    : null
  const body = route.documentedBody ?? route.body
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    'x-access': route.access,
    security: security(route),
    ...(query
      ? {
          parameters: Object.entries(query.properties ?? {}).map(([name, schema]) => ({
            name,
            in: 'query',
            required: query.required?.includes(name) ?? false,
            schema,
          })),
        }
      : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              (route.bodyMediaTypes ?? ['application/json']).map((type) => [
                type,
                { schema: writer.schema(body) },
              ]),
            ),
          },
        }
      : {}),
    responses,
  }
}

function liveOperation(writer: Writer) {
  return {
    operationId: 'openLiveSocket',
    tags: ['events' satisfies Tag],
    summary: 'The live socket (WebSocket upgrade)',
    description:
      'The server sends the events of each commit (or a poke to pull) and, to supervisors who sent `{type:"watch_stations"}`, station presence; stations send `{type:"report", pending, lastSyncAt}`. The session token goes in Sec-WebSocket-Protocol as `bearer.<token>`. Messages are described in `x-messages`.',
    'x-access': 'user',
    security: [],
    parameters: [
      {
        name: 'Sec-WebSocket-Protocol',
        in: 'header',
        required: true,
        schema: { type: 'string', pattern: '^bearer\\.' },
      },
    ],
    responses: {
      101: { description: 'Switching protocols' },
      401: errorResponse('No valid session token'),
    },
    'x-messages': {
      fromServer: writer.schema(serverLiveMessageSchema),
      fromStation: writer.schema(stationLiveMessageSchema),
    },
  }
}

export function openApiDocument(
  routes: readonly Route[],
  version: string,
): Record<string, unknown> {
  const writer = schemaWriter()
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes)
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, writer)
  paths[ROUTES.live] = { get: liveOperation(writer) }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Warmline central server',
      version,
      description:
        'Sync, accounts, directory, monitoring intake and customer email for the Warmline phone floor.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    // Relative: the server that serves this document is the one it describes.
    servers: [{ url: '/', description: 'The server this document was fetched from' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: {
        session: {
          type: 'http',
          scheme: 'bearer',
          description: 'A session token from signIn or setUp',
        },
        monitoringToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            'An integration token of Event Management (`npm run admin -- create-monitoring-token`)',
        },
        ctiToken: {
          type: 'http',
          scheme: 'bearer',
          description: "The phone system's token (`npm run admin -- create-cti-token`)",
        },
        ctiTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'token',
          description: 'The same token as `?token=`, for a PBX that can only be given a URL',
        },
      },
      schemas: Object.fromEntries(
        Object.entries(writer.components).sort(([a], [b]) => a.localeCompare(b)),
      ),
    },
  }
}
