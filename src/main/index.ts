/**
 * The Electron entry point: hands the real `electron` module to the adapter (src/main/electron),
 * which holds all the wiring and is unit-tested with `electron` mocked.
 */
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  nativeImage,
  Notification,
  safeStorage,
  screen,
  session,
  shell,
  Tray,
} from 'electron'
import { runElectronShell } from './electron/shell'
import { startEmbeddedServer } from './station/embedded-server'

const here = path.dirname(fileURLToPath(import.meta.url))

runElectronShell(
  {
    app,
    BrowserWindow,
    ipcMain,
    Notification,
    safeStorage,
    session,
    shell,
    Tray,
    Menu,
    nativeImage,
    screen,
  },
  {
    // electron-vite sets ELECTRON_RENDERER_URL in `npm run dev`; the built app loads its own file.
    rendererUrl:
      process.env.ELECTRON_RENDERER_URL ??
      pathToFileURL(path.join(here, '../renderer/index.html')).toString(),
    preloadPath: path.join(here, '../preload/index.cjs'),
    // Inside the app's asar when packaged (electron-builder.yml `files`), as in the checkout.
    trayIconPath: path.join(here, '../../resources/icons/tray.png'),
    startEmbeddedServer,
  },
).catch((error: unknown) => {
  console.error('Warmline could not start:', error)
  app.exit(1)
})
