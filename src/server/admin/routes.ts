/**
 * The administrator's routes (issue 12, items 6 and 7), and the account routes any signed-in
 * person has: change one's own password, see and end one's sessions. Every change is audited in
 * its own transaction (admin/audit.ts).
 */
import { z } from 'zod'
import {
  ADMIN_ROUTES,
  adminUserSchema,
  auditPageSchema,
  auditQuerySchema,
  directoryDeleteRequestSchema,
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
} from '../../shared/sync/admin-wire'
import { errorBodySchema } from '../../shared/sync/wire'
import type { Principal } from '../accounts'
import { allowed, loginBudgets, type AttemptLimiter } from '../auth/rate-limit'
import type { Database } from '../db/database'
import { deleteDirectoryEntry } from '../directory-store'
import { ApiError } from '../http/http'
import { route, type Route } from '../http/router'
import { listAudit } from './audit'
import {
  listSessions,
  listStationRecords,
  revokeSessionByHandle,
  revokeStation,
} from './sessions-stations'
import { changeOwnPassword, listAccounts, resetPassword, setDisabled, setRole } from './users'

export interface AdminContext {
  db: Database
  now: () => number
  limiter: AttemptLimiter
}

type UserPrincipal = Extract<Principal, { kind: 'user' }>

/** The routes' access levels let only users through; this narrows the type accordingly. */
export function userOf(principal: Principal | null): UserPrincipal {
  if (principal?.kind !== 'user') throw new Error('route needs a user principal')
  return principal
}

const ok = (body: unknown, status = 200) => ({ status, body })
const error = (description: string) => ({ description, schema: errorBodySchema })
const DONE = { ok: true } as const

export function adminRoutes({ db, now, limiter }: AdminContext): Route[] {
  return [
    route({
      method: 'GET',
      path: ADMIN_ROUTES.users,
      operationId: 'listAccounts',
      tag: 'users',
      summary: 'Every user account, disabled ones included',
      access: 'admin',
      responses: {
        200: { description: 'Accounts', schema: z.object({ users: z.array(adminUserSchema) }) },
      },
      handle: async () => ok({ users: await listAccounts(db) }),
    }),
    route({
      method: 'POST',
      path: ADMIN_ROUTES.userStatus,
      operationId: 'setUserDisabled',
      tag: 'users',
      summary: 'Disable an account (its sessions end at once) or enable it again',
      access: 'admin',
      body: userStatusRequestSchema,
      responses: {
        200: { description: 'The account now', schema: adminUserSchema },
        404: error('No such user'),
        409: error('It would leave no active administrator'),
      },
      handle: async ({ body, principal }) =>
        ok(await setDisabled(db, userOf(principal).user.username, body, now())),
    }),
    route({
      method: 'POST',
      path: ADMIN_ROUTES.userRole,
      operationId: 'setUserRole',
      tag: 'users',
      summary: "Change an account's role",
      access: 'admin',
      body: userRoleRequestSchema,
      responses: {
        200: { description: 'The account now', schema: adminUserSchema },
        404: error('No such user'),
        409: error('It would leave no active administrator'),
      },
      handle: async ({ body, principal }) =>
        ok(await setRole(db, userOf(principal).user.username, body, now())),
    }),
    route({
      method: 'POST',
      path: ADMIN_ROUTES.userPassword,
      operationId: 'resetUserPassword',
      tag: 'users',
      summary: "Set a new password for someone (never sent by email); the account's sessions end",
      access: 'admin',
      body: userPasswordRequestSchema,
      responses: {
        200: { description: 'Done', schema: okSchema },
        404: error('No such user'),
      },
      handle: async ({ body, principal }) => {
        await resetPassword(db, userOf(principal).user.username, body, now())
        return ok(DONE)
      },
    }),
    route({
      method: 'POST',
      path: ADMIN_ROUTES.ownPassword,
      operationId: 'changeOwnPassword',
      tag: 'sessions',
      summary: 'Change your own password with the current one; your other sessions end',
      access: 'user',
      body: ownPasswordRequestSchema,
      responses: {
        200: { description: 'Changed', schema: okSchema },
        429: error('Too many wrong current passwords'),
      },
      handle: async ({ body, principal, ip }) => {
        const self = userOf(principal)
        const budgets = loginBudgets(self.user.username, ip)
        const attempt = await allowed(await limiter.begin(budgets))
        let changed
        try {
          changed = await changeOwnPassword(
            db,
            { username: self.user.username, tokenHash: self.tokenHash },
            body,
            now(),
          )
        } catch (e) {
          await attempt.cancel()
          throw e
        }
        if (!changed) {
          await attempt.failed()
          throw new ApiError(
            400,
            'wrong_password',
            'currentPassword: this is not your current password.',
          )
        }
        await attempt.succeeded([budgets[0]])
        return ok(DONE)
      },
    }),
    route({
      method: 'GET',
      path: ADMIN_ROUTES.sessions,
      operationId: 'listSessions',
      tag: 'sessions',
      summary:
        "Open sessions: an administrator sees everyone's (or one user's, with `username`), others their own",
      access: 'user',
      query: sessionsQuerySchema,
      responses: {
        200: {
          description: 'Sessions, newest first',
          schema: z.object({ sessions: z.array(sessionInfoSchema) }),
        },
      },
      handle: async ({ query, principal }) => {
        const self = userOf(principal)
        const username = self.user.role === 'admin' ? query.username : self.user.username
        return ok({
          sessions: await listSessions(db, { username, currentHash: self.tokenHash, now: now() }),
        })
      },
    }),
    route({
      method: 'POST',
      path: ADMIN_ROUTES.sessionRevoke,
      operationId: 'revokeSession',
      tag: 'sessions',
      summary: 'End a session: an administrator any, others their own',
      access: 'user',
      body: sessionRevokeRequestSchema,
      responses: {
        200: { description: 'Ended', schema: okSchema },
        404: error('No open session with this id (that you may end)'),
      },
      handle: async ({ body, principal }) => {
        const self = userOf(principal)
        const owner = self.user.role === 'admin' ? null : self.user.username
        await revokeSessionByHandle(db, self.user.username, { id: body.id, owner }, now())
        return ok(DONE)
      },
    }),
    route({
      method: 'GET',
      path: ADMIN_ROUTES.stations,
      operationId: 'listStationRecords',
      tag: 'stations',
      summary: 'Enrolled stations, when each was last seen, and which are revoked',
      access: 'admin',
      responses: {
        200: {
          description: 'Stations',
          schema: z.object({ stations: z.array(stationRecordSchema) }),
        },
      },
      handle: async () => ok({ stations: await listStationRecords(db) }),
    }),
    route({
      method: 'POST',
      path: ADMIN_ROUTES.stationRevoke,
      operationId: 'revokeStation',
      tag: 'stations',
      summary: 'Revoke a station: its sessions end and it can no longer sign in',
      access: 'admin',
      body: stationRevokeRequestSchema,
      responses: {
        200: { description: 'The station now', schema: stationRecordSchema },
        404: error('No such station'),
      },
      handle: async ({ body, principal }) =>
        ok(await revokeStation(db, userOf(principal).user.username, body.stationCode, now())),
    }),
    route({
      method: 'POST',
      path: ADMIN_ROUTES.directoryDelete,
      operationId: 'deleteDirectoryEntry',
      tag: 'directory',
      summary: 'Delete a team, a routing rule or a call template',
      access: 'admin',
      body: directoryDeleteRequestSchema,
      responses: {
        200: { description: 'Deleted', schema: okSchema },
        404: error('No such entry'),
        409: error('Routing guidance still sends calls to this team'),
      },
      handle: async ({ body, principal }) => {
        await deleteDirectoryEntry(db, userOf(principal).user.username, body, now())
        return ok(DONE)
      },
    }),
    route({
      method: 'GET',
      path: ADMIN_ROUTES.audit,
      operationId: 'listAudit',
      tag: 'audit',
      summary: 'The audit trail of administration, newest first, in pages',
      access: 'admin',
      query: auditQuerySchema,
      responses: { 200: { description: 'A page', schema: auditPageSchema } },
      handle: async ({ query }) => ok(await listAudit(db, query)),
    }),
  ]
}
