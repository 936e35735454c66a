/**
 * The tray icon: the station's sync state and pending count at a glance (an agent with the window
 * behind a softphone still sees "offline, 3 waiting"), and a way back to the window.
 */
import type * as Electron from 'electron'
import type { SyncStatus } from '../../shared/station-api'

export interface TrayPieces {
  Tray: typeof Electron.Tray
  Menu: typeof Electron.Menu
  nativeImage: typeof Electron.nativeImage
}

const CONNECTION_WORDS: Record<SyncStatus['connection'], string> = {
  online: 'online',
  offline: 'offline',
  syncing: 'sending',
}

/** One line for the tooltip and the menu: state, then what is still waiting to be sent. */
export function trayText(status: SyncStatus | null): string {
  if (!status) return 'Warmline — starting'
  const waiting =
    status.pending === 0
      ? 'everything sent'
      : `${status.pending} ${status.pending === 1 ? 'change' : 'changes'} not sent yet`
  const signIn =
    status.waitingForSignIn > 0 ? ` (${status.waitingForSignIn} wait for a sign-in)` : ''
  return `Warmline — ${CONNECTION_WORDS[status.connection]}, ${waiting}${signIn}`
}

export interface StationTray {
  update(status: SyncStatus): void
  destroy(): void
}

export function createStationTray(
  pieces: TrayPieces,
  options: { iconPath: string; show(): void; quit(): void },
): StationTray {
  const tray = new pieces.Tray(pieces.nativeImage.createFromPath(options.iconPath))
  let shown = ''
  const render = (status: SyncStatus | null) => {
    const text = trayText(status)
    if (text === shown) return
    shown = text
    tray.setToolTip(text)
    // macOS shows a title beside the icon: the count of what is not sent, or nothing.
    tray.setTitle(status && status.pending > 0 ? String(status.pending) : '')
    tray.setContextMenu(
      pieces.Menu.buildFromTemplate([
        { label: text, enabled: false },
        { type: 'separator' },
        { label: 'Show Warmline', click: options.show },
        { label: 'Quit Warmline', click: options.quit },
      ]),
    )
  }
  tray.on('click', options.show)
  render(null)
  return {
    update: render,
    destroy: () => tray.destroy(),
  }
}
