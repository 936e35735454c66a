import { request } from 'node:http'
import { networkInterfaces } from 'node:os'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startBrowserHost, type BrowserHost } from '../../src/main/browser-host'
import type { StationServices } from '../../src/main/station/services'
import { takeLaunchToken } from '../../src/renderer/src/bridge/token'
import {
  createWebSocketTransport,
  type SocketConstructor,
} from '../../src/renderer/src/bridge/ws-transport'
import { BROWSER_HOST, StationError, createStationApi } from '../../src/shared/station-api'
import { eventually, tempDir, testStationServices } from './support/station'

/** A port nothing listens on: the station services run, the central server is simply away. */
const UNREACHABLE_SERVER = 'http://127.0.0.1:9'

let dir: Awaited<ReturnType<typeof tempDir>>
let services: StationServices
let host: BrowserHost

beforeAll(async () => {
  dir = await tempDir('browser-host')
  const rendererDir = path.join(dir.dir, 'renderer')
  await mkdir(path.join(rendererDir, 'assets'), { recursive: true })
  await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Warmline</title>')
  await writeFile(path.join(rendererDir, 'assets', 'app.js'), 'export {}')
  await writeFile(path.join(dir.dir, 'secret.txt'), 'outside the renderer')
  services = await testStationServices({
    serverUrl: UNREACHABLE_SERVER,
    dataDir: path.join(dir.dir, 'station'),
  })
  host = await startBrowserHost({ services, rendererDir, port: 0 })
})

afterAll(async () => {
  await host?.close()
  await services?.close()
  await dir?.remove()
})

/** Opens a socket as a client would; resolves with how the handshake ended. */
function handshake(
  url: string,
  protocols: string[],
  headers: Record<string, string> = {},
): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocols, { headers })
    ws.on('open', () => {
      ws.close()
      resolve('open')
    })
    ws.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0)
      ws.terminate()
    })
    ws.on('error', (error) => reject(error))
  })
}

const socketUrl = () => `ws://127.0.0.1:${host.port}${BROWSER_HOST.socketPath}`
const withToken = (token: string) => [`${BROWSER_HOST.tokenProtocolPrefix}${token}`]

describe('the browser host', () => {
  it('prints a loopback URL that carries the token in the fragment', () => {
    const url = new URL(host.url)
    expect(url.hostname).toBe('127.0.0.1')
    expect(url.hash).toBe(`#token=${host.token}`)
    expect(host.token).toMatch(/^[0-9a-f]{48}$/)
  })

  it('refuses a connection without the token, or with a wrong one', async () => {
    expect(await handshake(socketUrl(), [])).toBe(401)
    expect(await handshake(socketUrl(), withToken('0'.repeat(48)))).toBe(401)
    expect(await handshake(socketUrl(), withToken(host.token.slice(0, -1)))).toBe(401)
    expect(await handshake(socketUrl(), withToken(host.token))).toBe('open')
  })

  it('refuses a page of another origin even when it has the token', async () => {
    expect(
      await handshake(socketUrl(), withToken(host.token), { origin: 'http://evil.test' }),
    ).toBe(403)
    expect(await handshake(socketUrl(), withToken(host.token), { origin: host.origin })).toBe(
      'open',
    )
  })

  it('refuses requests for another host name (DNS rebinding)', async () => {
    // fetch may not set Host; node:http can, as a rebinding browser effectively would.
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(
        {
          host: '127.0.0.1',
          port: host.port,
          path: '/',
          headers: { host: `evil.test:${host.port}` },
        },
        (response) => {
          response.resume()
          resolve(response.statusCode)
        },
      )
        .on('error', reject)
        .end()
    })
    expect(status).toBe(421)
  })

  it('listens on the loopback interface only', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal)
    if (external) {
      // The same port on a non-loopback address of this machine is closed.
      await expect(fetch(`http://${external.address}:${host.port}/`)).rejects.toThrow()
    }
    if (process.platform === 'linux') {
      // All of 127/8 is loopback on Linux: a socket bound to every address would answer here too.
      await expect(fetch(`http://127.0.0.2:${host.port}/`)).rejects.toThrow()
    }
    const response = await fetch(`${host.origin}/`)
    expect(response.status).toBe(200)
  })

  it('serves the built renderer with a strict CSP, and nothing outside it', async () => {
    const index = await fetch(`${host.origin}/queue/mine`)
    expect(await index.text()).toContain('<title>Warmline</title>')
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'")
    const script = await fetch(`${host.origin}/assets/app.js`)
    expect(script.headers.get('content-type')).toContain('text/javascript')
    const escape = await fetch(`${host.origin}/..%2fsecret.txt`)
    expect(await escape.text()).not.toContain('outside the renderer')
  })

  it('answers the station API over the socket, validated by the same dispatcher', async () => {
    const transport = createWebSocketTransport({
      url: socketUrl(),
      token: host.token,
      WebSocket: WebSocket as unknown as SocketConstructor,
    })
    const api = createStationApi(transport)
    try {
      const info = await api.app.info({})
      expect(info).toMatchObject({
        shell: 'browser',
        serverUrl: UNREACHABLE_SERVER,
        embeddedServer: false,
      })
      await expect(api.sync.nextPage({ after: -1 })).rejects.toMatchObject({ code: 'bad_request' })
      const offline = await api.session
        .login({ username: 'ann', password: 'x' })
        .catch((error: unknown) => error)
      expect(offline).toBeInstanceOf(StationError)
      expect(offline).toMatchObject({ code: 'offline' })
      const raw = await transport.invoke('session.current', { extra: 'ignored' })
      expect(raw).toEqual({
        ok: true,
        value: { user: null, mode: null, expiresAt: null, needsSignIn: null },
      })
      expect(await transport.invoke('no.such' as never, {})).toMatchObject({
        ok: false,
        error: { code: 'bad_request' },
      })
    } finally {
      transport.close()
    }
  })

  it('pushes notifications from main to the page', async () => {
    const transport = createWebSocketTransport({
      url: socketUrl(),
      token: host.token,
      WebSocket: WebSocket as unknown as SocketConstructor,
    })
    const api = createStationApi(transport)
    try {
      await api.app.info({})
      const rang = new Promise((resolve) => api.on('call.incoming', resolve))
      services.announceCall('+1 555 010 2233')
      expect(await rang).toMatchObject({ number: '+1 555 010 2233' })
    } finally {
      transport.close()
    }
  })

  it('reconnects by itself when the host restarts, and says notifications may have been missed', async () => {
    const first = await startBrowserHost({
      services,
      rendererDir: path.join(dir.dir, 'renderer'),
      port: 0,
    })
    const url = `ws://127.0.0.1:${first.port}${BROWSER_HOST.socketPath}`
    const transport = createWebSocketTransport({
      url,
      token: first.token,
      WebSocket: WebSocket as unknown as SocketConstructor,
      maxReconnectDelayMs: 100,
      requestTimeoutMs: 5_000,
    })
    const api = createStationApi(transport)
    try {
      await api.app.info({})
      const missed = new Promise((resolve) => api.on('sync.remoteChanged', resolve))
      await first.close()
      // A request on the connection that was lost fails (main may or may not have run it)...
      await eventually(
        'the page to notice the host is gone',
        async () => !((await transport.invoke('station.info', {})) as { ok: boolean }).ok,
      )
      // ...one asked while the host is away waits, and is answered once it is back.
      const answer = api.station.info({})
      const second = await startBrowserHost({
        services,
        rendererDir: path.join(dir.dir, 'renderer'),
        port: first.port,
        token: first.token,
      })
      try {
        expect(await answer).toEqual({ stationCode: null, name: null })
        expect(await missed).toEqual({ seq: null })
      } finally {
        await second.close()
      }
    } finally {
      transport.close()
    }
  })
})

describe('the launch token in the page', () => {
  it('moves from the URL fragment to session storage, and survives a reload', () => {
    const stored = new Map<string, string>()
    const storage = {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => void stored.set(k, v),
    }
    const replaced: string[] = []
    const history = {
      replaceState: (_data: unknown, _unused: string, url?: string | URL | null) =>
        void replaced.push(String(url)),
    }
    expect(
      takeLaunchToken({ hash: '#token=abc123', pathname: '/', search: '' }, storage, history),
    ).toBe('abc123')
    expect(replaced).toEqual(['/'])
    expect(takeLaunchToken({ hash: '', pathname: '/queue', search: '' }, storage, history)).toBe(
      'abc123',
    )
    expect(
      takeLaunchToken(
        { hash: '', pathname: '/', search: '' },
        { getItem: () => null, setItem: () => undefined },
        history,
      ),
    ).toBeNull()
  })
})
