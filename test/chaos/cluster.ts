/**
 * The chaos floor's central side: one throwaway PostgreSQL cluster for the whole run, a fresh
 * database per seed, and two real server processes per seed (child processes running
 * server-process.ts) behind the round-robin proxy. A server process is ended only with SIGKILL,
 * the way it dies in a crash; it also ends itself when its parent goes away.
 *
 * The script is compiled once per run (Vite, SSR build, packages left to node_modules) rather than
 * started with tsx: loading the server's sources through tsx costs about a second of CPU per
 * start, three times what the compiled file costs, and a seed starts three processes.
 *
 * Every seed's database is a copy of a template that was set up once (migrations, the first
 * administrator, the floor's accounts): the scrypt hashing of twenty accounts is not paid per seed.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { symlink } from 'node:fs/promises'
import pg from 'pg'
import { build } from 'vite'
import { openPostgres } from '../../src/server/db/postgres'
import type { Database } from '../../src/server/db/database'
import { silentLogger, startServer } from '../../src/server/index'
import { centralApi, setUpCentral, type CentralApi } from '../station/support/floor'
import type { Role } from '../station/support/floor-work'
import { tempDir } from '../station/support/station'
import { startPostgres, type TestPostgres } from '../support/postgres'
import { startRoundRobin, type RoundRobin } from './round-robin'

const here = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(here, '../..')
const SERVER_SCRIPT = path.join(here, 'server-process.ts')
const COMPILED_NAME = 'server-process.mjs'
const TEMPLATE = 'chaos_template'
/** A server process that does not listen within this long counts as failed to start. */
const START_TIMEOUT_MS = 30_000

export interface Account {
  username: string
  role: Role
}

export interface ServerProcess {
  readonly index: number
  readonly running: boolean
  start(): Promise<void>
  /** SIGKILL, no warning; resolves once the process is gone. */
  kill(): Promise<void>
}

export interface SeedCentral extends CentralApi {
  /** This seed's round-robin in front of its two server processes. */
  readonly proxy: RoundRobin
  readonly db: Database
  readonly servers: readonly ServerProcess[]
  /** Lines the server processes logged at level error (a 5xx is one). */
  readonly serverErrors: string[]
  close(): Promise<void>
}

export interface ChaosCluster {
  readonly accounts: readonly Account[]
  /** A fresh database and two server processes on it, behind a round-robin of its own. */
  openSeed(seed: number, mailDir: string): Promise<SeedCentral>
  close(): Promise<void>
}

/** Compiles server-process.ts into `dir`, where a link to node_modules resolves its packages. */
async function compileServer(dir: string): Promise<string> {
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir')
  await build({
    configFile: false,
    logLevel: 'warn',
    root: ROOT,
    build: {
      ssr: SERVER_SCRIPT,
      outDir: dir,
      emptyOutDir: false,
      target: 'node20',
      minify: false,
      rollupOptions: { output: { format: 'es', entryFileNames: COMPILED_NAME } },
    },
  })
  return path.join(dir, COMPILED_NAME)
}

function spawnServer(
  script: string,
  databaseUrl: string,
  mailDir: string,
  onError: (line: string) => void,
) {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, MAIL_DIR: mailDir },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  live.add(child)
  child.on('exit', () => live.delete(child))
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (text: string) => {
    for (const line of text.split('\n')) if (line.trim()) onError(line)
  })
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('server process did not start')),
      START_TIMEOUT_MS,
    )
    let out = ''
    child.stdout!.setEncoding('utf8')
    child.stdout!.on('data', (text: string) => {
      out += text
      const match = /listening (\d+)/.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`server process ended before listening (${code ?? signal})`))
    })
  })
  return { child, port }
}

/** Children still alive: killed on any exit of this process, however it ends. */
const live = new Set<ChildProcess>()
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL')
})

function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGKILL')
  })
}

async function adminQuery(cluster: TestPostgres, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: cluster.url() })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export async function startChaosCluster(accounts: readonly Account[]): Promise<ChaosCluster> {
  const postgres = await startPostgres()
  const compiled = await tempDir('chaos-server')
  try {
    const script = await compileServer(compiled.dir)
    const templateUrl = await postgres.createDatabase(TEMPLATE)
    // Set up in this process, once: the template then holds migrations, admin and accounts.
    const server = await startServer({
      databaseUrl: templateUrl,
      port: 0,
      host: '127.0.0.1',
      logger: silentLogger,
    })
    let adminToken: string
    try {
      adminToken = await setUpCentral(server.url)
      const api = centralApi(server.url, adminToken)
      for (const account of accounts) await api.createUser(account.username, account.role)
    } finally {
      await server.close()
    }

    return {
      accounts,
      async openSeed(seed, mailDir) {
        const name = `chaos_seed_${seed}`
        await adminQuery(postgres, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await adminQuery(postgres, `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE}`)
        const url = postgres.url(name)
        const proxy = await startRoundRobin(2)
        const serverErrors: string[] = []
        const children: (ChildProcess | null)[] = [null, null]
        const servers = children.map((_, index): ServerProcess => {
          let starting: Promise<void> | null = null
          return {
            index,
            get running() {
              return children[index] !== null
            },
            start() {
              starting ??= (async () => {
                const { child, port } = spawnServer(script, url, mailDir, (line) =>
                  serverErrors.push(line),
                )
                children[index] = child
                try {
                  proxy.setBackend(index, await port)
                } catch (error) {
                  children[index] = null
                  await killed(child)
                  throw error
                } finally {
                  starting = null
                }
              })()
              return starting
            },
            async kill() {
              const child = children[index]
              proxy.setBackend(index, null)
              children[index] = null
              if (child) await killed(child)
            },
          }
        })
        const db = openPostgres(url)
        const seedCentral: SeedCentral = {
          ...centralApi(`http://127.0.0.1:${proxy.port}`, adminToken),
          proxy,
          db,
          servers,
          serverErrors,
          async close() {
            await Promise.all(servers.map((s) => s.kill()))
            await proxy.close()
            await db.close()
            await adminQuery(postgres, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
          },
        }
        try {
          await Promise.all(servers.map((s) => s.start()))
        } catch (error) {
          await seedCentral.close()
          throw error
        }
        return seedCentral
      },
      async close() {
        for (const child of live) await killed(child)
        await postgres.stop()
        await compiled.remove()
      },
    }
  } catch (error) {
    await postgres.stop()
    await compiled.remove()
    throw error
  }
}
