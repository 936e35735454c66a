/**
 * The audit trail of administration (issue 12): every change an administrator makes — from the
 * console or the command line — is recorded in the transaction that makes it, so the trail
 * holds exactly what was done: who, when, what.
 */
import type { AuditEntry } from '../../shared/sync/admin-wire'
import type { User } from '../../shared/directory'
import type { Database, Queryable } from '../db/database'

export interface AuditRecord {
  actor: string
  action: string
  target: string
  detail?: Record<string, unknown>
}

export async function recordAudit(tx: Queryable, record: AuditRecord, now: number): Promise<void> {
  await tx.query(
    'INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5::jsonb)',
    [now, record.actor, record.action, record.target, JSON.stringify(record.detail ?? {})],
  )
}

interface AuditRow extends Record<string, unknown> {
  id: number
  at: number
  actor: string
  action: string
  target: string
  detail: Record<string, unknown>
}

/** A page of the trail, newest first, before the entry `before` (from the top when absent). */
export async function listAudit(
  db: Queryable,
  options: { before?: number | undefined; limit: number },
): Promise<{ entries: AuditEntry[]; next: number | null }> {
  const rows = await db.query<AuditRow>(
    `SELECT id, at, actor, action, target, detail FROM audit_log
      WHERE ($1::int8 IS NULL OR id < $1::int8) ORDER BY id DESC LIMIT $2`,
    [options.before ?? null, options.limit + 1],
  )
  const entries = rows.slice(0, options.limit)
  return {
    entries: entries.map((r) => ({ ...r, id: Number(r.id) })),
    next: rows.length > options.limit ? Number(entries.at(-1)!.id) : null,
  }
}

/** Runs `work` and records what it did in the same transaction: no change without its entry. */
export async function audited<T>(
  db: Database,
  now: number,
  work: (tx: Queryable) => Promise<T>,
  record: (result: T) => AuditRecord,
): Promise<T> {
  return db.transaction(async (tx) => {
    const result = await work(tx)
    await recordAudit(tx, record(result), now)
    return result
  })
}

export const userCreated = (actor: string, user: User): AuditRecord => ({
  actor,
  action: 'user.created',
  target: user.username,
  detail: { role: user.role, displayName: user.displayName },
})

export const codeIssued = (actor: string, code: { expiresAt: number }): AuditRecord => ({
  actor,
  action: 'station.code_issued',
  target: 'enrollment code',
  detail: { expiresAt: code.expiresAt },
})
