/**
 * The preload with `electron` mocked: it exposes one object, `window.station`, holding exactly
 * the transport (invoke, subscribe) and nothing of Electron or Node; the page builds the typed API
 * on it, and errors arrive as real StationErrors with their codes.
 */
import { EventEmitter } from 'node:events'
import path from 'node:path'
import { afterAll, expect, it, vi } from 'vitest'
import type { StationServices } from '../../src/main/station/services'
import {
  STATION_IPC,
  StationError,
  createStationApi,
  type StationTransport,
} from '../../src/shared/station-api'
import { tempDir, testStationServices } from './support/station'

const bridge = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  dispatch: null as null | ((method: unknown, request: unknown) => Promise<unknown>),
  renderer: null as null | import('node:events').EventEmitter,
}))
vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  const renderer = new Emitter()
  bridge.renderer = renderer
  return {
    contextBridge: {
      exposeInMainWorld: (key: string, value: unknown) => bridge.exposed.set(key, value),
    },
    ipcRenderer: {
      invoke: (channel: string, method: unknown, request: unknown) => {
        if (channel !== 'station:invoke') throw new Error(`unexpected channel ${channel}`)
        return bridge.dispatch!(method, structuredClone(request))
      },
      on: (channel: string, listener: (...args: unknown[]) => void) =>
        renderer.on(channel, listener),
      removeListener: (channel: string, listener: (...args: unknown[]) => void) =>
        renderer.removeListener(channel, listener),
    },
  }
})

const dir = await tempDir('preload')
const services: StationServices = await testStationServices({
  serverUrl: 'http://127.0.0.1:9',
  dataDir: path.join(dir.dir, 'station'),
})
const invoked: unknown[] = []
bridge.dispatch = (method, request) => {
  invoked.push(method)
  return services.dispatch(method, request)
}
await import('../../src/preload/index')

afterAll(async () => {
  await services.close()
  await dir.remove()
})

it('exposes only the station transport', () => {
  expect([...bridge.exposed.keys()]).toEqual(['station'])
  const station = bridge.exposed.get('station') as Record<string, unknown>
  expect(Object.keys(station).sort()).toEqual(['invoke', 'subscribe'])
  expect(Object.values(station).every((value) => typeof value === 'function')).toBe(true)
})

it('refuses unknown methods before they reach main', async () => {
  const station = bridge.exposed.get('station') as StationTransport
  invoked.length = 0
  expect(await station.invoke('require' as never, 'child_process')).toMatchObject({
    ok: false,
    error: { code: 'bad_request' },
  })
  expect(invoked).toEqual([])
})

it('gives the page a typed API whose errors keep their codes', async () => {
  const api = createStationApi(bridge.exposed.get('station') as StationTransport)
  expect(await api.app.info({})).toMatchObject({ shell: 'browser' })
  const error = await api.session
    .login({ username: 'ann', password: 'secret' })
    .catch((e: unknown) => e)
  expect(error).toBeInstanceOf(StationError)
  expect(error).toMatchObject({ code: 'offline' })
})

it("relays only the contract's notifications, and stops when unsubscribed", () => {
  const api = createStationApi(bridge.exposed.get('station') as StationTransport)
  const calls: unknown[] = []
  const stop = api.on('call.incoming', (payload) => calls.push(payload))
  const renderer = bridge.renderer as EventEmitter
  renderer.emit(STATION_IPC.event, {}, 'call.incoming', { number: '5550102233', at: 1 })
  renderer.emit(STATION_IPC.event, {}, 'not.an.event', { number: 'x', at: 1 })
  renderer.emit(STATION_IPC.event, {}, 'call.incoming', { number: 42 })
  stop()
  renderer.emit(STATION_IPC.event, {}, 'call.incoming', { number: '5550109999', at: 2 })
  expect(calls).toEqual([{ number: '5550102233', at: 1 }])
})
