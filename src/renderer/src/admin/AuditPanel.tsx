/** The audit trail (issue 12): every administrative change, who made it and when, newest first. */
import { useCallback } from 'react'
import { useDesk } from '../app/desk'
import { formatWhen, useNow } from '../ui/time'
import { AdminList } from './AdminList'
import { useLoaded } from './use-admin'

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
  const audit = useLoaded(useCallback(() => station.admin.audit({}), [station]))
  const next = audit.data?.next
  const now = useNow(60_000)
  return (
    <section aria-labelledby="audit-title">
      <h2 id="audit-title">Audit trail</h2>
      <AdminList
        label="Audit trail"
        columns={['When', 'Who', 'What', 'Of', 'Detail']}
        items={audit.data?.entries ?? []}
        error={audit.error}
        row={(e) => (
          <tr key={e.id}>
            <td>{formatWhen(e.at, now)}</td>
            <td>{e.actor}</td>
            <td>{ACTIONS[e.action] ?? e.action}</td>
            <td>{e.target}</td>
            <td>{describeDetail(e.detail)}</td>
          </tr>
        )}
      />
      {next ? (
        <button
          type="button"
          onClick={() =>
            void audit.more(station.admin.audit({ before: next }), (shown, page) => ({
              ...page,
              entries: [...shown.entries, ...page.entries],
            }))
          }
        >
          Older entries
        </button>
      ) : null}
    </section>
  )
}
