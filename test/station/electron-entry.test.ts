/**
 * src/main/index.ts itself, with `electron` mocked: with no server URL configured it starts the
 * real central server in-process (PGlite in the user-data directory, loopback, a free port), so
 * `npm start` is a complete one-station system.
 */
import path from 'node:path'
import { afterAll, expect, it, vi } from 'vitest'
import { ROUTES } from '../../src/shared/sync/wire'
import { STATION_IPC } from '../../src/shared/station-api'
import { eventually, tempDir } from './support/station'

const state = vi.hoisted(() => ({
  userData: '',
  singleInstance: true,
  keyringBackend: 'gnome_libsecret',
  encryptionAvailable: true,
}))
vi.mock('electron', async () => (await import('./support/fake-electron')).createFakeElectron(state))

const dir = await tempDir('electron-entry')
state.userData = dir.dir
const fake = (await import('electron')) as unknown as ReturnType<
  typeof import('./support/fake-electron').createFakeElectron
>

afterAll(async () => {
  // Quitting closes the station services and the embedded server.
  fake.app.emit('will-quit', { preventDefault: () => undefined })
  await eventually('the app to finish quitting', () => fake.app.quitCalls > 0)
  await dir.remove()
})

it('starts the embedded central server when no server URL is set', async () => {
  delete process.env.WARMLINE_SERVER_URL
  delete process.env.ELECTRON_RENDERER_URL
  await import('../../src/main/index')
  const window = await eventually(
    'the window to load',
    () => fake.BrowserWindow.created.find((w) => w.loadedUrl),
    1_200,
    100,
  )
  expect(window.loadedUrl).toMatch(/^file:\/\/.*\/renderer\/index\.html$/)
  expect(window.options.webPreferences).toMatchObject({
    preload: expect.stringMatching(/preload[\\/]index\.cjs$/),
    sandbox: true,
  })

  const reply = (await fake.ipcMain.invoke(
    STATION_IPC.invoke,
    window.loadedUrl,
    'app.info',
    {},
  )) as {
    ok: true
    value: { serverUrl: string; embeddedServer: boolean }
  }
  expect(reply.value.embeddedServer).toBe(true)
  const server = new URL(reply.value.serverUrl)
  expect(server.hostname).toBe('127.0.0.1')
  const health = await fetch(`${reply.value.serverUrl}${ROUTES.health}`)
  expect(await health.json()).toMatchObject({ status: 'ok', database: 'pglite' })
  // The server's files live in the app's own user-data directory.
  const { readdir } = await import('node:fs/promises')
  expect(await readdir(path.join(dir.dir, 'server'))).not.toHaveLength(0)
}, 180_000)
