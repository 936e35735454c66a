/** The OpenAPI 3.1 document, generated from the route table and the shared zod schemas. */
import { z } from 'zod'
import { ROUTES, serverLiveMessageSchema, stationLiveMessageSchema } from '../shared/sync/wire'
import type { Route } from './http/router'

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
  }) as Record<string, unknown>
  return rest
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

function operation(route: Route) {
  const query = route.query
    ? (jsonSchema(route.query, 'input') as {
        properties?: Record<string, unknown>
        required?: string[]
      })
    : null
  const responses: Record<string, unknown> = Object.fromEntries(
    Object.entries(route.responses).map(([status, r]) => [
      status,
      r.schema
        ? {
            description: r.description,
            content: { 'application/json': { schema: jsonSchema(r.schema, 'output') } },
          }
        : { description: r.description },
    ]),
  )
  if (route.body || route.query)
    responses['400'] ??= errorResponse('Malformed JSON or a request that does not match the schema')
  if (route.body) responses['413'] ??= errorResponse('The body is larger than the limit')
  responses['500'] ??= errorResponse('Internal error')
  return {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}${route.path.replace(/^\/api\/v1/, '').replace(/(?:^|[/-])(\w)/g, (_m, c: string) => c.toUpperCase())}`,
    'x-access': route.access,
    security: route.access === 'none' ? [] : [{ bearer: [] }],
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
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: Object.fromEntries(
              (route.bodyMediaTypes ?? ['application/json']).map((type) => [
                type,
                { schema: jsonSchema(route.body!, 'input') },
              ]),
            ),
          },
        }
      : {}),
    responses,
  }
}

export function openApiDocument(
  routes: readonly Route[],
  version: string,
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}
  for (const route of routes)
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route)
  paths[ROUTES.live] = {
    get: {
      summary:
        'WebSocket (upgrade): the server sends pokes ({type:"poke", seq}) and, to supervisors who sent {type:"watch_stations"}, station presence; stations send {type:"report", pending, lastSyncAt}. The session token goes in Sec-WebSocket-Protocol as "bearer.<token>".',
      operationId: 'live',
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
        fromServer: jsonSchema(serverLiveMessageSchema, 'output'),
        fromStation: jsonSchema(stationLiveMessageSchema, 'input'),
      },
    },
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Warmline central server',
      version,
      description:
        'Sync, accounts, directory, monitoring intake and customer email for the Warmline phone floor.',
    },
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'A session token, or an integration token for the monitoring intake',
        },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { type: 'string' }, message: { type: 'string' } },
            },
          },
        },
      },
    },
  }
}
