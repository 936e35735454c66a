/**
 * Accounts as the administrator keeps them (issue 12): disable and enable, change a role, reset
 * a password; and a person changing their own password. Each change and its audit entry are one
 * transaction.
 *
 * At least one active administrator always remains: a change that could take the last one away
 * (disabling an admin, demoting one) takes the `admins` advisory lock, makes the change and
 * counts again before it commits, so two administrators disabling each other at the same moment
 * cannot both succeed — the second one waits, counts, and is refused.
 */
import type { Role } from '../../shared/directory'
import { newPasswordProblem } from '../../shared/incident/password-choice'
import type { AdminUser } from '../../shared/sync/admin-wire'
import { hashPassword, verifyPassword } from '../auth/secrets'
import type { Database, Queryable } from '../db/database'
import { ADVISORY_LOCKS } from '../db/locks'
import { ApiError } from '../http/http'
import { recordAudit } from './audit'

interface AccountRow extends Record<string, unknown> {
  username: string
  display_name: string
  role: Role
  disabled: boolean
  created_at: number
}

const accountOf = (r: AccountRow): AdminUser => ({
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  disabled: r.disabled,
  createdAt: r.created_at,
})

export async function listAccounts(db: Queryable): Promise<AdminUser[]> {
  const rows = await db.query<AccountRow>(
    'SELECT username, display_name, role, disabled, created_at FROM users ORDER BY username',
  )
  return rows.map(accountOf)
}

const unknownUser = (username: string) =>
  new ApiError(404, 'unknown_user', `username: there is no user named "${username}".`)

/** Ends every session of a user (all but `except`, a token hash). */
export async function endSessionsOf(
  tx: Queryable,
  username: string,
  now: number,
  except: string | null = null,
): Promise<number> {
  const rows = await tx.query(
    `UPDATE sessions SET revoked_at = $2
      WHERE username = $1 AND revoked_at IS NULL AND expires_at > $2
        AND ($3::text IS NULL OR token_hash <> $3::text) RETURNING token_hash`,
    [username, now, except],
  )
  return rows.length
}

/** Runs `change` and refuses (rolling it back) when no active administrator would be left. */
async function keepingAnAdmin<T>(tx: Queryable, change: () => Promise<T>): Promise<T> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [ADVISORY_LOCKS.admins])
  const result = await change()
  const [row] = await tx.query<{ n: number }>(
    `SELECT count(*)::int4 AS n FROM users WHERE role = 'admin' AND NOT disabled`,
  )
  if (row!.n === 0) {
    throw new ApiError(
      409,
      'last_admin',
      'This is the last active administrator: make another user an administrator first.',
    )
  }
  return result
}

export async function setDisabled(
  db: Database,
  actor: string,
  input: { username: string; disabled: boolean },
  now: number,
): Promise<AdminUser> {
  return db.transaction((tx) =>
    keepingAnAdmin(tx, async () => {
      const [row] = await tx.query<AccountRow>(
        `UPDATE users SET disabled = $2 WHERE username = $1
          RETURNING username, display_name, role, disabled, created_at`,
        [input.username, input.disabled],
      )
      if (!row) throw unknownUser(input.username)
      const ended = input.disabled ? await endSessionsOf(tx, input.username, now) : 0
      await recordAudit(
        tx,
        {
          actor,
          action: input.disabled ? 'user.disabled' : 'user.enabled',
          target: input.username,
          detail: input.disabled ? { sessionsEnded: ended } : {},
        },
        now,
      )
      return accountOf(row)
    }),
  )
}

export async function setRole(
  db: Database,
  actor: string,
  input: { username: string; role: Role },
  now: number,
): Promise<AdminUser> {
  return db.transaction((tx) =>
    keepingAnAdmin(tx, async () => {
      const [before] = await tx.query<{ role: Role }>(
        'SELECT role FROM users WHERE username = $1 FOR UPDATE',
        [input.username],
      )
      if (!before) throw unknownUser(input.username)
      const [row] = await tx.query<AccountRow>(
        `UPDATE users SET role = $2 WHERE username = $1
          RETURNING username, display_name, role, disabled, created_at`,
        [input.username, input.role],
      )
      await recordAudit(
        tx,
        {
          actor,
          action: 'user.role_changed',
          target: input.username,
          detail: { from: before.role, to: input.role },
        },
        now,
      )
      return accountOf(row!)
    }),
  )
}

function refuseWeak(problem: string | null): void {
  if (problem) throw new ApiError(400, 'weak_password', `password: ${problem}`)
}

/** An administrator sets someone's password: whoever was signed in as them is signed out. */
export async function resetPassword(
  db: Database,
  actor: string,
  input: { username: string; password: string },
  now: number,
): Promise<void> {
  refuseWeak(newPasswordProblem({ username: input.username, newPassword: input.password }))
  const hash = await hashPassword(input.password)
  await db.transaction(async (tx) => {
    const rows = await tx.query(
      'UPDATE users SET password_hash = $2 WHERE username = $1 RETURNING 1',
      [input.username, hash],
    )
    if (!rows.length) throw unknownUser(input.username)
    const ended = await endSessionsOf(tx, input.username, now)
    await recordAudit(
      tx,
      {
        actor,
        action: 'user.password_reset',
        target: input.username,
        detail: { sessionsEnded: ended },
      },
      now,
    )
  })
}

/**
 * A person changes their own password with the current one. Their other sessions end (a
 * password changed because it leaked must lock the other holder out); this one goes on.
 * False when the current password is wrong.
 */
export async function changeOwnPassword(
  db: Database,
  self: { username: string; tokenHash: string },
  input: { currentPassword: string; newPassword: string },
  now: number,
): Promise<boolean> {
  const [row] = await db.query<{ password_hash: string }>(
    'SELECT password_hash FROM users WHERE username = $1 AND NOT disabled',
    [self.username],
  )
  if (!row || !(await verifyPassword(input.currentPassword, row.password_hash))) return false
  refuseWeak(newPasswordProblem({ username: self.username, ...input }))
  const hash = await hashPassword(input.newPassword)
  await db.transaction(async (tx) => {
    await tx.query('UPDATE users SET password_hash = $2 WHERE username = $1', [self.username, hash])
    const ended = await endSessionsOf(tx, self.username, now, self.tokenHash)
    await recordAudit(
      tx,
      {
        actor: self.username,
        action: 'user.password_changed',
        target: self.username,
        detail: { otherSessionsEnded: ended },
      },
      now,
    )
  })
  return true
}
