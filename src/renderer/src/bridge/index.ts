/**
 * How the renderer reaches the station services: `window.station` when the Electron preload put
 * it there, else the browser host's WebSocket. Both are the same `StationApi` built from the same
 * contract, so the UI has one code path.
 */
import { BROWSER_HOST, createStationApi, type StationApi } from '../../../shared/station-api'
import { createWebSocketTransport } from './ws-transport'
import { takeLaunchToken } from './token'

declare global {
  interface Window {
    station?: StationApi
  }
}

let bridge: StationApi | null = null

export function station(): StationApi {
  if (bridge) return bridge
  if (window.station) return (bridge = window.station)
  const token = takeLaunchToken(window.location, window.sessionStorage, window.history)
  if (!token) {
    throw new Error('Warmline: open the address the browser host printed (it carries this launch\'s token).')
  }
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  const url = `${scheme}//${window.location.host}${BROWSER_HOST.socketPath}`
  return (bridge = createStationApi(createWebSocketTransport({ url, token })))
}

export { StationError } from '../../../shared/station-api'
