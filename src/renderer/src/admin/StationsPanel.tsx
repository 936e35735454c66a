/**
 * Stations (issue 12): issue a one-time enrollment code for a new station, see each station with
 * when it was last seen, revoke one (its sessions end; it can no longer sign in).
 */
import { useCallback, useRef, useState } from 'react'
import { useDesk } from '../app/desk'
import { formatAgo, formatWhen, useNow } from '../ui/time'
import { AdminList } from './AdminList'
import { Outcome } from './Outcome'
import { useLoaded, useOutcome } from './use-admin'

export function StationsPanel() {
  const { station } = useDesk()
  const stations = useLoaded(useCallback(() => station.admin.stations({}), [station]))
  const outcome = useOutcome()
  const [issued, setIssued] = useState<{ code: string; expiresAt: number } | null>(null)
  const codeRef = useRef<HTMLElement>(null)
  const now = useNow(30_000)

  async function issue() {
    const done = await outcome.run(async () => {
      const code = await station.admin.issueEnrollmentCode({})
      setIssued(code)
      return 'Enrollment code issued.'
    })
    // The code is what the administrator reads out or types at the new station next.
    if (done) requestAnimationFrame(() => codeRef.current?.focus())
  }

  return (
    <>
      <section className="panel" aria-labelledby="enroll-title">
        <h2 id="enroll-title">Enroll a station</h2>
        <p>
          Issue a one-time code, then type it on the new station’s enrollment screen. It works once,
          within 24 hours.
        </p>
        <button
          type="button"
          className="button--primary"
          disabled={outcome.busy}
          onClick={() => void issue()}
        >
          Issue enrollment code
        </button>
        {issued && (
          <p>
            Enrollment code:{' '}
            <strong
              ref={codeRef}
              tabIndex={-1}
              className="enrollment-code"
              aria-label={`Enrollment code ${issued.code}`}
            >
              {issued.code}
            </strong>{' '}
            <span className="muted">valid until {formatWhen(issued.expiresAt, now)}</span>
          </p>
        )}
      </section>
      <Outcome message={outcome.message} />
      <h2>Stations</h2>
      <AdminList
        label="Stations"
        columns={['Station', 'Name', 'Enrolled', 'Last seen', 'Status', 'Actions']}
        items={stations.data?.stations ?? []}
        error={stations.error}
        row={(s) => (
          <tr key={s.stationCode}>
            <td>{s.stationCode}</td>
            <td>{s.name}</td>
            <td>{formatAgo(s.enrolledAt, now)}</td>
            <td>
              {s.lastSeenAt === null
                ? 'never'
                : `${formatAgo(s.lastSeenAt, now)}${s.lastUser ? ` (${s.lastUser})` : ''}`}
            </td>
            <td>{s.revokedAt === null ? 'Active' : 'Revoked'}</td>
            <td>
              {s.revokedAt === null && (
                <button
                  type="button"
                  className="button--small"
                  onClick={() =>
                    void outcome.change(async () => {
                      await station.admin.revokeStation({ stationCode: s.stationCode })
                      return `Station ${s.stationCode} is revoked; its sessions ended.`
                    }, stations)
                  }
                >
                  Revoke {s.stationCode}
                </button>
              )}
            </td>
          </tr>
        )}
      />
    </>
  )
}
