/** Processes of catch-up stations (stations.ts), driven over their stdin and stdout. */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import type { StationsConfig, StationsMessage } from './stations'

const root = path.resolve(import.meta.dirname, '../../..')

export interface StationsProcess {
  send(line: 'go' | 'verify'): void
  /** The next message of `type`, each other one given to `onMessage` meanwhile; bounded. */
  next<T extends StationsMessage['type']>(
    type: T,
    timeoutMs: number,
  ): Promise<Extract<StationsMessage, { type: T }>>
  onMessage(listener: (message: StationsMessage) => void): void
  /** Closes its stations and waits for it to end. */
  exited(): Promise<void>
}

/**
 * The child runs as this process does: with tsx's loader, and with `--cpu-prof` when the bench
 * itself is profiled (`node --cpu-prof --import tsx test/bench/run.ts sync`).
 */
export function startStations(config: StationsConfig): StationsProcess {
  const child: ChildProcess = spawn(
    process.execPath,
    [...process.execArgv, path.join(import.meta.dirname, 'stations.ts'), JSON.stringify(config)],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const listeners: ((message: StationsMessage) => void)[] = []
  const waiting = new Map<string, (message: StationsMessage) => void>()
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const message = JSON.parse(line) as StationsMessage
    const waiter = waiting.get(message.type)
    if (waiter) {
      waiting.delete(message.type)
      waiter(message)
    } else for (const listener of listeners) listener(message)
  })
  return {
    send: (line) => child.stdin!.write(`${line}\n`),
    next: (type, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`stations did not say ${type} in ${timeoutMs} ms`)),
          timeoutMs,
        )
        void exit.then(() => {
          clearTimeout(timer)
          reject(new Error(`stations exited before saying ${type}`))
        })
        waiting.set(type, (message) => {
          clearTimeout(timer)
          resolve(message as Extract<StationsMessage, { type: typeof type }>)
        })
      }),
    onMessage: (listener) => listeners.push(listener),
    async exited() {
      if (child.exitCode === null) {
        child.stdin!.end('exit\n')
        const killer = setTimeout(() => child.kill("SIGKILL"), 10_000)
        await exit
        clearTimeout(killer)
      }
    },
  }
}
