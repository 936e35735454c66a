/**
 * Signing in at a station, against the real central server: online sign-in keeps the token in
 * the credential store and a scrypt verifier on disk; offline sign-in works only for users who
 * signed in here before, with that password; a refused token ends the online session but not the
 * work; the session survives a restart.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryCredentialStore } from '../../src/main/station/credentials'
import type { StationServices } from '../../src/main/station/services'
import { createStationApi, StationError, type StationApi } from '../../src/shared/station-api'
import { ROUTES } from '../../src/shared/sync/wire'
import { PASSWORD, startCentral, type Central } from './support/floor'
import { startFlakyLink, type FlakyLink } from './support/proxy'
import { eventually, tempDir, testStationServices } from './support/station'

let dir: Awaited<ReturnType<typeof tempDir>>
let central: Central
let link: FlakyLink
const credentials = new MemoryCredentialStore()
let services: StationServices
let api: StationApi

async function open(): Promise<void> {
  services = await testStationServices({
    serverUrl: link.url,
    dataDir: path.join(dir.dir, 'station'),
    credentials,
  })
  api = createStationApi({
    invoke: (m, r) => services.dispatch(m, r),
    subscribe: (l) => services.subscribe(l),
  })
}

beforeAll(async () => {
  dir = await tempDir('session')
  central = await startCentral(path.join(dir.dir, 'server'))
  await central.createAgent('ann')
  await central.createAgent('bob')
  link = await startFlakyLink(() => central.port)
  await open()
}, 180_000)

afterAll(async () => {
  await services?.close()
  await link?.close()
  await central?.stop()
  await dir?.remove()
})

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error as StationError,
  )

describe('a station session', () => {
  it("signs in online, keeping the token out of the renderer's reach", async () => {
    expect(
      await failure(api.session.login({ username: 'ann', password: 'wrong password' })),
    ).toMatchObject({ code: 'invalid_credentials' })
    const state = await api.session.login({ username: 'ann', password: PASSWORD })
    expect(state).toMatchObject({ user: { username: 'ann', role: 'agent' }, mode: 'online' })
    expect(JSON.stringify(state)).not.toMatch(/token/i)
    expect(await credentials.get('session-token:ann')).toBeTruthy()
    await eventually(
      'the live socket to connect',
      async () => (await api.sync.status({})).connection === 'online',
    )
  })

  it('keeps a salted scrypt verifier, never the password', async () => {
    const file = await readFile(path.join(dir.dir, 'station', 'offline-users.json'), 'utf8')
    expect(file).not.toContain(PASSWORD)
    expect(JSON.parse(file)).toMatchObject({
      ann: { user: { username: 'ann' }, salt: expect.any(String), hash: expect.any(String) },
    })
  })

  it('stays signed in across a restart', async () => {
    await services.close()
    await open()
    expect(await api.session.current({})).toMatchObject({
      user: { username: 'ann' },
      mode: 'online',
    })
  })

  it('signs in offline only users known here, with the password last used online', async () => {
    expect(await api.session.logout({})).toEqual({ pendingLeft: 0 })
    expect(await credentials.get('session-token:ann')).toBeNull()
    await link.cut()
    expect(await failure(api.session.login({ username: 'ann', password: PASSWORD }))).toMatchObject(
      { code: 'offline' },
    )
    expect(
      await failure(api.session.loginOffline({ username: 'ann', password: 'wrong password' })),
    ).toMatchObject({ code: 'invalid_credentials' })
    expect(
      await failure(api.session.loginOffline({ username: 'bob', password: PASSWORD })),
    ).toMatchObject({ code: 'invalid_credentials' })
    expect(await api.session.loginOffline({ username: 'ann', password: PASSWORD })).toMatchObject({
      user: { username: 'ann' },
      mode: 'offline',
    })
    // Offline, without a token: there is nothing to sync with, and the station says so.
    expect(await failure(api.sync.nextPage({ after: 0 }))).toMatchObject({ code: 'not_signed_in' })
    await link.restore()
  })

  it('ends the online session when the server refuses the token, and says why', async () => {
    await api.session.login({ username: 'ann', password: PASSWORD })
    const changed = new Promise((resolve) => api.on('session.changed', resolve))
    // An administrator signs ann's token out on the server side (as an expiry would).
    const token = JSON.parse((await credentials.get('session-token:ann'))!) as { token: string }
    await fetch(`${central.url}${ROUTES.session}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token.token}` },
    })
    expect(await failure(api.sync.nextPage({ after: 0 }))).toMatchObject({ code: 'unauthorized' })
    expect(await changed).toMatchObject({ user: { username: 'ann' }, mode: 'offline' })
    expect((await api.sync.status({})).lastError).toMatch(/sign in again/)
    expect(await credentials.get('session-token:ann')).toBeNull()
  })

  it('fetches the directory and looks callers up through main', async () => {
    await api.session.login({ username: 'ann', password: PASSWORD })
    const directory = await api.directory.get({})
    expect(directory.policy.matrix).toHaveLength(4)
    expect(directory.users.map((u) => u.username)).toContain('ann')
    expect(await api.directory.callers({ q: 'nobody-by-this-name' })).toEqual({ callers: [] })
  })

  it("lets the floor view see the station's report over the live socket", async () => {
    await api.session.login({ username: 'ann', password: PASSWORD })
    await api.station.enroll({ code: await central.enrollmentCode(), name: 'Desk 1' })
    await api.session.login({ username: 'ann', password: PASSWORD })
    const { stationCode } = await api.station.info({})
    const supervisorView = await eventually(
      'the server to list the station as online',
      async () => {
        const response = await fetch(`${central.url}${ROUTES.stations}`, {
          headers: { authorization: `Bearer ${central.adminToken}` },
        })
        const { stations } = (await response.json()) as {
          stations: { stationCode: string; online: boolean; user: string | null; pending: number }[]
        }
        return stations.find((s) => s.stationCode === stationCode && s.online && s.user === 'ann')
      },
    )
    expect(supervisorView).toMatchObject({ pending: 0 })
  })
})
