import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from './database'
import { openPglite } from './pglite'
import { openPostgres } from './postgres'

export interface StorageOptions {
  /** PostgreSQL connection string; when absent, PGlite stores the database in `dataDir`. */
  databaseUrl?: string
  /** Holds the embedded database and the `.eml` mail folder. Absent: an in-memory database. */
  dataDir?: string
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * PGlite's files may be opened by one process only: a second opener (the admin CLI while the server
 * runs, say) would corrupt them. A pid file turns that into a clear refusal.
 */
function lockDataDir(dir: string): () => void {
  const file = join(dir, 'pglite.pid')
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    const holder = Number(readFileSync(file, 'utf8'))
    if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
      throw new Error(
        `The embedded database in ${dir} is in use by process ${holder}. Stop that process first (the admin commands are also available over HTTP while the server runs).`,
        { cause: error },
      )
    }
    writeFileSync(file, String(process.pid))
  }
  return () => rmSync(file, { force: true })
}

export async function openDatabase(options: StorageOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl)
  if (!options.dataDir) return openPglite()
  const dir = join(options.dataDir, 'pglite')
  mkdirSync(dir, { recursive: true })
  const unlock = lockDataDir(dir)
  try {
    const db = await openPglite(dir)
    return {
      ...db,
      close: async () => {
        await db.close()
        unlock()
      },
    }
  } catch (error) {
    unlock()
    throw error
  }
}
