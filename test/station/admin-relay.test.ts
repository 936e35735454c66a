/**
 * The console's methods through the station services, against the real central server: main
 * relays each to its route with the signed-in user's token, the server's refusals come back in
 * words, and a changed password also becomes the one offline sign-in takes at this station.
 */
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { MemoryCredentialStore } from '../../src/main/station/credentials'
import type { StationServices } from '../../src/main/station/services'
import { createStationApi, type StationApi, type StationError } from '../../src/shared/station-api'
import { PASSWORD, startCentral, type Central } from './support/floor'
import { startFlakyLink, type FlakyLink } from './support/proxy'
import { tempDir, testStationServices } from './support/station'

let dir: Awaited<ReturnType<typeof tempDir>>
let central: Central
let link: FlakyLink
let services: StationServices
let api: StationApi

beforeAll(async () => {
  dir = await tempDir('admin-relay')
  central = await startCentral(path.join(dir.dir, 'server'))
  await central.createAgent('cara')
  link = await startFlakyLink(() => central.port)
  services = await testStationServices({
    serverUrl: link.url,
    dataDir: path.join(dir.dir, 'station'),
    credentials: new MemoryCredentialStore(),
  })
  api = createStationApi({
    invoke: (m, r) => services.dispatch(m, r),
    subscribe: (l) => services.subscribe(l),
  })
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

it('relays the console to the server, whose role checks and refusals come back', async () => {
  await api.session.login({ username: 'cara', password: PASSWORD })
  expect(await failure(api.admin.users({}))).toMatchObject({ code: 'forbidden' })
  const sessions = await api.admin.sessions({})
  expect(sessions.sessions).toEqual([expect.objectContaining({ username: 'cara', current: true })])
  expect(
    await failure(
      api.session.changePassword({ currentPassword: 'not mine', newPassword: 'Lantern-2026-x' }),
    ),
  ).toMatchObject({
    code: 'refused',
    message: 'currentPassword: this is not your current password.',
  })
})

it('a changed password is the one offline sign-in takes here, the old one no longer', async () => {
  expect(
    await api.session.changePassword({ currentPassword: PASSWORD, newPassword: 'Lantern-2026-x' }),
  ).toEqual({ ok: true })
  await api.session.logout({})
  await link.cut()
  expect(
    await failure(api.session.loginOffline({ username: 'cara', password: PASSWORD })),
  ).toMatchObject({ code: 'invalid_credentials' })
  expect(
    await api.session.loginOffline({ username: 'cara', password: 'Lantern-2026-x' }),
  ).toMatchObject({ user: { username: 'cara' }, mode: 'offline' })
  await link.restore()
})
