/**
 * The screens before the desk: first-run setup (no user on the central server yet), sign-in and
 * station enrollment. Plain forms; Enter submits.
 */
import { useState, type ReactNode } from 'react'
import { useDesk, useSession } from '../app/desk'
import { Checkbox, FormErrors, TextField } from '../ui/fields'
import type { SetupForm } from './session-store'

function Screen({
  title,
  intro,
  children,
}: {
  title: string
  intro: ReactNode
  children: ReactNode
}) {
  return (
    <main className="gate">
      <div className="gate__card">
        <p className="brand">Warmline</p>
        <h1>{title}</h1>
        <p className="muted">{intro}</p>
        {children}
      </div>
    </main>
  )
}

export function SignInScreen() {
  const desk = useDesk()
  const error = useSession((s) => s.error)
  const busy = useSession((s) => s.busy)
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  return (
    <Screen
      title="Sign in"
      intro="Sign in to take calls. Without a network, users who signed in here before can still sign in."
    >
      <form
        onSubmit={(event) => {
          event.preventDefault()
          void desk.session.getState().signIn(username, password)
        }}
      >
        <TextField
          label="User name"
          autoFocus
          autoComplete="username"
          value={username}
          onChange={setUsername}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <FormErrors messages={error ? [error] : []} />
        <button type="submit" className="button--primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </Screen>
  )
}

export function SetupScreen() {
  const desk = useDesk()
  const error = useSession((s) => s.error)
  const busy = useSession((s) => s.busy)
  const [form, setForm] = useState<SetupForm>({
    username: 'admin',
    displayName: '',
    password: '',
    loadSampleDirectory: true,
    createDemoAccounts: true,
  })
  const change = (patch: Partial<SetupForm>) => setForm({ ...form, ...patch })
  return (
    <Screen
      title="Welcome — set up Warmline"
      intro="The central server has no users yet. Create the first administrator; the sample directory and demo accounts get a new floor going at once."
    >
      <form
        onSubmit={(event) => {
          event.preventDefault()
          void desk.session.getState().setup(form)
        }}
      >
        <TextField
          label="Administrator user name"
          autoFocus
          value={form.username}
          onChange={(username) => change({ username })}
        />
        <TextField
          label="Display name"
          value={form.displayName}
          onChange={(displayName) => change({ displayName })}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters."
          value={form.password}
          onChange={(password) => change({ password })}
        />
        <Checkbox
          label="Load the sample directory (teams, routing guidance, call templates, callers)"
          checked={form.loadSampleDirectory}
          onChange={(loadSampleDirectory) => change({ loadSampleDirectory })}
        />
        <Checkbox
          label="Create demo accounts (agents and a supervisor)"
          checked={form.createDemoAccounts}
          onChange={(createDemoAccounts) => change({ createDemoAccounts })}
        />
        <FormErrors messages={error ? [error] : []} />
        <button type="submit" className="button--primary" disabled={busy}>
          {busy ? 'Setting up…' : 'Create administrator and start'}
        </button>
      </form>
    </Screen>
  )
}

export function EnrollScreen() {
  const desk = useDesk()
  const error = useSession((s) => s.error)
  const busy = useSession((s) => s.busy)
  const [code, setCode] = useState('')
  const [name, setName] = useState('')
  return (
    <Screen
      title="Enroll this station"
      intro="A station needs its code before it can number tickets. Ask an administrator for a one-time enrollment code (npm run admin -- enroll-station)."
    >
      <form
        onSubmit={(event) => {
          event.preventDefault()
          void desk.session.getState().enroll(code.trim(), name.trim())
        }}
      >
        <TextField label="Enrollment code" autoFocus value={code} onChange={setCode} />
        <TextField
          label="Station name"
          hint="Where it stands, e.g. “Desk 4, east row”."
          value={name}
          onChange={setName}
        />
        <FormErrors messages={error ? [error] : []} />
        <button type="submit" className="button--primary" disabled={busy}>
          Enroll
        </button>
        <button type="button" onClick={() => void desk.session.getState().signOut()}>
          Sign out
        </button>
      </form>
    </Screen>
  )
}
