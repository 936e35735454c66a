/**
 * Users (issue 12): create an account, change a role, disable or enable it, set a new password;
 * and the open sessions, to end one. The server keeps one active administrator whatever is asked.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import { ROLES, type Role } from '../../../shared/directory'
import { newPasswordProblem } from '../../../shared/incident/password-choice'
import type { AdminUser } from '../../../shared/sync/admin-wire'
import { createUserRequestSchema } from '../../../shared/sync/wire'
import { useDesk } from '../app/desk'
import { SelectField, TextField } from '../ui/fields'
import { formatAgo, useNow } from '../ui/time'
import { AdminList } from './AdminList'
import { Outcome } from './Outcome'
import { check, useLoaded, useOutcome, type FieldErrors } from './use-admin'

const ROLE_OPTIONS = ROLES.map((role) => ({
  value: role,
  label: role[0]!.toUpperCase() + role.slice(1),
}))

const EMPTY = { username: '', displayName: '', role: 'agent' as Role, password: '' }

export function UsersPanel() {
  const { station } = useDesk()
  const users = useLoaded(useCallback(() => station.admin.users({}), [station]))
  const sessions = useLoaded(useCallback(() => station.admin.sessions({}), [station]))
  const outcome = useOutcome()
  const [form, setForm] = useState(EMPTY)
  const [errors, setErrors] = useState<FieldErrors>({})
  const [resetting, setResetting] = useState<string | null>(null)
  const usernameRef = useRef<HTMLInputElement>(null)
  const now = useNow(60_000)

  async function create() {
    const checked = check(createUserRequestSchema, {
      ...form,
      displayName: form.displayName || form.username,
    })
    const weak =
      checked.ok &&
      newPasswordProblem({ username: checked.data.username, newPassword: checked.data.password })
    if (!checked.ok || weak) {
      setErrors(checked.ok ? { password: weak as string } : checked.errors)
      return
    }
    setErrors({})
    const done = await outcome.run(async () => {
      const user = await station.admin.createUser(checked.data)
      return `Created ${user.role} ${user.username} (${user.displayName}).`
    })
    if (done) {
      setForm(EMPTY)
      await users.reload()
      usernameRef.current?.focus()
    }
  }

  const change = (work: () => Promise<string>) => outcome.change(work, users, sessions)

  return (
    <>
      <form
        className="panel"
        aria-labelledby="new-user-title"
        onSubmit={(event) => {
          event.preventDefault()
          void create()
        }}
      >
        <h2 id="new-user-title">New user</h2>
        <div className="row">
          <TextField
            label="User name"
            value={form.username}
            inputRef={usernameRef}
            autoComplete="off"
            error={errors.username}
            onChange={(username) => setForm({ ...form, username })}
          />
          <TextField
            label="Full name"
            value={form.displayName}
            error={errors.displayName}
            onChange={(displayName) => setForm({ ...form, displayName })}
          />
          <SelectField
            label="Role"
            value={form.role}
            options={ROLE_OPTIONS}
            onChange={(role) => setForm({ ...form, role })}
          />
          <TextField
            label="First password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            error={errors.password}
            hint="Tell it to them in person or on the phone, never by email."
            onChange={(password) => setForm({ ...form, password })}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button--primary" disabled={outcome.busy}>
            Create user
          </button>
        </div>
      </form>
      <Outcome message={outcome.message} />
      <h2>Users</h2>
      <AdminList
        label="Users"
        columns={['User name', 'Name', 'Role', 'Status', 'Actions']}
        items={users.data?.users ?? []}
        error={users.error}
        row={(user) => (
          <UserRow
            key={user.username}
            user={user}
            resetting={resetting === user.username}
            onReset={(open) => setResetting(open ? user.username : null)}
            change={change}
          />
        )}
      />
      <h2>Open sessions</h2>
      <AdminList
        label="Open sessions"
        columns={['User', 'Station', 'Signed in', 'Actions']}
        items={sessions.data?.sessions ?? []}
        row={(s) => (
          <tr key={s.id}>
            <td>{s.username}</td>
            <td>{s.stationCode ?? 'none'}</td>
            <td>{formatAgo(s.createdAt, now)}</td>
            <td>
              {s.current ? (
                <span className="muted">This session</span>
              ) : (
                <button
                  type="button"
                  className="button--small"
                  onClick={() =>
                    void change(async () => {
                      await station.admin.revokeSession({ id: s.id })
                      return `Ended a session of ${s.username}.`
                    })
                  }
                >
                  End session of {s.username}
                </button>
              )}
            </td>
          </tr>
        )}
      />
    </>
  )
}

function UserRow({
  user,
  resetting,
  onReset,
  change,
}: {
  user: AdminUser
  resetting: boolean
  onReset: (open: boolean) => void
  change: (work: () => Promise<string>) => Promise<boolean>
}) {
  const { station } = useDesk()
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string | undefined>()
  const resetButton = useRef<HTMLButtonElement>(null)
  // Closing the password form (saved or Escape) puts focus back on the button that opened it.
  const wasOpen = useRef(false)
  useEffect(() => {
    if (!resetting && wasOpen.current) resetButton.current?.focus()
    wasOpen.current = resetting
  }, [resetting])

  async function savePassword() {
    const problem =
      newPasswordProblem({ username: user.username, newPassword: password }) ??
      (password.length < 10 ? 'Use at least 10 characters.' : null)
    if (problem) return setError(problem)
    const done = await change(async () => {
      await station.admin.resetPassword({ username: user.username, password })
      return `New password set for ${user.username}; their sessions ended.`
    })
    if (done) {
      setPassword('')
      onReset(false)
    }
  }

  return (
    <tr>
      <td>{user.username}</td>
      <td>{user.displayName}</td>
      <td>
        <SelectField
          label={`Role of ${user.username}`}
          className="field--inline"
          value={user.role}
          options={ROLE_OPTIONS}
          onChange={(role) =>
            void change(async () => {
              await station.admin.setUserRole({ username: user.username, role })
              return `${user.username} is now ${role === 'admin' ? 'an' : 'a'} ${role}.`
            })
          }
        />
      </td>
      <td>{user.disabled ? 'Disabled' : 'Active'}</td>
      <td>
        <button
          type="button"
          className="button--small"
          onClick={() =>
            void change(async () => {
              await station.admin.setUserDisabled({
                username: user.username,
                disabled: !user.disabled,
              })
              return user.disabled
                ? `${user.username} can sign in again.`
                : `${user.username} is disabled; their sessions ended.`
            })
          }
        >
          {user.disabled ? 'Enable' : 'Disable'} {user.username}
        </button>{' '}
        {resetting ? (
          <form
            className="row"
            onSubmit={(event) => {
              event.preventDefault()
              void savePassword()
            }}
            onKeyDown={(event) => {
              if (event.key !== 'Escape') return
              event.preventDefault()
              onReset(false)
            }}
          >
            <TextField
              label={`New password for ${user.username}`}
              type="password"
              autoComplete="new-password"
              autoFocus
              value={password}
              error={error}
              onChange={setPassword}
            />
            <button type="submit" className="button--small">
              Set password
            </button>
          </form>
        ) : (
          <button
            type="button"
            className="button--small"
            ref={resetButton}
            onClick={() => onReset(true)}
          >
            New password for {user.username}
          </button>
        )}
      </td>
    </tr>
  )
}
