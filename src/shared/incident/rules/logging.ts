/** Commands for logging (rules 1, 2, 3). */
import { z } from 'zod'
import { editableFields, openedPayload, type EditableFields } from '../events'
import type { Ticket } from '../ticket'
import { IDENTITY_ITEMS_REQUIRED, type TicketKind } from '../vocabulary'
import {
  emit,
  refuse,
  requireWorking,
  single,
  WORKING,
  zodErrors,
  type CommandContext,
  type CommandResult,
  type RuleError,
} from './command'

export const openInputSchema = openedPayload.omit({ number: true, kind: true }).extend({
  kind: openedPayload.shape.kind.optional(),
  /** Account matters need identity verification (rule 3). */
  accountMatter: z.boolean().default(false),
})
export type OpenInput = z.input<typeof openInputSchema>

/** Rule 3: at least 3 of the 5 identity items, for account matters. */
export function identityVerified(verified: readonly string[]): boolean {
  return new Set(verified).size >= IDENTITY_ITEMS_REQUIRED
}

/**
 * Rule 1: every phone call starts as an Incident; rule 2: what logging captures; rule 3: identity
 * verification for account matters. `number` comes from the station's own sequence.
 */
export function openTicket(input: OpenInput, number: string, ctx: CommandContext): CommandResult {
  const parsed = openInputSchema.safeParse(input)
  if (!parsed.success) return refuse(...zodErrors(parsed.error))
  const { accountMatter, kind, ...fields } = parsed.data
  const errors: RuleError[] = []
  if (fields.source === 'phone' && kind && kind !== 'incident') {
    errors.push({
      field: 'kind',
      rule: 'rule 1',
      message:
        'A phone call starts as an Incident; reclassify it once it is clear there is no technical issue.',
    })
  }
  if (accountMatter && !identityVerified(fields.identityCheck?.verified ?? [])) {
    errors.push({
      field: 'identityCheck',
      rule: 'rule 3',
      message: `Account matters need ${IDENTITY_ITEMS_REQUIRED} of 5 identity items verified (full name, username, date of birth, university ID, address on file).`,
    })
  }
  if (errors.length) return refuse(...errors)
  const made = emit(ctx, ctx.newId(), 'opened', { ...fields, number, kind: kind ?? 'incident' })
  return made.ok ? { ok: true, events: [made.event] } : refuse(...made.errors)
}

/**
 * Rule 2: impact and urgency reflect current understanding and may change later — while the
 * ticket is worked. Rule 8: a resolution records the classification as agreed, so a resolved or
 * closed ticket's fields stay as they were; reopening it (rule 9) makes them editable again.
 */
export function changeFields(
  ticket: Ticket,
  changes: EditableFields,
  ctx: CommandContext,
): CommandResult {
  if (!WORKING.includes(ticket.state))
    return refuse({
      field: '',
      rule: 'rule 8',
      message:
        ticket.state === 'resolved'
          ? `Ticket ${ticket.number} is resolved: reopen it to change its details.`
          : `Ticket ${ticket.number} is closed: its details no longer change.`,
    })
  const parsed = editableFields.safeParse(changes)
  if (!parsed.success) return refuse(...zodErrors(parsed.error))
  const effective = Object.fromEntries(
    Object.entries(parsed.data).filter(
      ([key, value]) =>
        JSON.stringify(value) !==
        JSON.stringify((ticket as unknown as Record<string, unknown>)[key]),
    ),
  ) as EditableFields
  if (Object.keys(effective).length === 0) return { ok: true, events: [] }
  return single(ctx, ticket, 'fields_changed', { changes: effective })
}

/** Rule 1: reclassified once there is no technical issue; the history keeps the beginning. */
export function reclassify(
  ticket: Ticket,
  to: TicketKind,
  reason: string,
  ctx: CommandContext,
): CommandResult {
  const blocked = requireWorking(ticket, 'reclassify')
  if (blocked) return refuse(blocked)
  if (ticket.kind === to)
    return refuse({ field: 'to', message: `The ticket is already a ${to.replace('_', ' ')}.` })
  return single(ctx, ticket, 'reclassified', { to, reason })
}
