/**
 * Routes as data: method, path, who may call, request and response schemas, handler. The same
 * table serves requests and produces the OpenAPI document, so the two cannot drift apart.
 */
import type { IncomingMessage } from 'node:http'
import type { z } from 'zod'
import type { Role } from '../../shared/directory'
import type { Principal } from '../accounts'

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/**
 * `none`: anyone; `user`: any signed-in user; `supervisor`: supervisors and admins; `admin`:
 * admins; `monitoring`: an integration token of Event Management, or an admin; `cti`: an
 * integration token of the phone system (also accepted as `?token=`), or an admin.
 */
export type Access = 'none' | 'user' | 'supervisor' | 'admin' | 'monitoring' | 'cti'

export const ACCESS_ROLES: Record<
  Exclude<Access, 'none' | 'monitoring' | 'cti'>,
  readonly Role[]
> = {
  user: ['agent', 'supervisor', 'admin'],
  supervisor: ['supervisor', 'admin'],
  admin: ['admin'],
}

export interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
}

export interface HandlerArgs<B, Q> {
  req: IncomingMessage
  ip: string
  body: B
  query: Q
  /** Null only on `access: 'none'` routes. */
  principal: Principal | null
  /** The bearer token as sent, for routes that act on the session itself. */
  token: string | null
}

type Output<S> = S extends z.ZodType ? z.output<S> : undefined

/** The document's groups of operations; openapi.ts describes each. */
export type Tag =
  | 'system'
  | 'setup'
  | 'sessions'
  | 'stations'
  | 'events'
  | 'directory'
  | 'users'
  | 'monitoring'
  | 'calls'
  | 'mail'

/**
 * What the route answers besides the errors every route of its kind has: the OpenAPI document
 * adds 400 (a body or query), 413 (a body), 401 and 403 (authenticated) by itself.
 */
export type Responses = Record<number, { description: string; schema?: z.ZodType }>

interface RouteMeta {
  method: Method
  path: string
  /** Unique and stable: generated clients name their methods after it. */
  operationId: string
  tag: Tag
  summary: string
  /** Longer prose for the document, where the summary cannot say it all. */
  description?: string
  access: Access
  responses: Responses
}

export interface Route extends RouteMeta {
  body?: z.ZodType
  /**
   * What the document shows as the body, when the runtime schema is deliberately looser (a push
   * accepts any items so that each bad event gets its own rejection instead of failing the batch).
   */
  documentedBody?: z.ZodType
  query?: z.ZodType
  /** Reads the raw body before `body` validates it; default: JSON. */
  parseBody?(raw: Buffer, contentType: string): unknown
  /** The body's media types for the OpenAPI document; default: JSON only. */
  bodyMediaTypes?: readonly string[]
  handle(args: HandlerArgs<unknown, unknown>): Promise<Reply>
}

/** Declares a route; the handler's `body` and `query` are typed from the schemas. */
export function route<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
>(
  spec: RouteMeta & {
    body?: B
    documentedBody?: z.ZodType
    query?: Q
    parseBody?(raw: Buffer, contentType: string): unknown
    bodyMediaTypes?: readonly string[]
    handle(args: HandlerArgs<Output<B>, Output<Q>>): Promise<Reply>
  },
): Route {
  return spec as unknown as Route
}
