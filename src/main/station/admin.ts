/**
 * The administrator's console in main (issue 12): each station method calls one server route
 * with the signed-in user's token, and the answer is parsed against the station API's own
 * response schema. The server does the role checks; main only relays.
 */
import type { z } from 'zod'
import { adminApiSchemas } from '../../shared/admin-api'
import { ADMIN_ROUTES } from '../../shared/sync/admin-wire'
import { ROUTES } from '../../shared/sync/wire'
import type { StationHandlers } from './dispatch'
import type { ServerClient } from './server-client'

type AdminMethod = keyof typeof adminApiSchemas

export function adminHandlers(
  client: ServerClient,
  token: () => string,
): Pick<StationHandlers, AdminMethod> {
  const send = <M extends AdminMethod>(
    method: M,
    verb: 'GET' | 'POST' | 'PUT',
    route: string,
    body?: unknown,
  ): Promise<z.output<(typeof adminApiSchemas)[M]['response']>> =>
    client.request(verb, route, adminApiSchemas[method].response as z.ZodType, {
      token: token(),
      body,
    }) as Promise<z.output<(typeof adminApiSchemas)[M]['response']>>
  return {
    'admin.users': () => send('admin.users', 'GET', ADMIN_ROUTES.users),
    'admin.createUser': (body) => send('admin.createUser', 'POST', ROUTES.users, body),
    'admin.setUserDisabled': (body) =>
      send('admin.setUserDisabled', 'POST', ADMIN_ROUTES.userStatus, body),
    'admin.setUserRole': (body) => send('admin.setUserRole', 'POST', ADMIN_ROUTES.userRole, body),
    'admin.resetPassword': (body) =>
      send('admin.resetPassword', 'POST', ADMIN_ROUTES.userPassword, body),
    'admin.stations': () => send('admin.stations', 'GET', ADMIN_ROUTES.stations),
    'admin.issueEnrollmentCode': () =>
      send('admin.issueEnrollmentCode', 'POST', ROUTES.enrollmentCodes),
    'admin.revokeStation': (body) =>
      send('admin.revokeStation', 'POST', ADMIN_ROUTES.stationRevoke, body),
    'admin.sessions': ({ username }) =>
      send(
        'admin.sessions',
        'GET',
        username
          ? `${ADMIN_ROUTES.sessions}?${new URLSearchParams({ username })}`
          : ADMIN_ROUTES.sessions,
      ),
    'admin.revokeSession': (body) =>
      send('admin.revokeSession', 'POST', ADMIN_ROUTES.sessionRevoke, body),
    'admin.saveDirectory': (body) => send('admin.saveDirectory', 'PUT', ROUTES.directory, body),
    'admin.deleteDirectoryEntry': (body) =>
      send('admin.deleteDirectoryEntry', 'POST', ADMIN_ROUTES.directoryDelete, body),
    'admin.audit': ({ before }) =>
      send(
        'admin.audit',
        'GET',
        before ? `${ADMIN_ROUTES.audit}?before=${before}` : ADMIN_ROUTES.audit,
      ),
    'session.changePassword': (body) =>
      send('session.changePassword', 'POST', ADMIN_ROUTES.ownPassword, body),
  }
}
