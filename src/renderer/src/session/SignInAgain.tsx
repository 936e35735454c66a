/**
 * The in-place sign-in for a user at the desk whose sign-in the central server no longer takes
 * (a restart lost it, it expired, or they signed in offline). The desk keeps working; this says
 * plainly why nothing syncs and asks for the password right there, without leaving the call the
 * agent is on. It never takes the focus by itself: an agent typing a ticket keeps typing.
 */
import { useEffect, useRef, useState } from 'react'
import { useDesk, useSession } from '../app/desk'

export function SignInAgain() {
  const desk = useDesk()
  const needsSignIn = useSession((s) => s.needsSignIn)
  const user = useSession((s) => s.user)
  const error = useSession((s) => s.error)
  const busy = useSession((s) => s.busy)
  const [open, setOpen] = useState(false)
  const [password, setPassword] = useState('')
  const passwordRef = useRef<HTMLInputElement>(null)
  const openerRef = useRef<HTMLButtonElement>(null)

  useEffect(() => {
    if (open) passwordRef.current?.focus()
  }, [open, error])

  if (!needsSignIn || !user) return null

  const close = () => {
    setOpen(false)
    setPassword('')
    desk.session.setState({ error: null })
    // The button is back once the form is gone; React draws it before the next frame.
    queueMicrotask(() => openerRef.current?.focus())
  }

  return (
    <section className="sign-in-again" aria-label="Sign in again">
      <span className="sign-in-again__reason">{needsSignIn.reason}</span>
      {open ? (
        <form
          className="sign-in-again__form"
          onSubmit={(event) => {
            event.preventDefault()
            // The field empties as the attempt leaves, not when its answer comes back: the
            // password does not linger in the page, and a refusal never shows beside it.
            const attempt = password
            setPassword('')
            void desk.session
              .getState()
              .signInAgain(attempt)
              .then((ok) => {
                if (ok) setOpen(false)
              })
          }}
          onKeyDown={(event) => {
            if (event.key === 'Escape') {
              event.preventDefault()
              close()
            }
          }}
        >
          <label htmlFor="sign-in-again-password">Password for {user.displayName}</label>
          <input
            id="sign-in-again-password"
            ref={passwordRef}
            type="password"
            autoComplete="current-password"
            value={password}
            aria-invalid={!!error}
            aria-describedby={error ? 'sign-in-again-error' : undefined}
            onChange={(event) => setPassword(event.target.value)}
          />
          <button type="submit" className="button--small button--primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
          <button type="button" className="button--small" onClick={close}>
            Cancel
          </button>
          {error && (
            <span id="sign-in-again-error" role="alert">
              {error}
            </span>
          )}
        </form>
      ) : (
        <button
          ref={openerRef}
          type="button"
          className="button--small button--primary"
          onClick={() => setOpen(true)}
        >
          Sign in again
        </button>
      )}
    </section>
  )
}
