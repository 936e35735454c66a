/**
 * A TCP proxy between one station and the central server, to make the network fail the way
 * networks do: `cut()` drops every connection and refuses new ones (a pulled cable);
 * `swallowResponses()` lets requests reach the server but loses what comes back (the server
 * commits, the station never hears). Nothing is faked: bytes go to the real server.
 */
import { createServer, connect, type Server } from 'node:net'
import type { AddressInfo } from 'node:net'

export interface FlakyLink {
  url: string
  port: number
  cut(): Promise<void>
  restore(): Promise<void>
  /** Until `restore()`: requests go through, answers are dropped and the connection reset. */
  swallowResponses(): void
  close(): Promise<void>
}

export async function startFlakyLink(target: () => number, port = 0): Promise<FlakyLink> {
  /** How to drop each open client/upstream pair. */
  const pairs = new Set<() => void>()
  let swallowing = false
  let server: Server | null = null
  let boundPort = port

  function listen(): Promise<void> {
    const next = createServer((client) => {
      const upstream = connect({ host: '127.0.0.1', port: target() })
      const drop = () => {
        pairs.delete(drop)
        client.destroy()
        // The server side is closed with a FIN, not torn down: the server under test is the real
        // one, and what is tested is the station's reaction to the drop.
        upstream.end()
      }
      pairs.add(drop)
      client.on('data', (chunk) => upstream.write(chunk))
      upstream.on('data', (chunk) => {
        if (swallowing) drop()
        else client.write(chunk)
      })
      client.on('close', drop)
      upstream.on('close', drop)
      client.on('error', drop)
      upstream.on('error', drop)
    })
    server = next
    return new Promise((resolve, reject) => {
      next.once('error', reject)
      next.listen(boundPort, '127.0.0.1', () => {
        boundPort = (next.address() as AddressInfo).port
        resolve()
      })
    })
  }

  async function cut(): Promise<void> {
    const current = server
    server = null
    for (const drop of [...pairs]) drop()
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()))
  }

  await listen()
  return {
    get url() {
      return `http://127.0.0.1:${boundPort}`
    },
    get port() {
      return boundPort
    },
    cut,
    async restore() {
      swallowing = false
      if (!server) await listen()
    },
    swallowResponses() {
      swallowing = true
    },
    close: cut,
  }
}
