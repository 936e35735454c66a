/**
 * The central server's HTTP API as the queue's e2e test and benchmark drive it: first-run setup,
 * station enrollment, sign-in, pulls. Every response is parsed with the shared wire schemas.
 */
import {
  enrollmentCodeResponseSchema,
  enrollResponseSchema,
  pullResponseSchema,
  ROUTES,
  sessionResponseSchema,
} from '../../src/shared/sync/wire'

export function serverApi(server: string) {
  async function call<T>(
    route: string,
    init: { method?: string; token?: string; body?: unknown },
    parse: (value: unknown) => T,
  ): Promise<T> {
    const response = await fetch(`${server}${route}`, {
      method: init.method ?? 'GET',
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    })
    if (!response.ok) {
      throw new Error(
        `${init.method ?? 'GET'} ${route}: ${response.status} ${await response.text()}`,
      )
    }
    return parse(await response.json())
  }
  return {
    /** First run with the sample directory and the demo accounts; returns the admin's token. */
    setUp: async (password: string) =>
      (
        await call(
          ROUTES.setup,
          {
            method: 'POST',
            body: {
              username: 'admin',
              displayName: 'Test Admin',
              password,
              loadSampleDirectory: true,
              createDemoAccounts: true,
            },
          },
          (v) => sessionResponseSchema.parse(v),
        )
      ).token,
    issueCode: async (adminToken: string) =>
      (
        await call(ROUTES.enrollmentCodes, { method: 'POST', token: adminToken }, (v) =>
          enrollmentCodeResponseSchema.parse(v),
        )
      ).code,
    enroll: async (code: string, name: string) =>
      (
        await call(ROUTES.enroll, { method: 'POST', body: { code, name } }, (v) =>
          enrollResponseSchema.parse(v),
        )
      ).stationCode,
    login: async (username: string, password: string, stationCode?: string) =>
      (
        await call(
          ROUTES.session,
          { method: 'POST', body: { username, password, ...(stationCode ? { stationCode } : {}) } },
          (v) => sessionResponseSchema.parse(v),
        )
      ).token,
    pull: (token: string, after: number) =>
      call(`${ROUTES.events}?after=${after}&limit=1000`, { token }, (v) =>
        pullResponseSchema.parse(v),
      ),
  }
}

export type ServerApi = ReturnType<typeof serverApi>
