/**
 * Attempt budgets for sign-in and station enrollment, kept in PostgreSQL so that every server
 * process on one database spends the same budget (behind a load balancer, a per-process count
 * would multiply the allowance by the number of processes).
 *
 * An attempt is counted *before* it is checked: `begin` writes one row per budget, then counts.
 * Two processes racing on one key both see both rows, so at most `max` attempts per window are
 * ever evaluated, however many arrive at once. A refused attempt takes its rows back (a lockout
 * does not extend itself); a failed one leaves them; a success takes them back and may clear keys.
 */
import { createHash } from 'node:crypto'
import type { Database, Queryable } from '../db/database'
import { ApiError } from '../http/http'

export interface Budget {
  /** What is limited, e.g. `['login', username, address]`; only its hash is stored. */
  key: readonly string[]
  max: number
  windowMs: number
  /** Attempts numbered up to this one (auth_attempts.id) do not count against the budget. */
  afterAttempt?: number
}

export type Attempt =
  | {
      allowed: true
      /** The attempt failed: it stays counted. */
      failed(): Promise<void>
      /** The attempt says nothing about guessing (e.g. it failed for another reason): uncount it. */
      cancel(): Promise<void>
      /** The attempt succeeded: uncount it and forget the failures of `clear`. */
      succeeded(clear?: readonly Budget[]): Promise<void>
    }
  | { allowed: false; retryAfterMs: number }

export interface AttemptLimiter {
  begin(budgets: readonly Budget[]): Promise<Attempt>
}

/** The attempt, or a 429 when a budget is spent: nothing is checked then, so nothing is learnt. */
export async function allowed(attempt: Attempt): Promise<Extract<Attempt, { allowed: true }>> {
  if (!attempt.allowed) {
    const seconds = Math.ceil(attempt.retryAfterMs / 1000)
    throw new ApiError(
      429,
      'too_many_attempts',
      `Too many failed attempts; try again in ${seconds} s.`,
      { 'retry-after': String(seconds) },
    )
  }
  return attempt
}

/** Rows older than this are deleted as attempts come in; no budget may have a longer window. */
export const MAX_WINDOW_MS = 24 * 60 * 60_000

const hashKey = (key: readonly string[]) =>
  createHash('sha256').update(JSON.stringify(key)).digest('hex')

export function createAttemptLimiter(db: Database, now: () => number): AttemptLimiter {
  return {
    async begin(budgets) {
      const at = now()
      const keys = budgets.map((b) => hashKey(b.key))
      const mine = await db.query<{ id: number }>(
        `WITH pruned AS (DELETE FROM auth_attempts WHERE at <= $3)
         INSERT INTO auth_attempts (key, at) SELECT k, $2 FROM unnest($1::text[]) AS k RETURNING id`,
        [keys, at, at - MAX_WINDOW_MS],
      )
      const ownIds = mine.map((r) => Number(r.id))
      const rows = await db.query<{ id: number; key: string; at: number }>(
        `SELECT id, key, at FROM auth_attempts WHERE key = ANY($1::text[]) AND at > $2
          ORDER BY at DESC, id DESC`,
        [keys, at - Math.max(...budgets.map((b) => b.windowMs))],
      )
      const own = new Set(ownIds)
      let retryAfterMs = 0
      budgets.forEach((budget, i) => {
        const from = at - budget.windowMs
        const after = budget.afterAttempt ?? 0
        const counted = rows.filter(
          (r) => r.key === keys[i] && Number(r.at) > from && Number(r.id) > after,
        )
        if (counted.length <= budget.max) return
        // Over budget means at least `max` others; one more is allowed once the max-th newest of
        // them has left the window.
        const others = counted.filter((r) => !own.has(Number(r.id)))
        const binding = Number(others[budget.max - 1]!.at)
        retryAfterMs = Math.max(retryAfterMs, binding + budget.windowMs - at, 1)
      })
      const uncount = () =>
        db.query('DELETE FROM auth_attempts WHERE id = ANY($1::int8[])', [ownIds]).then(() => {})
      if (retryAfterMs > 0) {
        await uncount()
        return { allowed: false, retryAfterMs }
      }
      return {
        allowed: true,
        failed: async () => {},
        cancel: uncount,
        async succeeded(clear = []) {
          await db.query(
            'DELETE FROM auth_attempts WHERE id = ANY($1::int8[]) OR key = ANY($2::text[])',
            [ownIds, clear.map((b) => hashKey(b.key))],
          )
        },
      }
    },
  }
}

const MINUTE = 60_000

/**
 * Sign-in: five failures per user name from one client address, then that pair waits; thirty per
 * user name from all addresses together, which bounds a guesser spread over many addresses at
 * 120 passwords an hour per account. Neither touches another user, and a user locked out at one
 * station can still sign in at another.
 */
export function loginBudgets(username: string, address: string): [Budget, Budget] {
  const name = username.toLowerCase()
  return [
    { key: ['login', name, address], max: 5, windowMs: 15 * MINUTE },
    { key: ['login', name], max: 30, windowMs: 15 * MINUTE },
  ]
}

/**
 * Enrollment: ten wrong codes per client address, counted only since the newest code was issued,
 * so a station whose typing used its budget is let in with the fresh code an administrator gives
 * it. The code itself carries the protection against guessing (see README, "Rate limits").
 */
export async function enrollmentBudget(db: Queryable, address: string): Promise<Budget> {
  const [newest] = await db.query<{ mark: number | null }>(
    'SELECT max(attempts_before) AS mark FROM enrollment_codes',
  )
  return {
    key: ['enroll', address],
    max: 10,
    windowMs: 15 * MINUTE,
    afterAttempt: Number(newest?.mark ?? 0),
  }
}
