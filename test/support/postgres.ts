/**
 * A throwaway PostgreSQL 15 cluster for tests and benchmarks, from the machine's own binaries:
 * initdb + pg_ctl in a temp dir, listening on 127.0.0.1 on a free port, fsync off. As root the
 * cluster runs as the `postgres` user (PostgreSQL refuses to run as root).
 *
 * Missing binaries are an error, never a skip: .ci/run installs postgresql-15.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

export const POSTGRES_BIN = process.env.WARMLINE_PG_BIN ?? '/usr/lib/postgresql/15/bin'

export interface TestPostgres {
  port: number
  /** Connection string of a database of this cluster. */
  url(database?: string): string
  /** Creates a fresh, empty database and returns its connection string. */
  createDatabase(name?: string): Promise<string>
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      )
    })
  })
}

async function postgresUid(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['-u', 'postgres'])
  const { stdout: gid } = await run('id', ['-g', 'postgres'])
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) }
}

let databaseCounter = 0

export async function startPostgres(): Promise<TestPostgres> {
  for (const tool of ['initdb', 'pg_ctl']) {
    if (!existsSync(join(POSTGRES_BIN, tool))) {
      throw new Error(
        `PostgreSQL 15 is required for the server tests, but ${join(POSTGRES_BIN, tool)} is missing. Install it with "apt-get install postgresql-15" (.ci/run does), or point WARMLINE_PG_BIN at its bin folder.`,
      )
    }
  }
  const asRoot = process.getuid?.() === 0
  const dir = await mkdtemp(join(tmpdir(), 'warmline-pg-'))
  const data = join(dir, 'data')
  if (asRoot) {
    const { uid, gid } = await postgresUid()
    await chown(dir, uid, gid)
  }
  await chmod(dir, 0o700)
  const pgTool = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', join(POSTGRES_BIN, tool), ...args])
      : run(join(POSTGRES_BIN, tool), args)

  await pgTool('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-locale',
    '--no-sync',
  ])
  let port = 0
  // Another process may take the probed port before the cluster binds it: try a few.
  for (let attempt = 0; ; attempt++) {
    port = await freePort()
    try {
      await pgTool('pg_ctl', [
        '-D',
        data,
        '-l',
        join(dir, 'postgres.log'),
        '-w',
        '-o',
        `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
        'start',
      ])
      break
    } catch (error) {
      if (attempt >= 2) {
        await rm(dir, { recursive: true, force: true })
        throw error
      }
    }
  }
  const url = (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`
  return {
    port,
    url,
    async createDatabase(name = `t${process.pid}_${++databaseCounter}`) {
      const client = new pg.Client({ connectionString: url() })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`)
      } finally {
        await client.end()
      }
      return url(name)
    },
    async stop() {
      await pgTool('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {})
      await rm(dir, { recursive: true, force: true })
    },
  }
}
