/**
 * Sessions and stations as the administrator sees them (issue 12): who is signed in where, which
 * stations exist and when each was last seen, and revoking either. A revoked station's sessions
 * end and it can no longer sign in; enrolling it again gives it a new code.
 */
import type { SessionInfo, StationRecord } from '../../shared/sync/admin-wire'
import type { Database, Queryable } from '../db/database'
import { ApiError } from '../http/http'
import { recordAudit } from './audit'

const HANDLE = 'left(s.token_hash, 16)'

/** Open sessions (not revoked, not expired), newest first; of one user when `username` is given. */
export async function listSessions(
  db: Queryable,
  options: { username?: string | undefined; currentHash: string; now: number },
): Promise<SessionInfo[]> {
  const rows = await db.query<{
    id: string
    username: string
    station_code: string | null
    created_at: number
    expires_at: number
    current: boolean
  }>(
    `SELECT ${HANDLE} AS id, s.username, s.station_code, s.created_at, s.expires_at,
            s.token_hash = $3 AS current
       FROM sessions s
      WHERE s.revoked_at IS NULL AND s.expires_at > $1 AND ($2::text IS NULL OR s.username = $2::text)
      ORDER BY s.created_at DESC LIMIT 500`,
    [options.now, options.username ?? null, options.currentHash],
  )
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    stationCode: r.station_code,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    current: r.current,
  }))
}

/**
 * Ends one open session by its handle; `owner` limits it to that user's sessions (someone who is
 * not an administrator). A session that is not there, or not theirs, is a 404 alike.
 */
export async function revokeSessionByHandle(
  db: Database,
  actor: string,
  input: { id: string; owner: string | null },
  now: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx.query<{ username: string; station_code: string | null }>(
      `UPDATE sessions s SET revoked_at = $2
        WHERE ${HANDLE} = $1 AND s.revoked_at IS NULL AND s.expires_at > $2
          AND ($3::text IS NULL OR s.username = $3::text)
        RETURNING s.username, s.station_code`,
      [input.id, now, input.owner],
    )
    if (!rows.length) {
      throw new ApiError(404, 'unknown_session', 'id: there is no open session with this id.')
    }
    await recordAudit(
      tx,
      {
        actor,
        action: 'session.revoked',
        target: rows[0]!.username,
        detail: { session: input.id, stationCode: rows[0]!.station_code },
      },
      now,
    )
  })
}

export async function listStationRecords(db: Queryable): Promise<StationRecord[]> {
  const rows = await db.query<{
    code: string
    name: string
    enrolled_at: number
    revoked_at: number | null
    seen_at: number | null
    username: string | null
  }>(
    `SELECT s.code, s.name, s.enrolled_at, s.revoked_at, p.seen_at, p.username
       FROM stations s LEFT JOIN station_presence p ON p.station_code = s.code
      ORDER BY s.enrolled_at, s.code`,
  )
  return rows.map((r) => ({
    stationCode: r.code,
    name: r.name,
    enrolledAt: r.enrolled_at,
    lastSeenAt: r.seen_at,
    lastUser: r.username,
    revokedAt: r.revoked_at,
  }))
}

export async function revokeStation(
  db: Database,
  actor: string,
  stationCode: string,
  now: number,
): Promise<StationRecord> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ revoked_at: number | null }>(
      'SELECT revoked_at FROM stations WHERE code = $1 FOR UPDATE',
      [stationCode],
    )
    if (!row) {
      throw new ApiError(404, 'unknown_station', `stationCode: there is no station ${stationCode}.`)
    }
    if (row.revoked_at === null) {
      await tx.query('UPDATE stations SET revoked_at = $2 WHERE code = $1', [stationCode, now])
      const ended = await tx.query(
        `UPDATE sessions SET revoked_at = $2
          WHERE station_code = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING 1`,
        [stationCode, now],
      )
      await recordAudit(
        tx,
        {
          actor,
          action: 'station.revoked',
          target: stationCode,
          detail: { sessionsEnded: ended.length },
        },
        now,
      )
    }
    const [record] = (await listStationRecords(tx)).filter((s) => s.stationCode === stationCode)
    return record!
  })
}
