/** What every command shares: its context, its result, and how an event is made and checked. */
import { z } from 'zod'
import {
  EVENT_SCHEMA_VERSION,
  ticketEventSchema,
  type EventType,
  type PayloadOf,
  type TicketEvent,
} from '../events'
import type { Ticket } from '../ticket'

export interface CommandContext {
  actor: string
  station: string
  /** Wall clock, ms. */
  now(): number
  /** The next hybrid logical clock value of this station. */
  nextHlc(): string
  /** A new UUIDv7. */
  newId(): string
}

export interface RuleError {
  /** The form field the message belongs to, or '' for the whole action. */
  field: string
  message: string
  /** The PRODUCT.md rule that refused it, e.g. "rule 8". */
  rule?: string
}

export type CommandResult = { ok: true; events: TicketEvent[] } | { ok: false; errors: RuleError[] }

export const refuse = (...errors: RuleError[]): CommandResult => ({ ok: false, errors })

export function zodErrors(error: z.ZodError, prefix = ''): RuleError[] {
  return error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }))
}

/** One event of `type` by `ctx`, validated by the event schema (for commands in other modules too). */
export function emit<T extends EventType>(
  ctx: CommandContext,
  ticketId: string,
  type: T,
  payload: PayloadOf<T>,
): { ok: true; event: TicketEvent } | { ok: false; errors: RuleError[] } {
  const parsed = ticketEventSchema.safeParse({
    id: ctx.newId(),
    ticketId,
    type,
    actor: ctx.actor,
    station: ctx.station,
    hlc: ctx.nextHlc(),
    schemaVersion: EVENT_SCHEMA_VERSION,
    payload,
  })
  return parsed.success
    ? { ok: true, event: parsed.data }
    : { ok: false, errors: zodErrors(parsed.error) }
}

export function single<T extends EventType>(
  ctx: CommandContext,
  ticket: Ticket,
  type: T,
  payload: PayloadOf<T>,
): CommandResult {
  const made = emit(ctx, ticket.id, type, payload)
  return made.ok ? { ok: true, events: [made.event] } : refuse(...made.errors)
}

export const WORKING: Ticket['state'][] = ['open', 'on_hold']

export function requireWorking(ticket: Ticket, action: string): RuleError | null {
  return WORKING.includes(ticket.state)
    ? null
    : {
        field: '',
        message: `Cannot ${action}: ticket ${ticket.number} is ${ticket.state.replace('_', ' ')}.`,
      }
}
