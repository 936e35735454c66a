/**
 * The directory: teams, routing guidance, users and callers, and the call templates of the intake.
 * Administrators keep it current on the server; stations keep a copy for offline work.
 */
import { z } from 'zod'
import { businessCalendarSchema } from './incident/calendar'
import type { EventType } from './incident/events'
import { followUpSchema } from './incident/priority'
import { block, line } from './text'

export const ROLES = ['agent', 'supervisor', 'admin'] as const
export type Role = (typeof ROLES)[number]

const slug = z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be lower-case letters, digits and dashes')

export const teamSchema = z.object({
  id: slug,
  name: line({ max: 120, min: 1 }),
  tier: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** Rule 4: the number to warm-transfer to must be at hand while transferring. */
  warmTransferPhone: line({ max: 40 }),
  email: line({ max: 200 }),
  hours: line({ max: 200 }),
  description: block({ max: 1000 }).default(''),
})
export type Team = z.infer<typeof teamSchema>

/** Rule 5: which team takes which kind of incident, with the KB article that documents it. */
export const routingGuidanceSchema = z.object({
  id: slug,
  service: line({ max: 120, min: 1 }),
  /** Empty: the whole service. */
  category: line({ max: 120 }).default(''),
  teamId: slug,
  kbReference: line({ max: 200 }),
  notes: block({ max: 1000 }).default(''),
})
export type RoutingGuidance = z.infer<typeof routingGuidanceSchema>

export const userSchema = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,40}$/),
  displayName: line({ max: 120, min: 1 }),
  role: z.enum(ROLES),
})
export type User = z.infer<typeof userSchema>

export const callerRecordSchema = z.object({
  id: line({ max: 80, min: 1 }),
  name: line({ max: 120, min: 1 }),
  phone: line({ max: 40 }).default(''),
  email: line({ max: 200 }).default(''),
  username: line({ max: 40 }).default(''),
  department: line({ max: 120 }).default(''),
  role: line({ max: 80 }).default(''),
})
export type CallerRecord = z.infer<typeof callerRecordSchema>

/** Which agent answers at which phone extension: how a PBX's "answered by 204" finds the agent. */
export const extensionSchema = z.object({
  extension: line({ min: 1, max: 40 }),
  username: z.string().regex(/^[a-z0-9._-]{2,40}$/, 'must be a user name'),
})
export type Extension = z.infer<typeof extensionSchema>

export const callTemplateSchema = z.object({
  id: slug,
  label: line({ max: 60, min: 1 }),
  title: line({ max: 200, min: 1 }),
  service: line({ max: 120, min: 1 }),
  category: line({ max: 120, min: 1 }),
  subcategory: line({ max: 120 }).default(''),
  impact: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  urgency: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  accountMatter: z.boolean().default(false),
  description: block({ max: 2000 }).default(''),
})
export type CallTemplate = z.infer<typeof callTemplateSchema>

/**
 * A section of entries that are upserted by id: one id twice in a section would be two writes of
 * one row in one statement, which the database refuses, so it is refused here with the id named.
 */
export function uniqueById<T extends z.ZodType<{ id: string }>>(entry: T) {
  return z.array(entry).superRefine((items, ctx) => {
    const seen = new Set<string>()
    items.forEach((item, index) => {
      if (seen.has(item.id)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `"${item.id}" appears more than once in this section`,
        })
      }
      seen.add(item.id)
    })
  })
}

export const directorySchema = z.object({
  teams: uniqueById(teamSchema),
  routingGuidance: uniqueById(routingGuidanceSchema),
  callers: uniqueById(callerRecordSchema).default([]),
  templates: uniqueById(callTemplateSchema).default([]),
  /** Business hours, zone and holidays: P3/P4 targets count only open hours. */
  calendar: businessCalendarSchema.optional(),
  /** Rule 9: whether the server itself resolves a ticket whose customer went quiet. */
  followUp: followUpSchema.optional(),
})
export type Directory = z.infer<typeof directorySchema>

/**
 * Rule 5: the teams the guidance suggests for a service and category, most specific first
 * (an entry for the exact category before one for the whole service).
 */
export function suggestRouting(
  guidance: readonly RoutingGuidance[],
  service: string,
  category: string,
): RoutingGuidance[] {
  const norm = (s: string) => s.trim().toLowerCase()
  const forService = guidance.filter((g) => norm(g.service) === norm(service))
  const exact = forService.filter((g) => g.category !== '' && norm(g.category) === norm(category))
  const whole = forService.filter((g) => g.category === '')
  return [...exact, ...whole]
}

/**
 * Which roles may write which events. Agents and supervisors work tickets; redacting what a
 * customer already saw (rule 11) is a supervisor's call, so it is done by a second pair of eyes.
 */
const SUPERVISOR_ONLY: ReadonlySet<EventType> = new Set(['note_redacted'])
/**
 * Events the server alone writes: a breach is found by the server's clock, and what a customer
 * sent is recorded as it arrived; no person writes either.
 */
const SERVER_ONLY: ReadonlySet<EventType> = new Set(['sla_breached', 'customer_message_received'])
export function mayEmit(role: Role, type: EventType): boolean {
  if (SERVER_ONLY.has(type)) return false
  return role !== 'agent' || !SUPERVISOR_ONLY.has(type)
}
