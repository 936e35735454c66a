/**
 * The Electron adapter with `electron` mocked (the binary cannot run here): the window follows
 * the security checklist, IPC refuses foreign senders and bad payloads, navigation and new
 * windows are denied, a configured server URL is used as is, and a second launch with a call URL
 * pops the caller in the running instance. The desktop's own parts: the tray shows the sync state,
 * a clicked notification brings its ticket up, a second launch focuses the window, and the
 * window's size and place survive a restart.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { STATION_IPC } from '../../src/shared/station-api'
import { tempDir } from './support/station'

const state = vi.hoisted(() => ({
  userData: '',
  singleInstance: true,
  keyringBackend: 'gnome_libsecret',
  encryptionAvailable: true,
  displays: undefined as { x: number; y: number; width: number; height: number }[] | undefined,
}))
vi.mock('electron', async () => (await import('./support/fake-electron')).createFakeElectron(state))

const electron = await import('electron')
const { runElectronShell, secureWebPreferences } = await import('../../src/main/electron/shell')
type Fake = ReturnType<typeof import('./support/fake-electron').createFakeElectron>
const fake = electron as unknown as Fake
const pieces = electron as unknown as Parameters<typeof runElectronShell>[0]

const RENDERER = 'file:///opt/warmline/out/renderer/index.html'
let dir: Awaited<ReturnType<typeof tempDir>>
let shell: Awaited<ReturnType<typeof runElectronShell>>
const embeddedStarts: unknown[] = []

beforeAll(async () => {
  dir = await tempDir('electron')
  state.userData = dir.dir
  shell = await runElectronShell(pieces, {
    rendererUrl: RENDERER,
    preloadPath: '/opt/warmline/out/preload/index.cjs',
    trayIconPath: '/opt/warmline/resources/icons/tray.png',
    // A configured server: the embedded one must not start (it has its own test in electron-entry).
    startEmbeddedServer: async (options) => {
      embeddedStarts.push(options)
      throw new Error('the embedded server must not start when a server URL is set')
    },
    argv: ['/usr/bin/warmline', '--server=http://127.0.0.1:9'],
    env: {},
    logError: () => undefined,
  })
})

afterAll(async () => {
  await shell?.station.close()
  await dir?.remove()
})

const invoke = (senderUrl: string | null, method: unknown, request: unknown) =>
  fake.ipcMain.invoke(STATION_IPC.invoke, senderUrl, method, request) as Promise<unknown>

describe('the Electron adapter', () => {
  it("opens one sandboxed, context-isolated window without Node, on the app's own renderer", () => {
    expect(fake.BrowserWindow.created).toHaveLength(1)
    const window = fake.BrowserWindow.created[0]!
    expect(window.options.webPreferences).toEqual(
      secureWebPreferences('/opt/warmline/out/preload/index.cjs'),
    )
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    expect(window.loadedUrl).toBe(RENDERER)
  })

  it('uses the configured server and does not start the embedded one', async () => {
    expect(embeddedStarts).toEqual([])
    expect(await invoke(RENDERER, 'app.info', {})).toEqual({
      ok: true,
      value: {
        version: '0.1.0-test',
        shell: 'electron',
        serverUrl: 'http://127.0.0.1:9',
        embeddedServer: false,
      },
    })
  })

  it('sends a strict CSP with every response and grants no permission', () => {
    let headers: Record<string, string[]> = {}
    fake.session.defaultSession.headersListener!(
      { responseHeaders: { 'X-Other': ['1'] } },
      (response) => {
        headers = (response as { responseHeaders: Record<string, string[]> }).responseHeaders
      },
    )
    expect(headers['X-Other']).toEqual(['1'])
    expect(headers['Content-Security-Policy']![0]).toMatch(
      /default-src 'self'.*script-src 'self';.*object-src 'none'/,
    )
    let granted: boolean | undefined
    fake.session.defaultSession.permissionHandler!({}, 'media', (answer) => {
      granted = answer
    })
    expect(granted).toBe(false)
  })

  it("refuses IPC from any sender but the app's own page", async () => {
    for (const foreign of [
      'https://evil.test/',
      'file:///tmp/index.html',
      'file:///opt/warmline/out/renderer/other.html',
      null,
    ]) {
      expect(await invoke(foreign, 'app.info', {}), String(foreign)).toMatchObject({
        ok: false,
        error: { code: 'forbidden' },
      })
    }
  })

  it('refuses payloads that do not match the contract', async () => {
    expect(await invoke(RENDERER, 'sync.nextPage', { after: 'zero' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    })
    expect(
      await invoke(RENDERER, 'sync.handOver', { events: [{ id: 'not-a-uuid', actor: 'ann' }] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    })
    expect(
      await invoke(RENDERER, 'app.setServerUrl', { serverUrl: 'javascript:alert(1)' }),
    ).toMatchObject({ ok: false, error: { code: 'bad_request' } })
    expect(await invoke(RENDERER, 'process.exit', {})).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    })
    expect(await invoke(RENDERER, 'constructor', {})).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    })
  })

  it('denies new windows (opening https links in the browser) and foreign navigation', () => {
    const contents = fake.BrowserWindow.created[0]!.webContents
    expect(contents.windowOpenHandler!({ url: 'https://kb.example.edu/42' })).toEqual({
      action: 'deny',
    })
    expect(contents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(fake.shell.opened).toEqual(['https://kb.example.edu/42'])
    const navigate = (url: string) => {
      const event = { prevented: false, preventDefault: () => (event.prevented = true) }
      contents.emit('will-navigate', event, url)
      return event.prevented
    }
    expect(navigate('https://evil.test/')).toBe(true)
    expect(navigate('file:///opt/warmline/out/renderer/index.html.evil')).toBe(true)
    expect(navigate(RENDERER)).toBe(false)
    const webview = { prevented: false, preventDefault: () => (webview.prevented = true) }
    contents.emit('will-attach-webview', webview)
    expect(webview.prevented).toBe(true)
  })

  it('pops the caller when a second launch brings a call URL, in front', () => {
    const window = fake.BrowserWindow.created[0]!
    const contents = window.webContents
    window.minimized = true
    const focused = window.focused
    fake.app.emit(
      'second-instance',
      {},
      ['/usr/bin/warmline', 'warmline://call/%2B15550102233'],
      dir.dir,
    )
    expect(contents.sent.at(-1)).toEqual([
      STATION_IPC.event,
      'call.incoming',
      { number: '+15550102233', at: expect.any(Number) },
    ])
    expect(window.minimized).toBe(false)
    expect(window.focused).toBeGreaterThan(focused)
    expect(fake.app.protocols).toEqual(['warmline'])
  })

  it('takes a call URL macOS hands over (open-url) the same way, and ignores what is not one', () => {
    const contents = fake.BrowserWindow.created[0]!.webContents
    const openUrl = (url: string) => {
      const event = { prevented: false, preventDefault: () => (event.prevented = true) }
      fake.app.emit('open-url', event, url)
      return event.prevented
    }
    expect(openUrl('tel:+1-555-010-4000')).toBe(true)
    expect(contents.sent.at(-1)).toEqual([
      STATION_IPC.event,
      'call.incoming',
      { number: '+1-555-010-4000', at: expect.any(Number) },
    ])
    const sent = contents.sent.length
    openUrl('warmline://call/%3Cscript%3E')
    openUrl('https://evil.test/call/5550100')
    expect(contents.sent.length).toBe(sent)
  })

  it('shows desktop notifications and reports clicks back to the page', async () => {
    expect(
      await invoke(RENDERER, 'notify.show', {
        title: 'P1 ticket waiting',
        body: 'S1-4 has no team yet',
      }),
    ).toEqual({
      ok: true,
      value: { shown: true },
    })
    expect(fake.Notification.shown).toEqual([
      { title: 'P1 ticket waiting', body: 'S1-4 has no team yet', silent: false },
    ])
  })

  it('keeps its data in the user-data directory', async () => {
    expect(
      await invoke(RENDERER, 'app.setServerUrl', { serverUrl: 'https://warmline.example.edu' }),
    ).toEqual({
      ok: true,
      value: { restartRequired: true },
    })
    const { loadSettings } = await import('../../src/main/station/config')
    expect(await loadSettings(state.userData)).toEqual({
      serverUrl: 'https://warmline.example.edu',
    })
    expect(path.isAbsolute(state.userData)).toBe(true)
  })
})

describe('the desktop', () => {
  const window = () => fake.BrowserWindow.created[0]!
  const tray = () => fake.Tray.created[0]!

  it('puts a tray icon up that shows the sync state and the pending count', async () => {
    expect(tray().image).toEqual({ path: '/opt/warmline/resources/icons/tray.png' })
    await vi.waitFor(() => expect(tray().toolTip).toMatch(/^Warmline — (offline|sending)/))
    const handedOver = await invoke(RENDERER, 'sync.handOver', {
      events: [{ id: '0190e7d5-6f1c-7c1a-9a7e-3f6f2b1c4d5e', actor: 'ann' }],
    })
    expect(handedOver).toMatchObject({ ok: true, value: { accepted: 1 } })
    await vi.waitFor(() => expect(tray().toolTip).toMatch(/1 change not sent yet/))
    expect(tray().title).toBe('1')
    expect(tray().menu.map((item) => item.label ?? item.type)).toEqual([
      tray().toolTip,
      'separator',
      'Show Warmline',
      'Quit Warmline',
    ])
    expect(tray().menu[0]!.enabled).toBe(false)
    window().minimized = true
    const focused = window().focused
    tray().menu.find((item) => item.label === 'Show Warmline')!.click!()
    expect(window().minimized).toBe(false)
    expect(window().focused).toBe(focused + 1)
  })

  it('a clicked notification brings the window up and opens its ticket', async () => {
    const ticketId = '0190e7d5-6f1c-7c1a-9a7e-3f6f2b1c4d5f'
    await invoke(RENDERER, 'notify.show', {
      title: 'Returned to you',
      body: 'S1-9 came back from Network Operations',
      ticketId,
    })
    window().minimized = true
    const focused = window().focused
    fake.Notification.instances.at(-1)!.emit('click')
    expect(window().minimized).toBe(false)
    expect(window().focused).toBe(focused + 1)
    expect(window().webContents.sent.at(-1)).toEqual([
      STATION_IPC.event,
      'notify.clicked',
      { ticketId },
    ])
  })

  it('a second launch without a URL still focuses the running window', () => {
    window().minimized = true
    const sent = window().webContents.sent.length
    const focused = window().focused
    fake.app.emit('second-instance', {}, ['/usr/bin/warmline'], dir.dir)
    expect(window().minimized).toBe(false)
    expect(window().focused).toBeGreaterThan(focused)
    expect(window().webContents.sent.length).toBe(sent)
  })

  it('remembers the window’s size and place in the station data folder', async () => {
    const { loadWindowState } = await import('../../src/main/electron/window-state')
    window().bounds = { x: 1930, y: 40, width: 1500, height: 900 }
    window().maximized = true
    window().emit('close')
    await vi.waitFor(async () =>
      expect(await loadWindowState(state.userData)).toEqual({
        x: 1930,
        y: 40,
        width: 1500,
        height: 900,
        maximized: true,
      }),
    )
  })

  it('opens where it was, or at its size alone when that screen is gone', async () => {
    const { boundsToOpen } = await import('../../src/main/electron/window-state')
    const saved = { x: 1930, y: 40, width: 1500, height: 900, maximized: false }
    const laptop = { x: 0, y: 0, width: 1920, height: 1080 }
    const monitor = { x: 1920, y: 0, width: 2560, height: 1440 }
    expect(boundsToOpen(saved, [laptop, monitor])).toEqual({
      x: 1930,
      y: 40,
      width: 1500,
      height: 900,
    })
    expect(boundsToOpen(saved, [laptop])).toEqual({ width: 1500, height: 900 })
    expect(boundsToOpen({ ...saved, x: 100, y: -500 }, [laptop])).toEqual({
      width: 1500,
      height: 900,
    })
  })
})

describe('a second instance', () => {
  it('quits at once and opens nothing', async () => {
    state.singleInstance = false
    const before = fake.BrowserWindow.created.length
    const quitsBefore = fake.app.quitCalls
    const result = await runElectronShell(pieces, {
      rendererUrl: RENDERER,
      preloadPath: '/x.cjs',
      trayIconPath: '/x.png',
      startEmbeddedServer: () => Promise.reject(new Error('must not start')),
      argv: [],
      env: {},
    })
    expect(result).toBeNull()
    expect(fake.app.quitCalls).toBe(quitsBefore + 1)
    expect(fake.BrowserWindow.created.length).toBe(before)
    state.singleInstance = true
  })
})

describe('a restart', () => {
  it('opens the window with the remembered size and place, maximized again', async () => {
    // The first run quits as Electron would have it: its bounds saved, its station closed.
    const quits = fake.app.quitCalls
    fake.app.emit('will-quit', { preventDefault: () => undefined })
    await vi.waitFor(() => expect(fake.app.quitCalls).toBe(quits + 1))
    expect(fake.Tray.created[0]!.destroyed).toBe(true)
    shell = null
    state.displays = [
      { x: 0, y: 0, width: 1920, height: 1080 },
      { x: 1920, y: 0, width: 2560, height: 1440 },
    ]
    const restarted = await runElectronShell(pieces, {
      rendererUrl: RENDERER,
      preloadPath: '/x.cjs',
      trayIconPath: '/x.png',
      startEmbeddedServer: () => Promise.reject(new Error('must not start')),
      argv: ['/usr/bin/warmline', '--server=http://127.0.0.1:9'],
      env: {},
      logError: () => undefined,
    })
    const window = fake.BrowserWindow.created.at(-1)!
    expect(window.options).toMatchObject({ x: 1930, y: 40, width: 1500, height: 900 })
    window.emit('ready-to-show')
    expect(window.maximized).toBe(true)
    await restarted?.station.close()
  })
})
