/**
 * A stand-in for the `electron` module (the binary cannot run here): just enough of app,
 * BrowserWindow, ipcMain, session, safeStorage, Notification, Tray, Menu and screen to drive the
 * adapter and record what it asked for. Used through `vi.mock('electron', ...)`.
 */
import { EventEmitter } from 'node:events'

type Handler = (event: { senderFrame: { url: string } | null }, ...args: unknown[]) => unknown

export interface FakeElectronState {
  userData: string
  singleInstance: boolean
  keyringBackend: string
  encryptionAvailable: boolean
  /** The work areas of the screens attached. */
  displays?: { x: number; y: number; width: number; height: number }[]
}

export function createFakeElectron(state: FakeElectronState) {
  const app = Object.assign(new EventEmitter(), {
    quitCalls: 0,
    protocols: [] as string[],
    requestSingleInstanceLock: () => state.singleInstance,
    quit() {
      app.quitCalls++
    },
    setAsDefaultProtocolClient(protocol: string) {
      app.protocols.push(protocol)
      return true
    },
    whenReady: () => Promise.resolve(),
    getPath: (name: string) => {
      if (name !== 'userData') throw new Error(`unexpected getPath(${name})`)
      return state.userData
    },
    getVersion: () => '0.1.0-test',
  })

  const handlers = new Map<string, Handler>()
  const ipcMain = {
    handle(channel: string, handler: Handler) {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`)
      handlers.set(channel, handler)
    },
    removeHandler(channel: string) {
      handlers.delete(channel)
    },
    /** What Electron does when a renderer calls ipcRenderer.invoke. */
    invoke(channel: string, senderUrl: string | null, ...args: unknown[]) {
      const handler = handlers.get(channel)
      if (!handler) throw new Error(`no handler for ${channel}`)
      return handler({ senderFrame: senderUrl === null ? null : { url: senderUrl } }, ...args)
    },
  }

  class FakeWebContents extends EventEmitter {
    sent: unknown[][] = []
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
    send(...args: unknown[]) {
      this.sent.push(args)
    }
    setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = handler
    }
  }

  class BrowserWindow extends EventEmitter {
    static created: BrowserWindow[] = []
    readonly webContents = new FakeWebContents()
    loadedUrl: string | null = null
    minimized = false
    maximized = false
    focused = 0
    bounds: { x: number; y: number; width: number; height: number }
    constructor(readonly options: Record<string, unknown>) {
      super()
      const n = (key: string, fallback: number) =>
        typeof options[key] === 'number' ? (options[key] as number) : fallback
      this.bounds = {
        x: n('x', 100),
        y: n('y', 80),
        width: n('width', 800),
        height: n('height', 600),
      }
      BrowserWindow.created.push(this)
      app.emit('web-contents-created', {}, this.webContents)
    }
    loadURL(url: string) {
      this.loadedUrl = url
      return Promise.resolve()
    }
    isDestroyed = () => false
    isMinimized = () => this.minimized
    isMaximized = () => this.maximized
    getNormalBounds = () => ({ ...this.bounds })
    maximize() {
      this.maximized = true
    }
    restore() {
      this.minimized = false
    }
    focus() {
      this.focused++
    }
    show() {}
  }

  class Tray extends EventEmitter {
    static created: Tray[] = []
    toolTip = ''
    title = ''
    menu: { label?: string; type?: string; enabled?: boolean; click?: () => void }[] = []
    destroyed = false
    constructor(readonly image: { path: string }) {
      super()
      Tray.created.push(this)
    }
    setToolTip(text: string) {
      this.toolTip = text
    }
    setTitle(text: string) {
      this.title = text
    }
    setContextMenu(menu: { items: Tray['menu'] }) {
      this.menu = menu.items
    }
    destroy() {
      this.destroyed = true
    }
  }
  const Menu = { buildFromTemplate: (items: Tray['menu']) => ({ items }) }
  const nativeImage = { createFromPath: (path: string) => ({ path }) }
  const screen = {
    getAllDisplays: () =>
      (state.displays ?? [{ x: 0, y: 0, width: 1920, height: 1080 }]).map((workArea) => ({
        workArea,
      })),
  }

  const session = {
    defaultSession: {
      headersListener: null as
        null | ((details: unknown, callback: (response: unknown) => void) => void),
      permissionHandler: null as
        | null
        | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
      webRequest: {
        onHeadersReceived(
          listener: (details: unknown, callback: (response: unknown) => void) => void,
        ) {
          session.defaultSession.headersListener = listener
        },
      },
      setPermissionRequestHandler(
        handler: (
          contents: unknown,
          permission: string,
          callback: (granted: boolean) => void,
        ) => void,
      ) {
        session.defaultSession.permissionHandler = handler
      },
    },
  }

  const safeStorage = {
    isEncryptionAvailable: () => state.encryptionAvailable,
    getSelectedStorageBackend: () => state.keyringBackend,
    encryptString: (text: string) => Buffer.from(`enc:${text}`),
    decryptString: (data: Buffer) => data.toString().replace(/^enc:/, ''),
  }

  class Notification extends EventEmitter {
    static shown: unknown[] = []
    static instances: Notification[] = []
    static isSupported = () => true
    constructor(readonly options: unknown) {
      super()
    }
    show() {
      Notification.shown.push(this.options)
      Notification.instances.push(this)
    }
  }

  const shell = {
    opened: [] as string[],
    openExternal: async (url: string) => void shell.opened.push(url),
  }

  return {
    app,
    ipcMain,
    BrowserWindow,
    session,
    safeStorage,
    Notification,
    shell,
    Tray,
    Menu,
    nativeImage,
    screen,
    default: {},
  }
}
