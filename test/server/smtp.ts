/** A real SMTP listener (the smtp-server package) on 127.0.0.1 that keeps what it receives. */
import { createServer, type Socket } from 'node:net'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  raw: string
  messageId: string
  to: string[]
}

export interface TestSmtp {
  port: number
  url: string
  received: ReceivedMail[]
  /** How many conversations are being held (see `hold`). */
  held(): number
  /** Lets every held conversation go on, and holds no more. */
  release(): void
  close(): Promise<void>
}

export interface SmtpOptions {
  port?: number
  /** Addresses answered with a permanent 550, as a real server refuses a bad mailbox. */
  rejectRecipient?: string
  /**
   * Where the server stops answering until `release()`, so a test can act while a client is
   * known to be at that point: `rcpt` (connected, before DATA) or `reply` (after the final `.`,
   * the message received, before the 250).
   */
  hold?: 'rcpt' | 'reply'
}

export async function startSmtp(options: SmtpOptions = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = []
  const holding: (() => void)[] = []
  let hold = options.hold
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address === options.rejectRecipient) {
        const error = Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 })
        return callback(error)
      }
      if (hold === 'rcpt') holding.push(() => callback())
      else callback()
    },
    onData(stream, session, callback) {
      let raw = ''
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')))
      stream.on('end', () => {
        received.push({
          raw,
          messageId: /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? '',
          to: session.envelope.rcptTo.map((r) => r.address),
        })
        if (hold === 'reply') holding.push(() => callback())
        else callback()
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    held: () => holding.length,
    release: () => {
      hold = undefined
      holding.splice(0).forEach((answer) => answer())
    },
    close: () => {
      holding.splice(0).forEach((answer) => answer())
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/**
 * A mail server whose connection breaks at one point of every conversation: at RCPT (before DATA:
 * nothing can have been accepted), or right after the final `.` (the message complete, no
 * answer). smtp-server answers every command it accepts, so this speaks the few lines itself.
 */
export async function startBreakingSmtp(
  breakAt: 'rcpt' | 'dot',
): Promise<{ url: string; conversations: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>()
  const state = { conversations: 0 }
  const server = createServer((socket) => {
    sockets.add(socket)
    state.conversations++
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    let buffer = ''
    let inData = false
    socket.write('220 breaking.test ESMTP\r\n')
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1')
      if (inData) {
        if (buffer.includes('\r\n.\r\n')) socket.destroy()
        return
      }
      let end: number
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const command = buffer.slice(0, end).toUpperCase()
        buffer = buffer.slice(end + 2)
        if (command.startsWith('EHLO')) socket.write('250 breaking.test\r\n')
        else if (command.startsWith('RCPT') && breakAt === 'rcpt') return void socket.destroy()
        else if (command.startsWith('DATA')) {
          inData = true
          socket.write('354 go ahead\r\n')
          return
        } else socket.write('250 OK\r\n')
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `smtp://127.0.0.1:${port}`,
    get conversations() {
      return state.conversations
    },
    close: () => {
      sockets.forEach((socket) => socket.destroy())
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** Polls `check` until it returns true; fails after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}
