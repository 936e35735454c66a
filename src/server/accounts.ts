/**
 * Users, sessions, stations and the integration tokens of Event Management. Tokens are opaque
 * random strings handed out once; only their SHA-256 hashes are stored, so a copy of the database
 * does not let anyone sign in.
 */
import { randomInt } from 'node:crypto'
import type { Role, User } from '../shared/directory'
import { SERVER_ACTOR } from '../shared/incident/vocabulary'
import type { SessionResponse } from '../shared/sync/wire'
import {
  decoyPasswordHash,
  hashPassword,
  newToken,
  tokenHash,
  verifyPassword,
} from './auth/secrets'
import type { Queryable } from './db/database'
import { ApiError } from './http/http'

// Defined beside the domain, which tells a ticket the server owns from an agent's.
export { SERVER_ACTOR, SERVER_STATION } from '../shared/incident/vocabulary'

export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60_000
export const DEFAULT_ENROLLMENT_TTL_MS = 24 * 60 * 60_000

export type Principal =
  | { kind: 'user'; user: User; stationCode: string | null; tokenHash: string }
  | { kind: 'integration'; name: string; scope: IntegrationScope }

/** What an integration token may post to: Event Management's alerts, or the phone system's calls. */
export type IntegrationScope = 'monitoring' | 'cti'

interface UserRow extends Record<string, unknown> {
  username: string
  display_name: string
  role: Role
}

const toUser = (row: UserRow): User => ({
  username: row.username,
  displayName: row.display_name,
  role: row.role,
})

export async function countUsers(db: Queryable): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int4 AS n FROM users')
  return row!.n
}

export async function createUser(
  db: Queryable,
  input: User & { password: string },
  now: number,
): Promise<User> {
  if (input.username === SERVER_ACTOR) {
    throw new ApiError(
      400,
      'reserved_username',
      `"${SERVER_ACTOR}" is reserved for events the server writes itself.`,
    )
  }
  const passwordHash = await hashPassword(input.password)
  const rows = await db.query<UserRow>(
    `INSERT INTO users (username, display_name, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (username) DO NOTHING RETURNING username, display_name, role`,
    [input.username, input.displayName, input.role, passwordHash, now],
  )
  if (!rows[0])
    throw new ApiError(409, 'user_exists', `A user named "${input.username}" already exists.`)
  return toUser(rows[0])
}

export async function listUsers(db: Queryable): Promise<User[]> {
  const rows = await db.query<UserRow>(
    'SELECT username, display_name, role FROM users WHERE NOT disabled ORDER BY username',
  )
  return rows.map(toUser)
}

/** Null for a wrong user name or password alike: the caller must not learn which it was. */
export async function login(
  db: Queryable,
  input: { username: string; password: string; stationCode?: string | undefined },
  now: number,
  ttlMs: number,
): Promise<SessionResponse | null> {
  const [row] = await db.query<UserRow & { password_hash: string }>(
    'SELECT username, display_name, role, password_hash FROM users WHERE username = $1 AND NOT disabled',
    [input.username],
  )
  const valid = await verifyPassword(
    input.password,
    row?.password_hash ?? (await decoyPasswordHash()),
  )
  if (!row || !valid) return null
  if (input.stationCode) {
    const stations = await db.query(
      'SELECT 1 FROM stations WHERE code = $1 AND revoked_at IS NULL',
      [input.stationCode],
    )
    if (!stations.length) {
      throw new ApiError(
        403,
        'unknown_station',
        `Station ${input.stationCode} is not enrolled on this server, or an administrator revoked it: enroll it again.`,
      )
    }
  }
  const session = await createSession(db, toUser(row), input.stationCode ?? null, now, ttlMs)
  return input.stationCode
    ? { ...session, highestSequence: await highestSequence(db, input.stationCode) }
    : session
}

/** The highest ticket sequence of a station the log holds: where its number counter must be. */
export async function highestSequence(db: Queryable, stationCode: string): Promise<number> {
  const [row] = await db.query<{ n: number | null }>(
    'SELECT max(sequence) AS n FROM ticket_numbers WHERE station_code = $1',
    [stationCode],
  )
  return row?.n ?? 0
}

export async function createSession(
  db: Queryable,
  user: User,
  stationCode: string | null,
  now: number,
  ttlMs: number,
): Promise<SessionResponse> {
  const token = newToken()
  const expiresAt = now + ttlMs
  await db.query(
    'INSERT INTO sessions (token_hash, username, station_code, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
    [tokenHash(token), user.username, stationCode, now, expiresAt],
  )
  return { token, expiresAt, user }
}

/** Who holds this bearer token: a signed-in user, or an integration (Event Management). */
export async function authenticate(
  db: Queryable,
  token: string,
  now: number,
): Promise<Principal | { expired: true } | null> {
  const hash = tokenHash(token)
  const [session] = await db.query<
    UserRow & { station_code: string | null; expires_at: number; revoked_at: number | null }
  >(
    `SELECT u.username, u.display_name, u.role, s.station_code, s.expires_at, s.revoked_at
       FROM sessions s JOIN users u ON u.username = s.username
      WHERE s.token_hash = $1 AND NOT u.disabled`,
    [hash],
  )
  if (session) {
    if (session.revoked_at !== null || session.expires_at <= now) return { expired: true }
    return {
      kind: 'user',
      user: toUser(session),
      stationCode: session.station_code,
      tokenHash: hash,
    }
  }
  const [integration] = await db.query<{ name: string; scope: IntegrationScope }>(
    'SELECT name, scope FROM integration_tokens WHERE token_hash = $1 AND revoked_at IS NULL',
    [hash],
  )
  return integration
    ? { kind: 'integration', name: integration.name, scope: integration.scope }
    : null
}

export async function revokeSession(db: Queryable, hash: string, now: number): Promise<void> {
  await db.query(
    'UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL',
    [hash, now],
  )
}

// Station enrollment ------------------------------------------------------------------------------

/** No 0/O or 1/I: the code is read off one screen and typed on another. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'
const CODE_LENGTH = 12

const normalizeCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '')

export async function issueEnrollmentCode(
  db: Queryable,
  issuedBy: string,
  now: number,
  ttlMs = DEFAULT_ENROLLMENT_TTL_MS,
): Promise<{ code: string; expiresAt: number }> {
  const raw = Array.from(
    { length: CODE_LENGTH },
    () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)],
  ).join('')
  const expiresAt = now + ttlMs
  await db.query(
    `INSERT INTO enrollment_codes (code_hash, issued_by, created_at, expires_at, attempts_before)
     SELECT $1, $2, $3, $4, coalesce(max(id), 0) FROM auth_attempts`,
    [tokenHash(raw), issuedBy, now, expiresAt],
  )
  return { code: raw.match(/.{4}/g)!.join('-'), expiresAt }
}

/**
 * Uses a one-time code and gives the station a code of its own. Codes are never reused, so a
 * reinstalled station starts a number space of its own; the highest sequence comes back anyway,
 * as at sign-in, so the station's counter never trails what the log holds for its code.
 *
 * `bearer`: the token of the user signed in at the station while it enrolls. That session was
 * opened before the station had a code, so it is bound to the new code here, in the enrollment's
 * transaction: otherwise the agent at the desk would hold a session that may not push ticket
 * events nor report for the station, and would have to sign in a second time.
 */
export async function enrollStation(
  tx: Queryable,
  input: { code: string; name: string },
  now: number,
  bearer: string | null = null,
): Promise<{ stationCode: string; name: string; sessionBound: boolean; highestSequence: number }> {
  const [used] = await tx.query<{ code_hash: string }>(
    `UPDATE enrollment_codes SET used_at = $2
      WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING code_hash`,
    [tokenHash(normalizeCode(input.code)), now],
  )
  if (!used) {
    throw new ApiError(
      403,
      'invalid_enrollment_code',
      'This enrollment code is unknown, expired or already used: ask an administrator for a new one.',
    )
  }
  const [next] = await tx.query<{ n: number }>(`SELECT nextval('station_code_seq')::int8 AS n`)
  const stationCode = `S${next!.n}`
  await tx.query('INSERT INTO stations (code, name, enrolled_at) VALUES ($1, $2, $3)', [
    stationCode,
    input.name,
    now,
  ])
  await tx.query('UPDATE enrollment_codes SET station_code = $2 WHERE code_hash = $1', [
    used.code_hash,
    stationCode,
  ])
  // Only a live session of an enabled user; an unknown or expired token just enrolls the station.
  const bound = bearer
    ? await tx.query(
        `UPDATE sessions SET station_code = $2
          WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $3
            AND username IN (SELECT username FROM users WHERE NOT disabled)
          RETURNING token_hash`,
        [tokenHash(bearer), stationCode, now],
      )
    : []
  return {
    stationCode,
    name: input.name,
    sessionBound: bound.length > 0,
    highestSequence: await highestSequence(tx, stationCode),
  }
}

// Integrations --------------------------------------------------------------------------------------

/** A long-lived token for Event Management's alert intake (or the phone system's), shown once. */
export async function createIntegrationToken(
  db: Queryable,
  name: string,
  now: number,
  scope: IntegrationScope = 'monitoring',
): Promise<string> {
  const token = newToken()
  const rows = await db.query(
    'INSERT INTO integration_tokens (token_hash, name, created_at, scope) VALUES ($1, $2, $3, $4) ON CONFLICT (name) WHERE revoked_at IS NULL DO NOTHING RETURNING name',
    [tokenHash(token), name, now, scope],
  )
  if (!rows.length)
    throw new ApiError(
      409,
      'integration_exists',
      `An integration named "${name}" already exists; revoke it first.`,
    )
  return token
}

export async function revokeIntegrationToken(
  db: Queryable,
  name: string,
  now: number,
): Promise<boolean> {
  const rows = await db.query(
    'UPDATE integration_tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL RETURNING name',
    [name, now],
  )
  return rows.length > 0
}
