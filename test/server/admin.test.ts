/**
 * The administrator's routes (issue 12, items 6 and 7) on PGlite and PostgreSQL: accounts,
 * sessions, stations, directory edits, the audit trail — role checks, and a 4xx for every bad
 * input.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index'
import { ADMIN_ROUTES, type AuditEntry } from '../../src/shared/sync/admin-wire'
import { ROUTES } from '../../src/shared/sync/wire'
import { call, forEachBackend, startTestServer, uniqueName, userWithToken } from './harness'

const PASSWORD = 'test-password-1'

forEachBackend((backend) => {
  let server: RunningServer
  let admin: { username: string; token: string }
  let agent: { username: string; token: string }
  beforeAll(async () => {
    server = await startTestServer(backend().db)
    admin = await userWithToken(backend().db, 'admin')
    agent = await userWithToken(backend().db, 'agent')
  })
  afterAll(() => server.close())

  const signIn = (username: string, password = PASSWORD, stationCode?: string) =>
    call<{ token: string }>(server, 'POST', ROUTES.session, {
      body: { username, password, ...(stationCode ? { stationCode } : {}) },
    })
  const asAdmin = (method: string, path: string, body?: unknown) =>
    call(server, method, path, { token: admin.token, ...(body === undefined ? {} : { body }) })
  const directoryOk = async (token: string) =>
    (await call(server, 'GET', ROUTES.directory, { token })).status
  const latestAudit = async (): Promise<AuditEntry> =>
    (await asAdmin('GET', `${ADMIN_ROUTES.audit}?limit=1`)).body.entries[0]

  describe('accounts', () => {
    it('creates a user, lists it, and records who did it', async () => {
      const username = uniqueName('new')
      const created = await asAdmin('POST', ROUTES.users, {
        username,
        displayName: 'New Person',
        role: 'agent',
        password: 'Spring-2026-x',
      })
      expect(created.status).toBe(201)
      const list = await asAdmin('GET', ADMIN_ROUTES.users)
      expect(list.body.users).toContainEqual(
        expect.objectContaining({ username, role: 'agent', disabled: false }),
      )
      expect(await latestAudit()).toMatchObject({
        actor: admin.username,
        action: 'user.created',
        target: username,
        detail: { role: 'agent' },
      })
    })

    it('disabling a user ends their sessions and refuses their sign-in; enabling lets them back', async () => {
      const person = await userWithToken(backend().db, 'agent')
      expect(await directoryOk(person.token)).toBe(200)
      const disabled = await asAdmin('POST', ADMIN_ROUTES.userStatus, {
        username: person.username,
        disabled: true,
      })
      expect(disabled).toMatchObject({ status: 200, body: { disabled: true } })
      expect(await directoryOk(person.token)).toBe(401)
      expect((await signIn(person.username)).status).toBe(401)
      expect(await latestAudit()).toMatchObject({
        action: 'user.disabled',
        target: person.username,
        detail: { sessionsEnded: 1 },
      })
      await asAdmin('POST', ADMIN_ROUTES.userStatus, { username: person.username, disabled: false })
      expect((await signIn(person.username)).status).toBe(200)
      // The session that was ended stays ended.
      expect(await directoryOk(person.token)).toBe(401)
    })

    it('changes a role, and answers 404 for a user who does not exist', async () => {
      const person = await userWithToken(backend().db, 'agent')
      const changed = await asAdmin('POST', ADMIN_ROUTES.userRole, {
        username: person.username,
        role: 'supervisor',
      })
      expect(changed).toMatchObject({ status: 200, body: { role: 'supervisor' } })
      expect(await latestAudit()).toMatchObject({
        action: 'user.role_changed',
        detail: { from: 'agent', to: 'supervisor' },
      })
      const missing = await asAdmin('POST', ADMIN_ROUTES.userRole, {
        username: 'nobody-here',
        role: 'agent',
      })
      expect(missing).toMatchObject({ status: 404, body: { error: { code: 'unknown_user' } } })
    })

    it('resets a password: the old one and the old sessions stop working', async () => {
      const person = await userWithToken(backend().db, 'agent')
      const weak = await asAdmin('POST', ADMIN_ROUTES.userPassword, {
        username: person.username,
        password: 'sunflowers',
      })
      expect(weak.status).toBe(400)
      expect(weak.body.error.message).toMatch(/^password: /)
      const reset = await asAdmin('POST', ADMIN_ROUTES.userPassword, {
        username: person.username,
        password: 'Reset-2026-pass',
      })
      expect(reset.status).toBe(200)
      expect(await directoryOk(person.token)).toBe(401)
      expect((await signIn(person.username)).status).toBe(401)
      expect((await signIn(person.username, 'Reset-2026-pass')).status).toBe(200)
      expect(await latestAudit()).toMatchObject({
        action: 'user.password_reset',
        target: person.username,
      })
    })

    it('only an administrator manages accounts', async () => {
      for (const [method, path, body] of [
        ['GET', ADMIN_ROUTES.users, undefined],
        ['POST', ADMIN_ROUTES.userStatus, { username: admin.username, disabled: true }],
        ['POST', ADMIN_ROUTES.userRole, { username: agent.username, role: 'admin' }],
        ['POST', ADMIN_ROUTES.userPassword, { username: admin.username, password: 'Take-over-99' }],
        ['GET', ADMIN_ROUTES.stations, undefined],
        ['POST', ADMIN_ROUTES.stationRevoke, { stationCode: 'S1' }],
        ['POST', ADMIN_ROUTES.directoryDelete, { section: 'teams', id: 'service-desk' }],
        ['GET', ADMIN_ROUTES.audit, undefined],
      ] as const) {
        const reply = await call(server, method, path, {
          token: agent.token,
          ...(body ? { body } : {}),
        })
        expect(reply.status, `${method} ${path}`).toBe(403)
        expect((await call(server, method, path, body ? { body } : {})).status).toBe(401)
      }
    })
  })

  describe('the last administrator', () => {
    /** Leaves exactly `keep` as the active administrators, disabling the others. */
    async function onlyActiveAdmins(keep: string[], token: string) {
      const { users } = (await call(server, 'GET', ADMIN_ROUTES.users, { token })).body as {
        users: { username: string; role: string; disabled: boolean }[]
      }
      for (const u of users) {
        if (u.role === 'admin' && !u.disabled && !keep.includes(u.username)) {
          const r = await call(server, 'POST', ADMIN_ROUTES.userStatus, {
            token,
            body: { username: u.username, disabled: true },
          })
          expect(r.status).toBe(200)
        }
      }
    }

    it('can be neither disabled nor demoted', async () => {
      const last = await userWithToken(backend().db, 'admin')
      await onlyActiveAdmins([last.username], last.token)
      const asLast = (path: string, body: unknown) =>
        call(server, 'POST', path, { token: last.token, body })
      const disable = await asLast(ADMIN_ROUTES.userStatus, {
        username: last.username,
        disabled: true,
      })
      expect(disable).toMatchObject({ status: 409, body: { error: { code: 'last_admin' } } })
      const demote = await asLast(ADMIN_ROUTES.userRole, { username: last.username, role: 'agent' })
      expect(demote.status).toBe(409)
      // Refused means rolled back: still an active admin, nothing audited.
      expect(await directoryOk(last.token)).toBe(200)
      const entries = (await call(server, 'GET', ADMIN_ROUTES.audit, { token: last.token })).body
        .entries as AuditEntry[]
      expect(entries[0]!.target).not.toBe(last.username)
      admin = last
    })

    it('survives two administrators disabling each other at the same moment', async () => {
      for (let round = 0; round < 3; round++) {
        const x = await userWithToken(backend().db, 'admin')
        const y = await userWithToken(backend().db, 'admin')
        await onlyActiveAdmins([x.username, y.username], x.token)
        const [a, b] = await Promise.all([
          call(server, 'POST', ADMIN_ROUTES.userStatus, {
            token: x.token,
            body: { username: y.username, disabled: true },
          }),
          call(server, 'POST', ADMIN_ROUTES.userStatus, {
            token: y.token,
            body: { username: x.username, disabled: true },
          }),
        ])
        const statuses = [a.status, b.status].sort()
        expect(statuses[0], `round ${round}: ${JSON.stringify([a.body, b.body])}`).toBe(200)
        // The loser waited and was refused, or its own account was already gone.
        expect([401, 409]).toContain(statuses[1])
        const [row] = await backend().db.query<{ n: number }>(
          `SELECT count(*)::int4 AS n FROM users WHERE role = 'admin' AND NOT disabled`,
        )
        expect(row!.n).toBe(1)
        admin = a.status === 200 ? x : y
      }
    })
  })

  describe('one’s own password and sessions', () => {
    it('changes one’s own password with the current one; the other sessions end', async () => {
      const me = await userWithToken(backend().db, 'agent')
      const other = (await signIn(me.username)).body.token
      const change = (body: unknown) =>
        call(server, 'POST', ADMIN_ROUTES.ownPassword, { token: me.token, body })
      const wrong = await change({ currentPassword: 'not-it-at-all', newPassword: 'Fresh-2026-pw' })
      expect(wrong).toMatchObject({ status: 400, body: { error: { code: 'wrong_password' } } })
      expect(wrong.body.error.message).toMatch(/^currentPassword: /)
      expect((await change({ currentPassword: PASSWORD, newPassword: 'short' })).status).toBe(400)
      expect((await change({ currentPassword: PASSWORD, newPassword: PASSWORD })).status).toBe(400)
      expect(
        (await change({ currentPassword: PASSWORD, newPassword: 'Fresh-2026-pw' })).status,
      ).toBe(200)
      expect(await directoryOk(me.token)).toBe(200)
      expect(await directoryOk(other)).toBe(401)
      expect((await signIn(me.username)).status).toBe(401)
      expect((await signIn(me.username, 'Fresh-2026-pw')).status).toBe(200)
    })

    it('lists and ends one’s own sessions, never someone else’s', async () => {
      const me = await userWithToken(backend().db, 'agent')
      const second = (await signIn(me.username)).body.token
      const mine = await call(server, 'GET', ADMIN_ROUTES.sessions, { token: me.token })
      expect(mine.status).toBe(200)
      const sessions = mine.body.sessions as { id: string; username: string; current: boolean }[]
      expect(sessions).toHaveLength(2)
      expect(sessions.every((s) => s.username === me.username)).toBe(true)
      expect(sessions.filter((s) => s.current)).toHaveLength(1)
      // Asking for someone else's gives one's own.
      const sneaky = await call(
        server,
        'GET',
        `${ADMIN_ROUTES.sessions}?username=${agent.username}`,
        {
          token: me.token,
        },
      )
      expect(sneaky.body.sessions).toHaveLength(2)
      const theirs = (await asAdmin('GET', `${ADMIN_ROUTES.sessions}?username=${agent.username}`))
        .body.sessions as { id: string }[]
      const refused = await call(server, 'POST', ADMIN_ROUTES.sessionRevoke, {
        token: me.token,
        body: { id: theirs[0]!.id },
      })
      expect(refused.status).toBe(404)
      const notCurrent = sessions.find((s) => !s.current)!
      const ended = await call(server, 'POST', ADMIN_ROUTES.sessionRevoke, {
        token: me.token,
        body: { id: notCurrent.id },
      })
      expect(ended.status).toBe(200)
      expect(await directoryOk(second)).toBe(401)
      expect(await directoryOk(me.token)).toBe(200)
    })

    it('an administrator sees and ends anyone’s session', async () => {
      const person = await userWithToken(backend().db, 'supervisor')
      const listed = (await asAdmin('GET', `${ADMIN_ROUTES.sessions}?username=${person.username}`))
        .body.sessions as { id: string }[]
      expect(listed).toHaveLength(1)
      expect(
        (await asAdmin('POST', ADMIN_ROUTES.sessionRevoke, { id: listed[0]!.id })).status,
      ).toBe(200)
      expect(await directoryOk(person.token)).toBe(401)
      expect(await latestAudit()).toMatchObject({
        action: 'session.revoked',
        target: person.username,
      })
      expect(
        (await asAdmin('POST', ADMIN_ROUTES.sessionRevoke, { id: listed[0]!.id })).status,
      ).toBe(404)
    })
  })

  describe('stations', () => {
    it('issues a code a station enrolls with, lists it, and revokes it', async () => {
      const issued = await asAdmin('POST', ROUTES.enrollmentCodes)
      expect(issued.status).toBe(201)
      expect(await latestAudit()).toMatchObject({ action: 'station.code_issued' })
      const enrolled = await call(server, 'POST', ROUTES.enroll, {
        body: { code: issued.body.code, name: 'Desk by the window' },
      })
      expect(enrolled.status).toBe(200)
      const code = enrolled.body.stationCode as string
      const list = await asAdmin('GET', ADMIN_ROUTES.stations)
      expect(list.body.stations).toContainEqual(
        expect.objectContaining({
          stationCode: code,
          name: 'Desk by the window',
          lastSeenAt: null,
          revokedAt: null,
        }),
      )
      const person = await userWithToken(backend().db, 'agent')
      const atStation = await signIn(person.username, PASSWORD, code)
      expect(atStation.status).toBe(200)
      const revoked = await asAdmin('POST', ADMIN_ROUTES.stationRevoke, { stationCode: code })
      expect(revoked).toMatchObject({ status: 200, body: { stationCode: code } })
      expect(revoked.body.revokedAt).toEqual(expect.any(Number))
      expect(await directoryOk(atStation.body.token)).toBe(401)
      expect(await signIn(person.username, PASSWORD, code)).toMatchObject({
        status: 403,
        body: { error: { code: 'unknown_station' } },
      })
      expect(await latestAudit()).toMatchObject({
        action: 'station.revoked',
        target: code,
        detail: { sessionsEnded: 1 },
      })
      expect(
        (await asAdmin('POST', ADMIN_ROUTES.stationRevoke, { stationCode: 'S999999' })).status,
      ).toBe(404)
    })
  })

  describe('the directory', () => {
    const team = (id: string) => ({
      id,
      name: `Team ${id}`,
      tier: 2,
      warmTransferPhone: '+1 555 010 9999',
      email: `${id}@example.edu`,
      hours: 'Mon–Fri 8–18',
    })

    it('saves and deletes entries, each change audited; a team in use stays', async () => {
      const teamId = `t-${uniqueName('a').replace(/[^a-z0-9]/g, '')}`
      const saved = await asAdmin('PUT', ROUTES.directory, {
        teams: [team(teamId)],
        routingGuidance: [
          {
            id: `${teamId}-vpn`,
            service: 'VPN',
            category: 'Cannot connect',
            teamId,
            kbReference: 'KB-1',
          },
        ],
      })
      expect(saved.status).toBe(200)
      expect(await latestAudit()).toMatchObject({
        action: 'directory.saved',
        detail: { teams: [teamId], routingGuidance: [`${teamId}-vpn`] },
      })
      const inUse = await asAdmin('POST', ADMIN_ROUTES.directoryDelete, {
        section: 'teams',
        id: teamId,
      })
      expect(inUse).toMatchObject({ status: 409, body: { error: { code: 'team_in_use' } } })
      for (const [section, id] of [
        ['routingGuidance', `${teamId}-vpn`],
        ['teams', teamId],
      ]) {
        expect((await asAdmin('POST', ADMIN_ROUTES.directoryDelete, { section, id })).status).toBe(
          200,
        )
        expect(await latestAudit()).toMatchObject({
          action: 'directory.deleted',
          target: section,
          detail: { id },
        })
      }
      expect(
        (await asAdmin('POST', ADMIN_ROUTES.directoryDelete, { section: 'teams', id: teamId }))
          .status,
      ).toBe(404)
      const directory = (await call(server, 'GET', ROUTES.directory, { token: agent.token })).body
      expect(directory.teams.map((t: { id: string }) => t.id)).not.toContain(teamId)
    })
  })

  describe('the audit trail', () => {
    it('pages newest first', async () => {
      const first = await asAdmin('GET', `${ADMIN_ROUTES.audit}?limit=2`)
      expect(first.status).toBe(200)
      expect(first.body.entries).toHaveLength(2)
      const [a, b] = first.body.entries as AuditEntry[]
      expect(a!.id).toBeGreaterThan(b!.id)
      const older = await asAdmin('GET', `${ADMIN_ROUTES.audit}?limit=2&before=${first.body.next}`)
      expect((older.body.entries as AuditEntry[])[0]!.id).toBeLessThan(b!.id)
    })
  })

  it('answers every bad input with a 4xx naming the field, never a 5xx', async () => {
    const bad: [string, string, unknown][] = [
      ['POST', ADMIN_ROUTES.userStatus, { username: 'x', disabled: 'yes' }],
      ['POST', ADMIN_ROUTES.userStatus, { username: 'UPPER CASE', disabled: true }],
      ['POST', ADMIN_ROUTES.userRole, { username: agent.username, role: 'root' }],
      [
        'POST',
        ADMIN_ROUTES.userPassword,
        { username: agent.username, password: 'a\u0000bcdefghijk' },
      ],
      [
        'POST',
        ADMIN_ROUTES.userPassword,
        { username: agent.username, password: '\ud800abcdefghijk' },
      ],
      ['POST', ADMIN_ROUTES.ownPassword, { currentPassword: '', newPassword: 'x' }],
      [
        'POST',
        ADMIN_ROUTES.ownPassword,
        { currentPassword: 'x'.repeat(500), newPassword: 'Ok-2026-pass' },
      ],
      ['POST', ADMIN_ROUTES.sessionRevoke, { id: "' OR 1=1 --" }],
      ['POST', ADMIN_ROUTES.sessionRevoke, { id: 'ffffffffffffffff' }],
      ['POST', ADMIN_ROUTES.stationRevoke, { stationCode: 's1; drop table' }],
      ['POST', ADMIN_ROUTES.directoryDelete, { section: 'callers', id: 'x' }],
      ['POST', ADMIN_ROUTES.directoryDelete, { section: 'teams', id: 'NOT A SLUG' }],
      ['GET', `${ADMIN_ROUTES.audit}?before=-1`, undefined],
      ['GET', `${ADMIN_ROUTES.audit}?limit=100000`, undefined],
      ['GET', `${ADMIN_ROUTES.audit}?before=99999999999999999999999`, undefined],
      ['GET', `${ADMIN_ROUTES.sessions}?username=%00`, undefined],
      ['POST', ADMIN_ROUTES.userStatus, []],
    ]
    for (const [method, path, body] of bad) {
      const reply = await asAdmin(method, path, body)
      expect(reply.status, `${method} ${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400)
      expect(reply.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500)
      expect(reply.body.error.message).toBeTruthy()
    }
    const raw = await call(server, 'POST', ADMIN_ROUTES.userStatus, {
      token: admin.token,
      raw: '{"username": ',
    })
    expect(raw.status).toBe(400)
  })
})
