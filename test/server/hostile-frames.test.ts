/**
 * No input on any socket ends the server (ARCHITECTURE.md "Live": every socket has an error
 * handler and a frame limit). A bad WebSocket frame from a signed-in user closes that one socket
 * with the close code RFC 6455 gives it and is logged; a request Node's parser refuses gets a 4xx.
 * Frames are built by hand and written under the real `ws` client, as an attacker would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { jsonLogger, type RunningServer } from '../../src/server/index'
import { ROUTES } from '../../src/shared/sync/wire'
import { frame, INVALID_UTF8, OPCODE, rawRequest, writeRaw } from '../support/ws-frames'
import { openedTicket, stationAuthor } from './events'
import {
  call,
  forEachBackend,
  heardUpTo,
  openLive,
  push,
  startTestServer,
  station,
  userWithToken,
} from './harness'

type LogLine = { level: string; message: string; [field: string]: unknown }

forEachBackend((backend) => {
  let server: RunningServer
  const logs: LogLine[] = []
  beforeAll(async () => {
    server = await startTestServer(backend().db, {
      logger: jsonLogger((line) => logs.push(JSON.parse(line) as LogLine)),
    })
  })
  afterAll(() => server.close())

  const alive = async () =>
    expect((await call(server, 'GET', ROUTES.health)).body).toMatchObject({ status: 'ok' })

  async function liveSocket(token: string): Promise<{ ws: WebSocket; closed: Promise<number> }> {
    const ws = new WebSocket(server.url.replace(/^http/, 'ws') + ROUTES.live, [`bearer.${token}`])
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    // The client may see the server's reset as an error after the close frame.
    ws.on('error', () => {})
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('unexpected-response', () => reject(new Error('upgrade refused')))
    })
    return { ws, closed }
  }

  describe('a bad frame closes that socket with its code; the server and other sockets go on', () => {
    const cases: { name: string; send(ws: WebSocket): void; close: number; code: string }[] = [
      {
        name: 'a text frame with invalid UTF-8',
        send: (ws) => writeRaw(ws, frame(OPCODE.text, INVALID_UTF8)),
        close: 1007,
        code: 'WS_ERR_INVALID_UTF8',
      },
      {
        name: 'a message over the 64 KiB frame limit',
        send: (ws) => ws.send('x'.repeat(64 * 1024 + 1)),
        close: 1009,
        code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      },
      {
        name: 'a header declaring a terabyte',
        send: (ws) =>
          writeRaw(ws, frame(OPCODE.text, Buffer.alloc(0), { declaredLength: 2 ** 40 })),
        close: 1009,
        code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      },
      {
        name: 'an unmasked client frame',
        send: (ws) => writeRaw(ws, frame(OPCODE.text, Buffer.from('{}'), { mask: false })),
        close: 1002,
        code: 'WS_ERR_EXPECTED_MASK',
      },
      {
        name: 'a reserved bit without an extension',
        send: (ws) => writeRaw(ws, frame(OPCODE.text, Buffer.from('{}'), { rsv1: true })),
        close: 1002,
        code: 'WS_ERR_UNEXPECTED_RSV_1',
      },
      {
        name: 'an unknown opcode',
        send: (ws) => writeRaw(ws, frame(0x3, Buffer.from('{}'))),
        close: 1002,
        code: 'WS_ERR_INVALID_OPCODE',
      },
    ]
    for (const c of cases) {
      it(`${c.name}: closed ${c.close}, logged, server alive`, async () => {
        const code = await station(backend().db)
        const agent = await userWithToken(backend().db, 'agent', { stationCode: code })
        const bystander = await openLive(server, agent.token)
        const attacker = await liveSocket(agent.token)
        c.send(attacker.ws)
        expect(await attacker.closed).toBe(c.close)
        await expect
          .poll(() => logs.find((l) => l.code === c.code && l.user === agent.username))
          .toMatchObject({
            level: 'warn',
            message: 'live socket closed on a bad frame',
            station: code,
          })
        await alive()
        // Another socket of the same user still hears of commits.
        const reply = await push(server, agent.token, [
          openedTicket(stationAuthor(agent.username, code)).event,
        ])
        const seq = (reply.results[0] as { seq: number }).seq
        await bystander.next(heardUpTo(seq))
        await bystander.close()
      })
    }
  })

  it('answers messages that are no JSON, the wrong shape or out of range with an error, and keeps the socket', async () => {
    const code = await station(backend().db)
    const agent = await userWithToken(backend().db, 'agent', { stationCode: code })
    const live = await openLive(server, agent.token)
    const hostile = [
      'not json',
      'null',
      '[1,2]',
      '"report"',
      '{"type":"report","pending":-1,"lastSyncAt":null}',
      '{"type":"report","pending":1e300,"lastSyncAt":null}',
      '{"type":"report","pending":1,"lastSyncAt":1e300}',
      `{"type":"report","pending":1,"lastSyncAt":null,"pad":"${'x'.repeat(60_000)}"}`,
    ]
    for (const message of hostile) live.ws.send(message)
    live.ws.send(Buffer.from([0xff, 0x00, 0xfe]), { binary: true })
    await expect
      .poll(() => live.messages.filter((m) => m.type === 'error').length)
      .toBe(hostile.length)
    live.ws.send(JSON.stringify({ type: 'report', pending: 7, lastSyncAt: 1_700_000_000_000 }))
    await expect
      .poll(async () => {
        const [row] = await backend().db.query<{ pending: number }>(
          'SELECT pending FROM station_presence WHERE station_code = $1',
          [code],
        )
        return row?.pending
      })
      .toBe(7)
    expect(live.ws.readyState).toBe(WebSocket.OPEN)
    expect(logs.filter((l) => l.level === 'error')).toEqual([])
    await live.close()
  })

  describe('requests the HTTP parser or the URL parser refuse', () => {
    const upgrade =
      'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
    const cases: { name: string; request: string | Buffer; status: RegExp }[] = [
      {
        name: 'an absolute target that is no URL',
        request: 'GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n',
        status: /^HTTP\/1\.1 400 /,
      },
      {
        name: 'the same on a WebSocket upgrade',
        request: `GET http://[::1 HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n`,
        status: /^HTTP\/1\.1 400 /,
      },
      { name: 'no HTTP at all', request: 'HELLO\r\n\r\n', status: /^HTTP\/1\.1 400 / },
      {
        name: 'a NUL in a header',
        request: Buffer.from(
          'GET /api/v1/health HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\u0000b\r\n\r\n',
        ),
        status: /^HTTP\/1\.1 400 /,
      },
      {
        name: 'headers beyond the limit',
        request: `GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Pad: ${'x'.repeat(20_000)}\r\n\r\n`,
        status: /^HTTP\/1\.1 431 /,
      },
    ]
    for (const c of cases) {
      it(`${c.name}: ${c.status.source.slice(12, 15)}, server alive`, async () => {
        const answer = await rawRequest(server.port, c.request)
        expect(answer.status).toMatch(c.status)
        const { error } = JSON.parse(answer.body) as { error: { code: string } }
        // What Node's parser refuses never reaches a route, so it is logged on its own line.
        if (error.code === 'malformed_request')
          expect(logs).toContainEqual(expect.objectContaining({ message: 'malformed request' }))
        else expect(error.code).toBe('malformed_url')
        await alive()
      })
    }
  })
})
