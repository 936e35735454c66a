/**
 * The Electron adapter, as a factory over the pieces of the `electron` module it uses, so the
 * whole wiring is unit-tested with `electron` mocked. It adds no behaviour of its own: it puts
 * the station services behind IPC and holds the Electron security checklist — a single instance,
 * a sandboxed, context-isolated window without Node, a strict CSP, navigation and window.open
 * denied, every IPC sender checked against the app's own URL, every payload validated.
 */
import path from 'node:path'
import type * as Electron from 'electron'
import { STATION_IPC, syncStatusSchema, type StationReply } from '../../shared/station-api'
import { callNumberFromArgv, callNumberFromUrl, CALL_PROTOCOL } from '../station/calls'
import { loadSettings, resolveServerUrl } from '../station/config'
import { launchStation, type LaunchedStation, type StartEmbeddedServer } from '../station/launch'
import { openNodeSocket } from '../station/live'
import { SafeStorageCredentialStore } from './credential-store'
import { createStationTray, type TrayPieces } from './tray'
import { contentSecurityPolicy, isExternalLinkAllowed, isTrustedRendererUrl } from './trust'
import { boundsToOpen, loadWindowState, saveWindowState } from './window-state'

export interface ElectronPieces {
  app: Electron.App
  BrowserWindow: typeof Electron.BrowserWindow
  ipcMain: Electron.IpcMain
  session: typeof Electron.session
  safeStorage: Electron.SafeStorage
  Notification: typeof Electron.Notification
  shell: Electron.Shell
  Tray: TrayPieces['Tray']
  Menu: TrayPieces['Menu']
  nativeImage: TrayPieces['nativeImage']
  screen: Pick<Electron.Screen, 'getAllDisplays'>
}

export interface ShellOptions {
  /** The built renderer's index.html as a file URL, or the dev server's URL. */
  rendererUrl: string
  preloadPath: string
  /** The tray icon's image file. */
  trayIconPath: string
  startEmbeddedServer: StartEmbeddedServer
  argv?: readonly string[]
  env?: NodeJS.ProcessEnv
  logError?: (error: unknown) => void
}

/** The window's security settings: the checklist of ARCHITECTURE.md "Security defaults". */
export function secureWebPreferences(preloadPath: string): Electron.WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  }
}

const refuse = (message: string): StationReply => ({
  ok: false,
  error: { code: 'forbidden', message },
})

/** `--server=URL` or `--server URL` among the arguments. */
function serverFlag(argv: readonly string[]): string | undefined {
  for (const [i, arg] of argv.entries()) {
    if (arg.startsWith('--server=')) return arg.slice('--server='.length)
    if (arg === '--server') return argv[i + 1]
  }
  return undefined
}

export interface RunningShell {
  station: LaunchedStation
  window: Electron.BrowserWindow
}

/** Runs the app; resolves once the window is up, or with null when another instance already runs. */
export async function runElectronShell(
  electron: ElectronPieces,
  options: ShellOptions,
): Promise<RunningShell | null> {
  const { app, BrowserWindow, ipcMain, session, safeStorage, Notification, shell, screen } =
    electron
  const logError = options.logError ?? console.error
  const argv = options.argv ?? process.argv
  const env = options.env ?? process.env
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return null
  }
  app.setAsDefaultProtocolClient(CALL_PROTOCOL)

  const trusted = (url: string | undefined | null) => isTrustedRendererUrl(url, options.rendererUrl)
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (isExternalLinkAllowed(url)) void shell.openExternal(url)
      return { action: 'deny' }
    })
    contents.on('will-navigate', (event, url) => {
      if (!trusted(url)) event.preventDefault()
    })
    contents.on('will-redirect', (event, url) => {
      if (!trusted(url)) event.preventDefault()
    })
    contents.on('will-attach-webview', (event) => event.preventDefault())
  })

  await app.whenReady()

  const csp = contentSecurityPolicy(options.rendererUrl)
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  // No camera, microphone, geolocation or the like: the station asks for nothing.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  )

  const dataDir = app.getPath('userData')
  // Set once the window exists; a notification clicked before that has nothing to bring up.
  let window: Electron.BrowserWindow | null = null
  const bringToFront = () => {
    if (!window || window.isDestroyed()) return
    if (window.isMinimized()) window.restore()
    window.show()
    window.focus()
  }
  // Held until shown and dismissed: a notification collected meanwhile loses its click handler.
  const notifications = new Set<Electron.Notification>()
  const station = await launchStation({
    dataDir,
    serverUrl: resolveServerUrl({
      flag: serverFlag(argv),
      env: env.WARMLINE_SERVER_URL,
      settings: await loadSettings(dataDir),
    }),
    startEmbeddedServer: options.startEmbeddedServer,
    shell: 'electron',
    version: app.getVersion(),
    fetch: globalThis.fetch,
    openSocket: openNodeSocket,
    credentials: new SafeStorageCredentialStore(
      safeStorage,
      path.join(dataDir, 'credentials.json'),
    ),
    notify: ({ title, body, ticketId }) => {
      if (!Notification.isSupported()) return false
      const notification = new Notification({ title, body, silent: false })
      notifications.add(notification)
      notification.on('click', () => {
        notifications.delete(notification)
        bringToFront()
        station.services.notificationClicked(ticketId ?? null)
      })
      notification.on('close', () => notifications.delete(notification))
      notification.show()
      return true
    },
    logError,
  })

  ipcMain.handle(STATION_IPC.invoke, async (event, method: unknown, request: unknown) => {
    if (!trusted(event.senderFrame?.url)) return refuse('This window is not the Warmline app.')
    return station.services.dispatch(method, request)
  })

  const saved = await loadWindowState(dataDir)
  const win = new BrowserWindow({
    width: 1366,
    height: 768,
    ...(saved
      ? boundsToOpen(
          saved,
          screen.getAllDisplays().map((d) => d.workArea),
        )
      : {}),
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: 'Warmline',
    webPreferences: secureWebPreferences(options.preloadPath),
  })
  window = win
  win.once('ready-to-show', () => {
    if (saved?.maximized) win.maximize()
    win.show()
  })
  let savingBounds: Promise<void> = Promise.resolve()
  const rememberBounds = () => {
    if (win.isDestroyed()) return
    const state = { ...win.getNormalBounds(), maximized: win.isMaximized() }
    savingBounds = savingBounds.then(() => saveWindowState(dataDir, state)).catch(logError)
  }
  // Linux emits no resized/moved: there the place is taken when the window closes.
  win.on('resized', rememberBounds)
  win.on('moved', rememberBounds)
  win.on('maximize', rememberBounds)
  win.on('unmaximize', rememberBounds)
  win.on('close', rememberBounds)

  const tray = createStationTray(electron, {
    iconPath: options.trayIconPath,
    show: bringToFront,
    quit: () => app.quit(),
  })
  void Promise.resolve(station.services.handlers['sync.status']({}))
    .then((status) => tray.update(syncStatusSchema.parse(status)))
    .catch(logError)
  const unsubscribe = station.services.subscribe((name, payload) => {
    if (name === 'sync.status') tray.update(syncStatusSchema.parse(payload))
    if (!win.isDestroyed()) win.webContents.send(STATION_IPC.event, name, payload)
  })

  const announce = (number: string | null) => {
    if (!number) return
    bringToFront()
    station.services.announceCall(number)
  }
  // A second launch (a click on a warmline:// link, or the app's icon again) lands here.
  app.on('second-instance', (_event, secondArgv) => {
    bringToFront()
    announce(callNumberFromArgv(secondArgv))
  })
  app.on('open-url', (event, url) => {
    event.preventDefault()
    announce(callNumberFromUrl(url))
  })
  app.on('window-all-closed', () => app.quit())
  let closing = false
  app.on('will-quit', (event) => {
    if (closing) return
    closing = true
    event.preventDefault()
    unsubscribe()
    tray.destroy()
    ipcMain.removeHandler(STATION_IPC.invoke)
    Promise.all([savingBounds, station.close()])
      .catch(logError)
      .finally(() => app.quit())
  })

  await win.loadURL(options.rendererUrl)
  announce(callNumberFromArgv(argv))
  return { station, window: win }
}
