/** Who may do what: first-run setup, sign-in, sessions, roles, station enrollment. */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createIntegrationToken, issueEnrollmentCode } from '../../src/server/accounts'
import { tokenHash } from '../../src/server/auth/secrets'
import type { RunningServer } from '../../src/server/index'
import { DEMO_PASSWORD } from '../../src/server/setup'
import { directorySnapshotSchema } from '../../src/shared/station-api'
import { ROUTES, sessionResponseSchema } from '../../src/shared/sync/wire'
import {
  call,
  countRows,
  forEachBackend,
  push,
  startTestServer,
  station,
  storedEvent,
  uniqueName,
  userWithToken,
} from './harness'
import { openedTicket, stationAuthor } from './events'

forEachBackend((backend) => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startTestServer(backend().db)
  })
  afterAll(() => server.close())

  // First in the file: setup needs a database without users.
  it('first run: setup creates the administrator, the sample directory and demo accounts, once', async () => {
    expect((await call(server, 'GET', ROUTES.setup)).body).toEqual({ needsSetup: true })
    const weak = await call(server, 'POST', ROUTES.setup, {
      body: { username: 'root', displayName: 'Root', password: 'short' },
    })
    expect(weak.status).toBe(400)
    expect(weak.body.error.message).toMatch(/10 characters/)

    const setup = await call(server, 'POST', ROUTES.setup, {
      body: {
        username: 'itadmin',
        displayName: 'IT Admin',
        password: 'a-long-password',
        createDemoAccounts: true,
      },
    })
    expect(setup.status).toBe(201)
    expect(sessionResponseSchema.parse(setup.body).user).toEqual({
      username: 'itadmin',
      displayName: 'IT Admin',
      role: 'admin',
    })

    const directory = await call(server, 'GET', ROUTES.directory, { token: setup.body.token })
    const snapshot = directorySnapshotSchema.parse(directory.body)
    expect(snapshot.teams.length).toBeGreaterThanOrEqual(12)
    expect(snapshot.templates.map((t) => t.id)).toEqual(
      expect.arrayContaining([
        'password-reset',
        'vpn',
        'wifi',
        'printer',
        'email',
        'software-install',
      ]),
    )
    expect(snapshot.users.map((u) => u.username)).toEqual(
      expect.arrayContaining(['agent1', 'super1', 'itadmin']),
    )

    const agent = await call(server, 'POST', ROUTES.session, {
      body: { username: 'agent1', password: DEMO_PASSWORD },
    })
    expect(agent.status).toBe(200)
    expect(agent.body.user.role).toBe('agent')

    expect((await call(server, 'GET', ROUTES.setup)).body).toEqual({ needsSetup: false })
    const users = await countRows(backend().db, 'users')
    const again = await call(server, 'POST', ROUTES.setup, {
      body: { username: 'intruder', displayName: 'X', password: 'a-long-password' },
    })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('already_set_up')
    expect(await countRows(backend().db, 'users')).toBe(users)
  })

  it('refuses requests without a token, with an unknown, expired or revoked token', async () => {
    const { token: expired } = await userWithToken(backend().db, 'agent', {
      now: Date.now() - 10_000,
      ttlMs: 1_000,
    })
    const { token } = await userWithToken(backend().db, 'agent')
    const none = await call(server, 'GET', ROUTES.directory)
    expect(none.status).toBe(401)
    expect(none.body.error.code).toBe('unauthenticated')
    expect((await call(server, 'GET', ROUTES.directory, { token: 'not-a-token' })).status).toBe(401)
    const old = await call(server, 'GET', ROUTES.directory, { token: expired })
    expect([old.status, old.body.error.code]).toEqual([401, 'session_expired'])

    expect((await call(server, 'GET', ROUTES.directory, { token })).status).toBe(200)
    expect((await call(server, 'DELETE', ROUTES.session, { token })).status).toBe(204)
    expect((await call(server, 'GET', ROUTES.directory, { token })).status).toBe(401)
  })

  it('keeps admin routes from agents and supervisors, and the floor view from agents', async () => {
    const agent = await userWithToken(backend().db, 'agent')
    const supervisor = await userWithToken(backend().db, 'supervisor')
    const admin = await userWithToken(backend().db, 'admin')
    const newUser = {
      username: uniqueName('new'),
      displayName: 'New Agent',
      role: 'agent',
      password: 'another-long-one',
    }
    for (const token of [agent.token, supervisor.token]) {
      expect((await call(server, 'POST', ROUTES.users, { token, body: newUser })).status).toBe(403)
      expect((await call(server, 'POST', ROUTES.enrollmentCodes, { token })).status).toBe(403)
      expect(
        (await call(server, 'PUT', ROUTES.directory, { token, body: { teams: [] } })).status,
      ).toBe(403)
    }
    expect((await call(server, 'GET', ROUTES.stations, { token: agent.token })).status).toBe(403)
    expect((await call(server, 'GET', ROUTES.stations, { token: supervisor.token })).status).toBe(
      200,
    )

    const created = await call(server, 'POST', ROUTES.users, { token: admin.token, body: newUser })
    expect(created.status).toBe(201)
    expect(created.body).toEqual({
      username: newUser.username,
      displayName: 'New Agent',
      role: 'agent',
    })
    expect(
      (await call(server, 'POST', ROUTES.users, { token: admin.token, body: newUser })).status,
    ).toBe(409)
    expect(
      (
        await call(server, 'POST', ROUTES.session, {
          body: { username: newUser.username, password: newUser.password },
        })
      ).status,
    ).toBe(200)
  })

  it('gives an integration token the monitoring intake only', async () => {
    const token = await createIntegrationToken(backend().db, uniqueName('nagios'), Date.now())
    const denied = await call(server, 'GET', ROUTES.events, { token })
    expect([denied.status, denied.body.error.code]).toEqual([403, 'forbidden'])
    expect(
      (await call(server, 'POST', ROUTES.events, { token, body: { events: [{}] } })).status,
    ).toBe(403)
  })

  it('rejects events written in another user’s name', async () => {
    const code = await station(backend().db)
    const alice = await userWithToken(backend().db, 'agent', { stationCode: code })
    const bob = await userWithToken(backend().db, 'agent', { stationCode: code })
    const { event } = openedTicket(stationAuthor(alice.username, code))
    const reply = await push(server, bob.token, [event])
    expect(reply.results[0]).toMatchObject({ status: 'rejected', code: 'actor_mismatch' })
    expect(await storedEvent(backend().db, event.id)).toBeUndefined()
  })

  it('limits failed sign-ins per address and user name', async () => {
    const { username } = await userWithToken(backend().db, 'agent')
    for (let i = 0; i < 5; i++) {
      const wrong = await call(server, 'POST', ROUTES.session, {
        body: { username, password: `wrong-${i}` },
      })
      expect([wrong.status, wrong.body.error.code]).toEqual([401, 'invalid_credentials'])
    }
    const limited = await call(server, 'POST', ROUTES.session, {
      body: { username, password: 'test-password-1' },
    })
    expect([limited.status, limited.body.error.code]).toEqual([429, 'too_many_attempts'])
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
    // Another user from the same address is not locked out with it.
    const other = await userWithToken(backend().db, 'agent')
    expect(
      (
        await call(server, 'POST', ROUTES.session, {
          body: { username: other.username, password: 'test-password-1' },
        })
      ).status,
    ).toBe(200)
  })

  it('enrolls a station once per code; a session on it may push only that station’s events', async () => {
    const { code } = await issueEnrollmentCode(backend().db, 'test', Date.now())
    const enrolled = await call(server, 'POST', ROUTES.enroll, {
      body: { code: code.toLowerCase(), name: 'Front desk 3' },
    })
    expect(enrolled.status).toBe(200)
    expect(enrolled.body).toEqual({
      stationCode: expect.stringMatching(/^S\d+$/),
      name: 'Front desk 3',
      sessionBound: false,
      highestSequence: 0,
    })
    const reuse = await call(server, 'POST', ROUTES.enroll, { body: { code, name: 'Another' } })
    expect([reuse.status, reuse.body.error.code]).toEqual([403, 'invalid_enrollment_code'])

    const { username } = await userWithToken(backend().db, 'agent')
    const unknown = await call(server, 'POST', ROUTES.session, {
      body: { username, password: 'test-password-1', stationCode: 'NOPE1' },
    })
    expect([unknown.status, unknown.body.error.code]).toEqual([403, 'unknown_station'])
    const login = await call(server, 'POST', ROUTES.session, {
      body: { username, password: 'test-password-1', stationCode: enrolled.body.stationCode },
    })
    expect(login.status).toBe(200)
    const elsewhere = openedTicket(stationAuthor(username, 'OTHER1')).event
    const here = openedTicket(stationAuthor(username, enrolled.body.stationCode)).event
    const reply = await push(server, login.body.token, [elsewhere, here])
    expect(reply.results.map((r) => r.status)).toEqual(['rejected', 'applied'])
    expect(reply.results[0]).toMatchObject({ code: 'station_mismatch' })
  })

  it('binds the session of the user signed in while the station enrolls to the new station, in the same transaction', async () => {
    const agent = await userWithToken(backend().db, 'agent')
    const stationOf = async (token: string) =>
      (
        await backend().db.query<{ station_code: string | null }>(
          'SELECT station_code FROM sessions WHERE token_hash = $1',
          [tokenHash(token)],
        )
      )[0]?.station_code ?? null
    expect(await stationOf(agent.token)).toBeNull()

    // A used code enrolls nothing and binds nothing.
    const refused = await call(server, 'POST', ROUTES.enroll, {
      token: agent.token,
      body: { code: 'AAAA-BBBB-CCCC', name: 'Desk' },
    })
    expect(refused.status).toBe(403)
    expect(await stationOf(agent.token)).toBeNull()

    const { code } = await issueEnrollmentCode(backend().db, 'test', Date.now())
    const enrolled = await call(server, 'POST', ROUTES.enroll, {
      token: agent.token,
      body: { code, name: 'Desk 9' },
    })
    expect(enrolled.body).toMatchObject({ sessionBound: true })
    expect(await stationOf(agent.token)).toBe(enrolled.body.stationCode)
    const reply = await push(server, agent.token, [
      openedTicket(stationAuthor(agent.username, enrolled.body.stationCode)).event,
    ])
    expect(reply.results.map((r) => r.status)).toEqual(['applied'])

    // An unknown bearer token does not stop the enrollment: the station signs in afterwards.
    const second = await issueEnrollmentCode(backend().db, 'test', Date.now())
    const stray = await call(server, 'POST', ROUTES.enroll, {
      token: 'not-a-session-token',
      body: { code: second.code, name: 'Desk 10' },
    })
    expect([stray.status, stray.body.sessionBound]).toEqual([200, false])
  })
})
