/**
 * How the renderer reaches the station services: the transport the Electron preload put at
 * `window.station`, else the browser host's WebSocket. Either way the typed `StationApi` is built
 * here, in the page's own world, from the same contract: one code path for the UI, and errors
 * that are real `StationError`s.
 */
import {
  BROWSER_HOST,
  createStationApi,
  type StationApi,
  type StationTransport,
} from '../../../shared/station-api'
import { createWebSocketTransport } from './ws-transport'
import { takeLaunchToken } from './token'

declare global {
  interface Window {
    /** Set by the Electron preload (src/preload/index.ts). */
    station?: StationTransport
  }
}

let bridge: StationApi | null = null

export function station(): StationApi {
  if (bridge) return bridge
  if (window.station) return (bridge = createStationApi(window.station))
  const token = takeLaunchToken(window.location, window.sessionStorage, window.history)
  if (!token) {
    throw new Error(
      "Warmline: open the address the browser host printed (it carries this launch's token).",
    )
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  const url = `${scheme}//${window.location.host}${BROWSER_HOST.socketPath}`
  return (bridge = createStationApi(createWebSocketTransport({ url, token })))
}

export { StationError } from '../../../shared/station-api'
