/** The audit trail (issue 12): every administrative change, who made it and when, newest first. */
import { useCallback, useEffect, useState } from 'react'
import type { AuditEntry, AuditPage } from '../../../shared/sync/admin-wire'
import { useDesk } from '../app/desk'
import { plainError } from '../session/session-store'

/** What was done, in words (the trail stores a stable code). */
const ACTIONS: Record<string, string> = {
  'user.created': 'Created the user',
  'user.disabled': 'Disabled the user',
  'user.enabled': 'Enabled the user',
  'user.role_changed': 'Changed the role',
  'user.password_reset': 'Set a new password',
  'user.password_changed': 'Changed their own password',
  'session.revoked': 'Ended a session',
  'station.code_issued': 'Issued an enrollment code',
  'station.revoked': 'Revoked the station',
  'directory.saved': 'Saved directory entries',
  'directory.deleted': 'Deleted a directory entry',
}

/** The detail in a line: `teams: it-security · routingGuidance: vpn-access`. */
function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(
      ([k, v]) =>
        `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? 'changed' : String(v)}`,
    )
    .join(' · ')
}

export function AuditPanel() {
  const { station } = useDesk()
  const [entries, setEntries] = useState<AuditEntry[]>([])
  const [next, setNext] = useState<number | null>(null)
  const [error, setError] = useState<string | null>(null)
  const show = useCallback((work: Promise<AuditPage>, older: boolean) => {
    let current = true
    work.then(
      (page) => {
        if (!current) return
        setEntries((shown) => (older ? [...shown, ...page.entries] : page.entries))
        setNext(page.next)
        setError(null)
      },
      (e: unknown) => current && setError(plainError(e)),
    )
    return () => {
      current = false
    }
  }, [])
  useEffect(() => show(station.admin.audit({}), false), [station, show])
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      {error && <p className="form-errors">{error}</p>}
      <table className="table" aria-label="Audit trail">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Of</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actor}</td>
              <td>{ACTIONS[e.action] ?? e.action}</td>
              <td>{e.target}</td>
              <td>{describeDetail(e.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {next ? (
        <button type="button" onClick={() => show(station.admin.audit({ before: next }), true)}>
          Older entries
        </button>
      ) : null}
    </section>
  )
}
