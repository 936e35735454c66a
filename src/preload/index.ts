/**
 * The preload: exposes exactly the station API's transport as `window.station` — one `invoke`
 * for the contract's methods and one `subscribe` for its notifications — and nothing else: no
 * `ipcRenderer`, no Node. Only plain data crosses the context bridge (the reply envelope), so the
 * renderer builds the typed API on its side (src/renderer/src/bridge) and its errors stay real
 * `StationError`s with their codes; an Error thrown across the bridge would lose them.
 * Built as CommonJS (out/preload/index.cjs): sandboxed preloads cannot be ES modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import {
  STATION_IPC,
  isStationEvent,
  isStationMethod,
  type StationReply,
  type StationTransport,
} from '../shared/station-api'

const transport: StationTransport = {
  invoke(method, request) {
    if (!isStationMethod(method)) {
      return Promise.resolve<StationReply>({
        ok: false,
        error: { code: 'bad_request', message: `There is no station method "${String(method)}".` },
      })
    }
    return ipcRenderer.invoke(STATION_IPC.invoke, method, request)
  },
  subscribe(listener) {
    const relay = (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (isStationEvent(name)) listener(name, payload)
    }
    ipcRenderer.on(STATION_IPC.event, relay)
    return () => {
      ipcRenderer.removeListener(STATION_IPC.event, relay)
    }
  },
}

contextBridge.exposeInMainWorld('station', transport)
