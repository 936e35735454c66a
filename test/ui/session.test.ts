/**
 * The desk's way in, against the real parts: the station services of main (in this process) and
 * a real central server. First run, online sign-in, and sign-in with the server down for a user
 * who signed in on this station before.
 */
import { IDBFactory as FakeIDBFactory, IDBKeyRange as FakeIDBKeyRange } from 'fake-indexeddb'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServer, silentLogger, type RunningServer } from '../../src/server'
import { createStationApi } from '../../src/shared/station-api'
import { createSessionStore, type SessionStore } from '../../src/renderer/src/session/session-store'
import { createStationStore, type StationStore } from '../../src/renderer/src/store'
import type { StationServices } from '../../src/main/station/services'
import { eventually, tempDir, testStationServices } from '../station/support/station'

const ADMIN = { username: 'admin', password: 'session-test-admin-pw' }
const AGENT = { username: 'agent1', password: 'demo-password-1' }

let server: RunningServer
let services: StationServices
let store: StationStore
let session: SessionStore
let dir: Awaited<ReturnType<typeof tempDir>>

beforeAll(async () => {
  dir = await tempDir('desk-session')
  server = await startServer({ port: 0, logger: silentLogger })
  services = await testStationServices({ serverUrl: server.url, dataDir: dir.dir })
  const station = createStationApi({
    invoke: (method, request) => services.dispatch(method, request),
    subscribe: (listener) => services.subscribe(listener),
  })
  store = await createStationStore('desk-session', {
    numbers: station.numbers,
    indexedDB: new FakeIDBFactory(),
    IDBKeyRange: FakeIDBKeyRange,
  })
  session = createSessionStore(station, store)
})

afterAll(async () => {
  store?.close()
  await services?.close()
  await server?.close()
  await dir?.remove()
})

const state = () => session.getState()

describe('the way into the desk', () => {
  test('first run: setup creates the administrator, enrolls this station and fetches the directory', async () => {
    await state().boot()
    expect(state().phase).toBe('setup')
    await state().setup({
      username: ADMIN.username,
      displayName: 'Ada Admin',
      password: ADMIN.password,
      loadSampleDirectory: true,
      createDemoAccounts: true,
    })
    expect(state()).toMatchObject({
      phase: 'desk',
      mode: 'online',
      user: { username: 'admin', role: 'admin' },
    })
    expect(state().stationCode).toMatch(/^S\d+$/)
    expect(await store.stationCode()).toBe(state().stationCode)
    await eventually(
      'the directory in the station store',
      async () => (await store.teams()).length > 0,
    )
    expect((await store.templates()).map((t) => t.id)).toContain('vpn')
  })

  test('an agent signs in online; a wrong password is said plainly', async () => {
    await state().signOut()
    expect(state().phase).toBe('signIn')
    await state().signIn(AGENT.username, 'not-the-password')
    expect(state()).toMatchObject({ phase: 'signIn', error: 'Wrong user name or password.' })
    await state().signIn(AGENT.username, AGENT.password)
    expect(state()).toMatchObject({ phase: 'desk', mode: 'online', user: { username: 'agent1' } })
  })

  test('with the central server down, a user known to this station signs in offline', async () => {
    await state().signOut()
    await server.close()
    await state().signIn(AGENT.username, AGENT.password)
    expect(state()).toMatchObject({ phase: 'desk', mode: 'offline', user: { username: 'agent1' } })

    await state().signOut()
    await state().signIn(AGENT.username, 'not-the-password')
    expect(state().phase).toBe('signIn')
    expect(state().error).toBeTruthy()
  })
})
