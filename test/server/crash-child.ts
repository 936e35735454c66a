/**
 * A server process to kill: runs mail-crash-child.ts as a child, collects its JSON log lines, and
 * resolves once it listens (its `{"url"}` line). Shared by the crash tests of mail out and mail in.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import type { ChildConfig } from './mail-crash-child'
import { eventually } from './smtp'

const CHILD = join(import.meta.dirname, 'mail-crash-child.ts')

export interface Child {
  process: ChildProcess
  lines: Record<string, unknown>[]
  waitFor(match: (line: Record<string, unknown>) => boolean, what: string): Promise<void>
  url: string
  /** The email-in listener's port, when the config asked for one. */
  mailInPort?: number
}

export async function startChild(config: ChildConfig): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines: Record<string, unknown>[] = []
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>)
    } catch {
      lines.push({ text: line })
    }
  })
  const waitFor = (match: (line: Record<string, unknown>) => boolean, what: string) =>
    eventually(() => lines.some(match), what, 60_000)
  // The server's own "server started" log line carries the url too; the child's line follows it.
  const started = (l: Record<string, unknown>) =>
    typeof l.url === 'string' && (!config.mailIn || typeof l.mailInPort === 'number')
  await waitFor(started, 'the child server to listen')
  const line = lines.find(started)!
  return {
    process: child,
    lines,
    waitFor,
    url: line.url as string,
    ...(config.mailIn ? { mailInPort: line.mailInPort as number } : {}),
  }
}

export async function kill(child: Child, signal: NodeJS.Signals): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return
  const exited = once(child.process, 'exit')
  child.process.kill(signal)
  await exited
}
