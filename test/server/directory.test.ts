/** The directory API and the admin command line (same storage flags as the server). */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runAdmin } from '../../src/server/admin-cli'
import { openDatabase } from '../../src/server/db/open'
import type { RunningServer } from '../../src/server/index'
import { ROUTES } from '../../src/shared/sync/wire'
import { SAMPLE_DIRECTORY_PATH } from '../../src/server/setup'
import { call, forEachBackend, startTestServer, tempDir, userWithToken } from './harness'

function admin(args: string[], secret = '') {
  const lines: string[] = []
  return runAdmin(args, {
    env: {},
    out: (line) => lines.push(line),
    readSecret: async () => secret,
  }).then((code) => ({
    code,
    output: lines.join('\n'),
  }))
}

const team = (id: string) => ({
  id,
  name: `Team ${id}`,
  tier: 2,
  warmTransferPhone: '+1 555 010 9999',
  email: `${id}@example.edu`,
  hours: '24/7',
})

forEachBackend((backend) => {
  let server: RunningServer
  let adminToken: string
  let agentToken: string
  beforeAll(async () => {
    server = await startTestServer(backend().db)
    adminToken = (await userWithToken(backend().db, 'admin')).token
    agentToken = (await userWithToken(backend().db, 'agent')).token
    const sample = JSON.parse((await import('node:fs')).readFileSync(SAMPLE_DIRECTORY_PATH, 'utf8'))
    expect(
      (await call(server, 'PUT', ROUTES.directory, { token: adminToken, body: sample })).status,
    ).toBe(200)
  })
  afterAll(() => server.close())

  it('finds callers by phone digits, name and user name', async () => {
    const find = async (q: string) =>
      (
        await call<{ callers: { name: string }[] }>(
          server,
          'GET',
          `${ROUTES.callers}?q=${encodeURIComponent(q)}`,
          { token: agentToken },
        )
      ).body.callers.map((c) => c.name)
    expect(await find('(555) 010-2233')).toEqual(['Dana Whitfield'])
    expect(await find('2233')).toContain('Dana Whitfield')
    expect(await find('whitf')).toContain('Dana Whitfield')
    expect(await find('dwhit')).toEqual(['Dana Whitfield'])
    expect(await find('%')).toEqual([])
    expect((await call(server, 'GET', ROUTES.callers, { token: agentToken })).status).toBe(400)
  })

  it('imports by upsert, and refuses guidance pointing at a missing team without writing anything', async () => {
    const put = (body: unknown) =>
      call(server, 'PUT', ROUTES.directory, { token: adminToken, body })
    expect((await put({ teams: [team('av-events')] })).body).toMatchObject({
      teams: 1,
      routingGuidance: 0,
    })
    const bad = await put({
      teams: [team('half-written')],
      routingGuidance: [
        {
          id: 'to-nowhere',
          service: 'Events',
          category: '',
          teamId: 'no-such-team',
          kbReference: 'KB1',
        },
      ],
    })
    expect([bad.status, bad.body.error.code]).toEqual([400, 'unknown_team'])
    const directory = (await call(server, 'GET', ROUTES.directory, { token: agentToken })).body
    const ids = directory.teams.map((t: { id: string }) => t.id)
    expect(ids).toContain('av-events')
    expect(ids).not.toContain('half-written')
    expect(directory.policy.matrix[0][0]).toBe('P1')
  })

  it('keeps the business calendar as directory data, served in the policy every station folds with', async () => {
    const directory = (await call(server, 'GET', ROUTES.directory, { token: agentToken })).body
    expect(directory.policy.calendar).toMatchObject({
      timeZone: 'America/New_York',
      hours: { mon: [{ start: '08:00', end: '17:00' }], sat: [] },
    })
    expect(directory.policy.calendar.holidays).toContain('2026-12-25')
    expect(directory.policy.followUp).toEqual({ autoResolveInactive: false })
    const bad = await call(server, 'PUT', ROUTES.directory, {
      token: adminToken,
      body: {
        calendar: { timeZone: 'Nowhere/Else', hours: { mon: [{ start: '09:00', end: '08:00' }] } },
      },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toContain('calendar.timeZone')
    expect(bad.body.error.message).toContain('calendar.hours.mon.0')
  })

  it('admin command line: create-user (password from stdin), enroll-station, import-directory CSV, tokens, mail', async () => {
    const storage = await backend().freshStorageFlags()
    const created = await admin(
      [
        'create-user',
        '--username',
        'kim',
        '--role',
        'supervisor',
        '--display-name',
        'Kim Ode',
        ...storage,
      ],
      'a-long-password',
    )
    expect(created).toEqual({ code: 0, output: 'Created supervisor kim (Kim Ode).' })
    const short = await admin(
      ['create-user', '--username', 'lee', '--role', 'agent', ...storage],
      'short',
    )
    expect(short.code).toBe(1)
    expect(short.output).toMatch(/password: use at least 10 characters/)
    expect(
      (
        await admin(
          ['create-user', '--username', 'lee', '--role', 'janitor', ...storage],
          'a-long-password',
        )
      ).code,
    ).toBe(1)

    const enrolled = await admin(['enroll-station', ...storage])
    expect(enrolled.output).toMatch(/^Enrollment code: [A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/m)

    const dir = tempDir()
    const csv = join(dir, 'callers.csv')
    writeFileSync(
      csv,
      'id,name,phone,email,username,department,role\nC9,"Ode, Kim",+1 555 010 7777,kim@example.edu,kode,"Physics",Faculty\n',
    )
    expect(await admin(['import-directory', csv, ...storage])).toEqual({
      code: 0,
      output: 'Imported 0 teams, 0 routing guidance entries, 0 templates, 1 callers.',
    })
    const teamsCsv = join(dir, 'teams.csv')
    writeFileSync(
      teamsCsv,
      'id,name,tier,warmTransferPhone,email,hours\nnoc,Network Operations Center,two,,noc@example.edu,24/7\n',
    )
    const badCsv = await admin(['import-directory', teamsCsv, ...storage])
    expect(badCsv.code).toBe(1)
    expect(badCsv.output).toMatch(/teams\.0\.tier/)

    const token = await admin(['create-monitoring-token', '--name', 'nagios', ...storage])
    expect(token.output.split('\n')[1]).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect((await admin(['revoke-monitoring-token', '--name', 'nagios', ...storage])).output).toBe(
      'Revoked "nagios".',
    )
    expect((await admin(['mail-status', ...storage])).output).toBe(
      'Every queued email has been sent.',
    )
    expect((await admin(['bogus', ...storage])).output).toMatch(/Unknown command "bogus"/)
    // Each command opens the database as its own process would: the embedded one takes seconds.
  }, 180_000)
})

it('refuses to open an embedded data directory another process holds', async () => {
  const dataDir = tempDir()
  const db = await openDatabase({ dataDir })
  try {
    await expect(openDatabase({ dataDir })).rejects.toThrow(/in use by process/)
  } finally {
    await db.close()
  }
}, 120_000)
