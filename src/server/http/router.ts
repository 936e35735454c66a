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

export interface Route {
  method: Method
  path: string
  summary: string
  access: Access
  body?: z.ZodType
  query?: z.ZodType
  responses: Record<number, { description: string; schema?: z.ZodType }>
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
>(spec: {
  method: Method
  path: string
  summary: string
  access: Access
  body?: B
  query?: Q
  responses: Record<number, { description: string; schema?: z.ZodType }>
  parseBody?(raw: Buffer, contentType: string): unknown
  bodyMediaTypes?: readonly string[]
  handle(args: HandlerArgs<Output<B>, Output<Q>>): Promise<Reply>
}): Route {
  return spec as unknown as Route
}
