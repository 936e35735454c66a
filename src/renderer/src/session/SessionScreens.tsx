/**
 * The screens before the desk: first-run setup (no user on the central server yet), sign-in and
 * station enrollment. Plain forms; Enter submits.
 */
import { useState, type ReactNode } from 'react'
import {
  enrollRequestSchema,
  loginRequestSchema,
  setupRequestSchema,
} from '../../../shared/sync/wire'
import { useDesk, useSession } from '../app/desk'
import { Checkbox, FormErrors, TextField } from '../ui/fields'
import { useLocalCheck } from '../ui/local-check'
import type { SetupForm } from './session-store'

const signInSchema = loginRequestSchema.pick({ username: true, password: true })

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
  const { refusals, formRef, passes, clear } = useLocalCheck(signInSchema, ['username', 'password'])
  return (
    <Screen
      title="Sign in"
      intro="Sign in to take calls. Without a network, users who signed in here before can still sign in."
    >
      <form
        ref={formRef}
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          if (passes({ username, password }))
            void desk.session.getState().signIn(username, password)
        }}
      >
        <TextField
          label="User name"
          autoFocus
          autoComplete="username"
          value={username}
          error={refusals.byField.username}
          onChange={(value) => {
            setUsername(value)
            clear()
          }}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          error={refusals.byField.password}
          onChange={(value) => {
            setPassword(value)
            clear()
          }}
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
  const { refusals, formRef, passes, clear } = useLocalCheck(setupRequestSchema, [
    'username',
    'displayName',
    'password',
  ])
  const change = (patch: Partial<SetupForm>) => {
    setForm({ ...form, ...patch })
    clear()
  }
  return (
    <Screen
      title="Welcome — set up Warmline"
      intro="The central server has no users yet. Create the first administrator; the sample directory and demo accounts get a new floor going at once."
    >
      <form
        ref={formRef}
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          if (passes(form)) void desk.session.getState().setup(form)
        }}
      >
        <TextField
          label="Administrator user name"
          autoFocus
          value={form.username}
          error={refusals.byField.username}
          onChange={(username) => change({ username })}
        />
        <TextField
          label="Display name"
          value={form.displayName}
          error={refusals.byField.displayName}
          onChange={(displayName) => change({ displayName })}
        />
        <TextField
          label="Password"
          type="password"
          autoComplete="new-password"
          hint="At least 10 characters."
          value={form.password}
          error={refusals.byField.password}
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
  const { refusals, formRef, passes, clear } = useLocalCheck(enrollRequestSchema, ['code', 'name'])
  return (
    <Screen
      title="Enroll this station"
      intro="A station needs its code before it can number tickets. Ask an administrator for a one-time enrollment code (npm run admin -- enroll-station)."
    >
      <form
        ref={formRef}
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          if (passes({ code, name })) void desk.session.getState().enroll(code.trim(), name.trim())
        }}
      >
        <TextField
          label="Enrollment code"
          autoFocus
          value={code}
          error={refusals.byField.code}
          onChange={(value) => {
            setCode(value)
            clear()
          }}
        />
        <TextField
          label="Station name"
          hint="Where it stands, e.g. “Desk 4, east row”."
          value={name}
          error={refusals.byField.name}
          onChange={(value) => {
            setName(value)
            clear()
          }}
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
