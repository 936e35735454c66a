/**
 * The directory: teams, routing guidance, users and callers, and the call templates of the intake.
 * Administrators keep it current on the server; stations keep a copy for offline work.
 */
import { z } from 'zod'
import { line } from './text'
import type { EventType } from './incident/events'

export const ROLES = ['agent', 'supervisor', 'admin'] as const
export type Role = (typeof ROLES)[number]

const slug = z.string().regex(/^[a-z0-9-]{2,40}$/, 'must be lower-case letters, digits and dashes')

export const teamSchema = z.object({
  id: slug,
  name: z.string().trim().min(1).max(120),
  tier: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  /** Rule 4: the number to warm-transfer to must be at hand while transferring. */
  warmTransferPhone: z.string().trim().max(40),
  email: z.string().trim().max(200),
  hours: z.string().trim().max(200),
  description: z.string().trim().max(1000).default(''),
})
export type Team = z.infer<typeof teamSchema>

/** Rule 5: which team takes which kind of incident, with the KB article that documents it. */
export const routingGuidanceSchema = z.object({
  id: slug,
  service: z.string().trim().min(1).max(120),
  /** Empty: the whole service. */
  category: z.string().trim().max(120).default(''),
  teamId: slug,
  kbReference: z.string().trim().max(200),
  notes: z.string().trim().max(1000).default(''),
})
export type RoutingGuidance = z.infer<typeof routingGuidanceSchema>

export const userSchema = z.object({
  username: z.string().regex(/^[a-z0-9._-]{2,40}$/),
  displayName: z.string().trim().min(1).max(120),
  role: z.enum(ROLES),
})
export type User = z.infer<typeof userSchema>

export const callerRecordSchema = z.object({
  id: z.string().trim().min(1).max(80),
  name: z.string().trim().min(1).max(120),
  phone: z.string().trim().max(40).default(''),
  email: z.string().trim().max(200).default(''),
  username: z.string().trim().max(40).default(''),
  department: z.string().trim().max(120).default(''),
  role: z.string().trim().max(80).default(''),
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
  label: z.string().trim().min(1).max(60),
  title: z.string().trim().min(1).max(200),
  service: z.string().trim().min(1).max(120),
  category: z.string().trim().min(1).max(120),
  subcategory: z.string().trim().max(120).default(''),
  impact: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  urgency: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
  accountMatter: z.boolean().default(false),
  description: z.string().trim().max(2000).default(''),
})
export type CallTemplate = z.infer<typeof callTemplateSchema>

export const directorySchema = z.object({
  teams: z.array(teamSchema),
  routingGuidance: z.array(routingGuidanceSchema),
  callers: z.array(callerRecordSchema).default([]),
  templates: z.array(callTemplateSchema).default([]),
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
export function mayEmit(role: Role, type: EventType): boolean {
  return role !== 'agent' || !SUPERVISOR_ONLY.has(type)
}
