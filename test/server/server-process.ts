/**
 * The central server (or a crowd of simulated stations) in a process of its own, for benchmarks
 * that must not charge the server's thread with its clients' work: on a floor, stations are other
 * machines. No test-runner imports.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'

const root = path.resolve(import.meta.dirname, '../..')

/**
 * A TypeScript entry point in a process of its own (tsx as a loader, so the process is the script
 * itself and a signal reaches it directly); `lines` yields what it prints.
 */
export function spawnTs(
  script: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): { child: ChildProcess; lines: AsyncIterator<string> } {
  const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', script, ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return { child, lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator]() }
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/**
 * The central server's command line on a free port, on PostgreSQL; resolves with its URL from
 * its "server started" log line. Its request log keeps flowing and is discarded. With
 * WARMLINE_SERVER_CPU_PROF set to a folder, the server writes its CPU profile there as it stops
 * (NODE_OPTIONS may not carry --cpu-prof).
 */
export async function centralServer(
  dataDir: string,
  databaseUrl: string,
): Promise<{ child: ChildProcess; url: string }> {
  const profile = process.env.WARMLINE_SERVER_CPU_PROF
  const { child, lines } = spawnTs(
    'src/server/cli.ts',
    ['--port', '0', '--data-dir', dataDir, '--database-url', databaseUrl],
    profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [],
  )
  for (let line = await lines.next(); !line.done; line = await lines.next()) {
    const entry = JSON.parse(line.value) as { message?: string; url?: string }
    if (entry.message === 'server started' && entry.url) {
      await lines.return?.()
      child.stdout!.resume()
      return { child, url: entry.url }
    }
  }
  throw new Error('the central server exited before it started')
}
