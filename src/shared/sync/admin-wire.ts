/**
 * The administrator's routes (issue 12, items 6 and 7) beside the sync wire: users, sessions,
 * stations, directory edits and the audit trail. Shared so the station's client and the server
 * cannot drift; ids travel in the body (the router matches whole paths).
 */
import { z } from 'zod'
import {
  callTemplateSchema,
  routingGuidanceSchema,
  ROLES,
  majorIncidentSettingsSchema,
  teamSchema,
  uniqueById,
  userSchema,
} from '../directory'
import { businessCalendarSchema } from '../incident/calendar'
import { followUpSchema, priorityTargetsSchema } from '../incident/priority'
import { API_PREFIX, createUserRequestSchema, newPasswordSchema } from './wire'

export const ADMIN_ROUTES = {
  /** GET (admin): every account, disabled ones too. */
  users: `${API_PREFIX}/admin/users`,
  /** POST (admin): disable or enable an account; disabling ends its sessions. */
  userStatus: `${API_PREFIX}/admin/users/status`,
  /** POST (admin): change an account's role. */
  userRole: `${API_PREFIX}/admin/users/role`,
  /** POST (admin): set a new password for someone; ends their sessions. */
  userPassword: `${API_PREFIX}/admin/users/password`,
  /** POST (any user): change one's own password, with the current one. */
  ownPassword: `${API_PREFIX}/session/password`,
  /** GET: open sessions (an admin sees everyone's, others their own). */
  sessions: `${API_PREFIX}/sessions`,
  /** POST: end a session (an admin any, others their own). */
  sessionRevoke: `${API_PREFIX}/sessions/revoke`,
  /** GET (admin): enrolled stations with when each was last seen. */
  stations: `${API_PREFIX}/admin/stations`,
  /** POST (admin): revoke a station: its sessions end and it can no longer sign in. */
  stationRevoke: `${API_PREFIX}/admin/stations/revoke`,
  /** POST (admin): delete one directory entry (a team, a routing rule, a template). */
  directoryDelete: `${API_PREFIX}/admin/directory/delete`,
  /** GET (admin): the audit trail of administration, newest first. */
  audit: `${API_PREFIX}/admin/audit`,
} as const

const username = userSchema.shape.username

export const adminUserSchema = userSchema.extend({
  disabled: z.boolean(),
  createdAt: z.number(),
})
export type AdminUser = z.infer<typeof adminUserSchema>

export const userStatusRequestSchema = z.object({ username, disabled: z.boolean() })
export const userRoleRequestSchema = z.object({ username, role: z.enum(ROLES) })
export const userPasswordRequestSchema = z.object({
  username,
  password: createUserRequestSchema.shape.password,
})
export const ownPasswordRequestSchema = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: newPasswordSchema,
})

export const sessionInfoSchema = z.object({
  /** Not the token: a short handle on the session, for revoking it. */
  id: z.string(),
  username: z.string(),
  stationCode: z.string().nullable(),
  createdAt: z.number(),
  expiresAt: z.number(),
  /** The session the request came with. */
  current: z.boolean(),
})
export type SessionInfo = z.infer<typeof sessionInfoSchema>
export const sessionsQuerySchema = z.object({ username: username.optional() })
export const sessionRevokeRequestSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/, 'must be a session id'),
})

export const stationRecordSchema = z.object({
  stationCode: z.string(),
  name: z.string(),
  enrolledAt: z.number(),
  /** The last time the station's live socket reported; null when it never connected. */
  lastSeenAt: z.number().nullable(),
  lastUser: z.string().nullable(),
  revokedAt: z.number().nullable(),
})
export type StationRecord = z.infer<typeof stationRecordSchema>
export const stationRevokeRequestSchema = z.object({
  stationCode: z.string().regex(/^[A-Z0-9]{1,12}$/, 'must be a station code'),
})

/** What the administrator's console saves: any sections, upserted by id (callers come by import). */
export const directoryEditSchema = z.object({
  teams: uniqueById(teamSchema).default([]),
  routingGuidance: uniqueById(routingGuidanceSchema).default([]),
  templates: uniqueById(callTemplateSchema).default([]),
  policy: priorityTargetsSchema.optional(),
  calendar: businessCalendarSchema.optional(),
  followUp: followUpSchema.optional(),
  /** Rule 10: the outage radar's threshold and who hierarchical escalation reaches. */
  majorIncidents: majorIncidentSettingsSchema.optional(),
})
export type DirectoryEdit = z.input<typeof directoryEditSchema>

export const DIRECTORY_SECTIONS = ['teams', 'routingGuidance', 'templates'] as const
export type DirectorySection = (typeof DIRECTORY_SECTIONS)[number]
export const directoryDeleteRequestSchema = z.object({
  section: z.enum(DIRECTORY_SECTIONS),
  id: teamSchema.shape.id,
})

export const directorySummarySchema = z.object({
  teams: z.number(),
  routingGuidance: z.number(),
  templates: z.number(),
  callers: z.number(),
  policy: z.boolean(),
  calendar: z.boolean(),
  followUp: z.boolean(),
})

export const auditEntrySchema = z.object({
  id: z.number().int().positive(),
  at: z.number(),
  actor: z.string(),
  /** What was done, e.g. `user.disabled`, `directory.saved`, `station.revoked`. */
  action: z.string(),
  /** What it was done to: a user name, a station code, a directory section. */
  target: z.string(),
  detail: z.record(z.string(), z.unknown()),
})
export type AuditEntry = z.infer<typeof auditEntrySchema>
export const auditQuerySchema = z.object({
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})
export const auditPageSchema = z.object({
  entries: z.array(auditEntrySchema),
  /** Ask with `before` = this for the older entries; null at the beginning of the trail. */
  next: z.number().nullable(),
})
export type AuditPage = z.infer<typeof auditPageSchema>

export const okSchema = z.object({ ok: z.literal(true) })
