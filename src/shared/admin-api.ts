/**
 * The administrator's methods of the station API (issue 12): the console in the renderer asks
 * main, which calls the server's admin routes with the signed-in user's token. Spread into
 * `stationApiSchemas`, so every transport carries them unchanged.
 */
import { z } from 'zod'
import { userSchema } from './directory'
import {
  adminUserSchema,
  auditPageSchema,
  directoryDeleteRequestSchema,
  directoryEditSchema,
  directorySummarySchema,
  okSchema,
  ownPasswordRequestSchema,
  sessionInfoSchema,
  sessionRevokeRequestSchema,
  sessionsQuerySchema,
  stationRecordSchema,
  stationRevokeRequestSchema,
  userPasswordRequestSchema,
  userRoleRequestSchema,
  userStatusRequestSchema,
} from './sync/admin-wire'
import { createUserRequestSchema, enrollmentCodeResponseSchema } from './sync/wire'

const empty = z.object({})

export const adminApiSchemas = {
  'admin.users': { request: empty, response: z.object({ users: z.array(adminUserSchema) }) },
  'admin.createUser': { request: createUserRequestSchema, response: userSchema },
  'admin.setUserDisabled': { request: userStatusRequestSchema, response: adminUserSchema },
  'admin.setUserRole': { request: userRoleRequestSchema, response: adminUserSchema },
  'admin.resetPassword': { request: userPasswordRequestSchema, response: okSchema },
  'admin.stations': {
    request: empty,
    response: z.object({ stations: z.array(stationRecordSchema) }),
  },
  /** A one-time code another station enrolls with (not this one: it has its code). */
  'admin.issueEnrollmentCode': { request: empty, response: enrollmentCodeResponseSchema },
  'admin.revokeStation': { request: stationRevokeRequestSchema, response: stationRecordSchema },
  'admin.sessions': {
    request: sessionsQuerySchema,
    response: z.object({ sessions: z.array(sessionInfoSchema) }),
  },
  'admin.revokeSession': { request: sessionRevokeRequestSchema, response: okSchema },
  'admin.saveDirectory': { request: directoryEditSchema, response: directorySummarySchema },
  'admin.deleteDirectoryEntry': { request: directoryDeleteRequestSchema, response: okSchema },
  'admin.audit': {
    request: z.object({ before: z.number().int().min(1).optional() }),
    response: auditPageSchema,
  },
  /** Anyone signed in online: their own password, with the current one. */
  'session.changePassword': { request: ownPasswordRequestSchema, response: okSchema },
} as const
