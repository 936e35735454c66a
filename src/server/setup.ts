/**
 * First run: while no user exists, one call creates the first administrator, and can load the
 * sample directory and the demo accounts. Once any user exists it is refused.
 */
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { z } from 'zod'
import type { User } from '../shared/directory'
import type { SessionResponse, setupRequestSchema } from '../shared/sync/wire'
import { countUsers, createSession, createUser } from './accounts'
import type { Database } from './db/database'
import { ADVISORY_LOCKS } from './db/locks'
import { importDirectory, parseDirectoryFile } from './directory-store'
import { ApiError } from './http/http'

/** Printed in the README; for trying Warmline out, never for a real floor. */
export const DEMO_PASSWORD = 'demo-password-1'
export const DEMO_ACCOUNTS: readonly User[] = [
  { username: 'agent1', displayName: 'Jordan Lee', role: 'agent' },
  { username: 'agent2', displayName: 'Priya Natarajan', role: 'agent' },
  { username: 'super1', displayName: 'Sam Rivera', role: 'supervisor' },
]

export const SAMPLE_DIRECTORY_PATH = fileURLToPath(
  new URL('../../resources/directory/sample-directory.json', import.meta.url),
)

export async function loadSampleDirectory(path: string) {
  return parseDirectoryFile(path, await readFile(path, 'utf8'))
}

export async function runSetup(
  db: Database,
  input: z.output<typeof setupRequestSchema>,
  options: { now: number; sessionTtlMs: number; sampleDirectoryPath: string },
): Promise<SessionResponse> {
  // Read before the transaction: a missing sample file must not leave half a setup behind.
  const sample = input.loadSampleDirectory
    ? await loadSampleDirectory(options.sampleDirectoryPath)
    : null
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.setup])
    if ((await countUsers(tx)) > 0) {
      throw new ApiError(
        409,
        'already_set_up',
        'This server is set up already: sign in, or ask an administrator for an account.',
      )
    }
    const admin = await createUser(
      tx,
      {
        username: input.username,
        displayName: input.displayName,
        role: 'admin',
        password: input.password,
      },
      options.now,
    )
    if (input.createDemoAccounts) {
      for (const account of DEMO_ACCOUNTS) {
        if (account.username !== admin.username)
          await createUser(tx, { ...account, password: DEMO_PASSWORD }, options.now)
      }
    }
    if (sample) await importDirectory(tx, sample)
    return createSession(tx, admin, null, options.now, options.sessionTtlMs)
  })
}
