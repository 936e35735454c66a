/**
 * The preload: exposes exactly the station API as `window.station`, and nothing else — no
 * `ipcRenderer`, no Node. Generic over the contract's maps: one IPC channel for every method,
 * one for every notification. Built as CommonJS (out/preload/index.cjs): sandboxed preloads
 * cannot be ES modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { STATION_IPC, createStationApi, isStationEvent, type StationTransport } from '../shared/station-api'

const transport: StationTransport = {
  invoke: (method, request) => ipcRenderer.invoke(STATION_IPC.invoke, method, request),
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

contextBridge.exposeInMainWorld('station', createStationApi(transport))
