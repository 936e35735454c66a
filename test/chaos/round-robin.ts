/**
 * A round-robin TCP proxy in front of the server processes, as a load balancer without health
 * checks would be: each new connection goes to the next backend that is up (none up: the
 * connection is dropped at once). It forwards real bytes, and on a connection chosen by the
 * fault plan it fails the way a network and a load balancer do:
 *
 * - `refuse`: the connection is dropped before anything reaches a server;
 * - `reset_request`: part of the request reaches the server, then both sides are dropped;
 * - `lose_response`: the request reaches the server, which commits; its answer is dropped and the
 *   station retries a push that already landed (the duplicated delivery a station makes itself);
 * - `truncate_response`: the status line and part of the body reach the station, then a reset;
 * - `delay`: every answer on the connection comes late, so answers and pokes arrive out of order;
 * - `duplicate_request`: the request bytes also go, late, to the other server process (a balancer
 *   that retries on its own): the same push is committed twice, concurrently, on two processes.
 *
 * Live sockets (WebSocket upgrades) get their own plan: `delay` holds every server frame back,
 * `duplicate` sends each server text frame twice, `reset` drops the socket after a while.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'

export const HTTP_FAULTS = [
  'none',
  'refuse',
  'reset_request',
  'lose_response',
  'truncate_response',
  'delay',
  'duplicate_request',
] as const
export type HttpFault = (typeof HTTP_FAULTS)[number]
export const LIVE_FAULTS = ['none', 'delay', 'duplicate', 'reset'] as const
export type LiveFault = (typeof LIVE_FAULTS)[number]

export interface FaultPlan {
  http(): HttpFault
  live(): LiveFault
  /** How late a delayed answer, frame or duplicate comes, in ms. */
  delayMs(): number
}

export interface RoundRobin {
  readonly port: number
  /** The port a backend listens on, or null while it is down. */
  setBackend(index: number, port: number | null): void
  /** Faults to inject from now on; null for a clean network. */
  setFaults(plan: FaultPlan | null): void
  /** Requests forwarded to this backend that have had no answer yet. */
  inFlight(index: number): number
  /** How often each fault was injected. */
  counts(): Record<string, number>
  close(): Promise<void>
}

const HEADER_END = Buffer.from('\r\n\r\n')

/**
 * Splits the server→client bytes of a WebSocket after its upgrade answer into whole frames, so a
 * frame can be sent twice. Server frames are unmasked; anything unparsable is passed through.
 */
function frameSplitter(write: (frame: Buffer, isText: boolean) => void) {
  let buffered = Buffer.alloc(0)
  let upgraded = false
  return (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk])
    if (!upgraded) {
      const end = buffered.indexOf(HEADER_END)
      if (end < 0) return
      write(buffered.subarray(0, end + HEADER_END.length), false)
      buffered = buffered.subarray(end + HEADER_END.length)
      upgraded = true
    }
    for (;;) {
      if (buffered.length < 2) return
      const short = buffered[1]! & 0x7f
      let offset = 2
      let length = short
      if (short === 126) {
        if (buffered.length < 4) return
        length = buffered.readUInt16BE(2)
        offset = 4
      } else if (short === 127) {
        if (buffered.length < 10) return
        length = Number(buffered.readBigUInt64BE(2))
        offset = 10
      }
      if (buffered[1]! & 0x80) offset += 4
      if (buffered.length < offset + length) return
      const first = buffered[0]!
      write(buffered.subarray(0, offset + length), (first & 0x80) !== 0 && (first & 0x0f) === 1)
      buffered = buffered.subarray(offset + length)
    }
  }
}

export async function startRoundRobin(backends: number): Promise<RoundRobin> {
  const ports: (number | null)[] = Array.from({ length: backends }, () => null)
  const awaiting = Array.from({ length: backends }, () => new Set<Socket>())
  const open = new Set<Socket>()
  let plan: FaultPlan | null = null
  let next = 0
  const counts: Record<string, number> = {}
  const count = (what: string) => {
    counts[what] = (counts[what] ?? 0) + 1
  }

  const pickBackend = (skip?: number): number | null => {
    for (let i = 0; i < backends; i++) {
      const candidate = (next + i) % backends
      if (candidate !== skip && ports[candidate] !== null) {
        if (skip === undefined) next = candidate + 1
        return candidate
      }
    }
    return null
  }

  const track = (socket: Socket) => {
    open.add(socket)
    socket.on('close', () => open.delete(socket))
    socket.on('error', () => socket.destroy())
    return socket
  }

  const server = createServer((client) => {
    track(client)
    client.once('data', (first) => {
      const backend = pickBackend()
      const live = first.toString('latin1', 0, 32).startsWith('GET /api/v1/live')
      const fault = plan ? (live ? `live:${plan.live()}` : plan.http()) : 'none'
      const delayMs = plan?.delayMs() ?? 0
      if (fault !== 'none') count(fault)
      if (backend === null || fault === 'refuse') {
        client.destroy()
        return
      }
      const upstream = track(connect({ host: '127.0.0.1', port: ports[backend]! }))
      const pending = awaiting[backend]!
      const drop = () => {
        pending.delete(upstream)
        client.destroy()
        upstream.destroy()
      }
      client.on('close', drop)
      upstream.on('close', drop)

      const toServer = (chunk: Buffer) => {
        if (!live) pending.add(upstream)
        upstream.write(chunk)
      }
      if (fault === 'reset_request') {
        upstream.write(first.subarray(0, Math.max(1, first.length >> 1)), () => setImmediate(drop))
        return
      }
      toServer(first)
      client.on('data', toServer)

      if (fault === 'duplicate_request') {
        const other = pickBackend(backend)
        if (other !== null) {
          const shadow = track(connect({ host: '127.0.0.1', port: ports[other]! }))
          const copies = [first]
          client.on('data', (chunk) => copies.push(chunk))
          // The copy's answer goes nowhere: the station hears only from the first server.
          shadow.resume()
          setTimeout(() => {
            for (const chunk of copies.splice(0)) shadow.write(chunk)
            client.on('data', (chunk) => shadow.write(chunk))
          }, delayMs)
          client.on('close', () => setTimeout(() => shadow.end(), delayMs + 1000))
        }
      }

      // Answers keep their order within a connection, late or not.
      let chain = Promise.resolve()
      const later = (write: () => void) => {
        chain = chain.then(() => new Promise<void>((resolve) => setTimeout(resolve, delayMs)))
        void chain.then(write)
      }
      const toClient = (chunk: Buffer) => {
        if (fault === 'delay' || fault === 'live:delay') later(() => client.write(chunk))
        else client.write(chunk)
      }
      let answered = false
      const duplicateFrames = frameSplitter((frame, isText) => {
        client.write(frame)
        if (isText) client.write(frame)
      })
      if (fault === 'live:reset') setTimeout(drop, 20 + delayMs * 5)
      upstream.on('data', (chunk) => {
        pending.delete(upstream)
        if (fault === 'lose_response') {
          drop()
        } else if (fault === 'truncate_response' && !answered) {
          const end = chunk.indexOf(HEADER_END)
          if (end >= 0) {
            const bodyStart = end + HEADER_END.length
            client.write(chunk.subarray(0, bodyStart + ((chunk.length - bodyStart) >> 1)), drop)
            answered = true
          } else client.write(chunk)
        } else if (fault === 'live:duplicate') {
          duplicateFrames(chunk)
        } else {
          toClient(chunk)
        }
      })
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })

  return {
    port: (server.address() as AddressInfo).port,
    setBackend(index, port) {
      ports[index] = port
      if (port === null) awaiting[index]!.clear()
    },
    setFaults(next) {
      plan = next
    },
    inFlight: (index) => awaiting[index]!.size,
    counts: () => ({ ...counts }),
    close() {
      for (const socket of [...open]) socket.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
