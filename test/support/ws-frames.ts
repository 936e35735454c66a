/**
 * Hand-built WebSocket frames and raw HTTP requests, for tests that play a hostile peer: what an
 * attacker writes on the wire, beneath the checks a well-behaved client library makes.
 */
import { connect } from 'node:net'
import type { WebSocket } from 'ws'

export const OPCODE = { text: 0x1, binary: 0x2 } as const

/** One WebSocket frame; masked (as a client's must be) unless told otherwise. */
export function frame(
  opcode: number,
  payload: Buffer,
  options: { mask?: boolean; rsv1?: boolean; declaredLength?: number } = {},
): Buffer {
  const { mask = true, rsv1 = false, declaredLength = payload.length } = options
  const head = [0x80 | (rsv1 ? 0x40 : 0) | opcode]
  const maskBit = mask ? 0x80 : 0
  if (declaredLength < 126) head.push(maskBit | declaredLength)
  else if (declaredLength < 65536)
    head.push(maskBit | 126, declaredLength >> 8, declaredLength & 0xff)
  else {
    const length = Buffer.alloc(8)
    length.writeBigUInt64BE(BigInt(declaredLength))
    head.push(maskBit | 127, ...length)
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload])
  const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d])
  const masked = Buffer.from(payload.map((byte, i) => byte ^ key[i % 4]!))
  return Buffer.concat([Buffer.from(head), key, masked])
}

/** `{(}`: a text frame whose payload is not UTF-8 (0xC3 must be followed by a continuation byte). */
export const INVALID_UTF8 = Buffer.from([0x7b, 0xc3, 0x28, 0x7d])

/** Writes bytes under a `ws` socket (client or server side), bypassing its own checks. */
export function writeRaw(ws: WebSocket, bytes: Buffer): void {
  ;(ws as unknown as { _socket: { write(b: Buffer): void } })._socket.write(bytes)
}

/** The raw HTTP answer to a request written byte for byte: its status line and body. */
export function rawRequest(
  port: number,
  request: string | Buffer,
): Promise<{ status: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', reject)
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const [head = '', body = ''] = text.split('\r\n\r\n')
      resolve({ status: head.split('\r\n')[0]!, body })
    })
    socket.end(request)
    setTimeout(() => socket.destroy(new Error('no answer')), 5000).unref()
  })
}
