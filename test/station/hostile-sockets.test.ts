/**
 * No input on any socket of the station ends its main process (ARCHITECTURE.md "Live": every
 * socket has an error handler and a frame limit): not a bad frame or message to the browser
 * host's loopback socket, not a bad request to its HTTP side, and not a hostile central server
 * sending bad frames to the station's live client, which closes with the right code and reconnects.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import { startBrowserHost, type BrowserHost } from '../../src/main/browser-host'
import { LIVE_MAX_PAYLOAD, LiveConnection, openNodeSocket } from '../../src/main/station/live'
import { systemScheduler } from '../../src/main/station/scheduler'
import type { StationServices } from '../../src/main/station/services'
import { BROWSER_HOST } from '../../src/shared/station-api'
import type { ServerLiveMessage } from '../../src/shared/sync/wire'
import { frame, INVALID_UTF8, OPCODE, rawRequest, writeRaw } from '../support/ws-frames'
import { eventually, tempDir, testStationServices } from './support/station'

describe('the browser host under hostile input', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let services: StationServices
  let host: BrowserHost

  beforeAll(async () => {
    dir = await tempDir('hostile-host')
    const rendererDir = path.join(dir.dir, 'renderer')
    await mkdir(rendererDir, { recursive: true })
    await writeFile(path.join(rendererDir, 'index.html'), '<!doctype html><title>Warmline</title>')
    services = await testStationServices({
      serverUrl: 'http://127.0.0.1:9',
      dataDir: path.join(dir.dir, 'station'),
    })
    host = await startBrowserHost({ services, rendererDir, port: 0 })
  })
  afterAll(async () => {
    await host?.close()
    await services?.close()
    await dir?.remove()
  })

  async function open() {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${BROWSER_HOST.socketPath}`, [
      `${BROWSER_HOST.tokenProtocolPrefix}${host.token}`,
    ])
    ws.on('error', () => {})
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    const replies: unknown[] = []
    ws.on('message', (data) => replies.push(JSON.parse(String(data))))
    await new Promise((resolve) => ws.once('open', resolve))
    return { ws, closed, replies }
  }

  /** The host still answers a call on a fresh socket. */
  async function answers() {
    const { ws, replies } = await open()
    ws.send(JSON.stringify({ id: 1, method: 'app.info', request: {} }))
    await eventually('a reply to app.info', () =>
      replies.find((r) => (r as { id?: number }).id === 1),
    )
    ws.close()
  }

  const frames = [
    { name: 'invalid UTF-8', bytes: frame(OPCODE.text, INVALID_UTF8), close: 1007 },
    {
      name: 'a header declaring a terabyte',
      bytes: frame(OPCODE.text, Buffer.alloc(0), { declaredLength: 2 ** 40 }),
      close: 1009,
    },
    {
      name: 'an unmasked frame',
      bytes: frame(OPCODE.text, Buffer.from('{}'), { mask: false }),
      close: 1002,
    },
  ]
  for (const f of frames) {
    it(`closes a socket that sends ${f.name} with ${f.close}, and goes on`, async () => {
      const { ws, closed } = await open()
      writeRaw(ws, f.bytes)
      expect(await closed).toBe(f.close)
      await answers()
    })
  }

  it('answers or ignores messages of any shape, and keeps the socket', async () => {
    const { ws, replies } = await open()
    for (const message of ['not json', 'null', '[1]', '{"id":"x"}', '{"id":2,"method":"nope"}'])
      ws.send(message)
    // An object whose toString is no function: turning it into a name throws.
    ws.send('{"id":3,"method":{"toString":1},"request":{}}')
    await eventually('a reply to the bad method', () =>
      replies.find((r) => (r as { id?: number }).id === 3),
    )
    expect(replies).toEqual([
      { id: 2, reply: { ok: false, error: expect.objectContaining({ code: 'bad_request' }) } },
      { id: 3, reply: { ok: false, error: expect.objectContaining({ code: 'bad_request' }) } },
    ])
    expect(ws.readyState).toBe(WebSocket.OPEN)
    ws.close()
  })

  it('answers a request target that is no URL, or a path that does not decode, with 4xx', async () => {
    const hostHeader = `Host: 127.0.0.1:${host.port}\r\n`
    const upgrade = `${hostHeader}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n`
    for (const request of [
      `GET http://[::1 HTTP/1.1\r\n${upgrade}\r\n`,
      `GET http://[::1 HTTP/1.1\r\n${hostHeader}\r\n`,
      `GET /%E0%A4%A HTTP/1.1\r\n${hostHeader}\r\n`,
    ]) {
      expect((await rawRequest(host.port, request)).status, request).toMatch(/^HTTP\/1\.1 4\d\d /)
    }
    await answers()
  })
})

describe("the station's live client against a hostile server", () => {
  it('closes on a bad frame with its code (1007, 1009), ignores bad messages, and reconnects', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
    await new Promise((resolve) => server.once('listening', resolve))
    const closeCodes: number[] = []
    // Each connection gets the next hostile act; the last one behaves.
    const acts: ((ws: WebSocket) => void)[] = [
      (ws) => writeRaw(ws, frame(OPCODE.text, INVALID_UTF8, { mask: false })),
      (ws) =>
        writeRaw(ws, frame(OPCODE.text, Buffer.alloc(LIVE_MAX_PAYLOAD + 1, 0x20), { mask: false })),
      (ws) => {
        for (const message of ['not json', '{"type":"poke","seq":-1}', '{"type":"nope"}', 'null'])
          ws.send(message)
        ws.send(Buffer.from([0xff]), { binary: true })
        ws.send(JSON.stringify({ type: 'poke', seq: 5 }))
      },
    ]
    server.on('connection', (ws) => {
      ws.on('error', () => {})
      ws.on('close', (code) => closeCodes.push(code))
      acts.shift()?.(ws)
    })
    const received: ServerLiveMessage[] = []
    let opens = 0
    const live = new LiveConnection({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/live`,
      token: 'token',
      openSocket: openNodeSocket,
      scheduler: systemScheduler,
      backoff: { baseMs: 20, maxMs: 100 },
      random: () => 0.5,
      onOpen: () => opens++,
      onClose: () => {},
      onMessage: (message) => received.push(message),
    })
    try {
      live.start()
      await eventually('the good poke', () => received.length > 0, 300)
      expect(received).toEqual([{ type: 'poke', seq: 5 }])
      expect(closeCodes).toEqual([1007, 1009])
      expect(opens).toBe(3)
      expect(live.isOpen).toBe(true)
    } finally {
      live.stop()
      for (const client of server.clients) client.terminate()
      await new Promise((resolve) => server.close(resolve))
    }
  })
})
