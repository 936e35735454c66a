/**
 * The renderer's root: opens the station, then shows what the session allows — first-run setup,
 * sign-in, enrollment, or the desk.
 */
import { useEffect, useState } from 'react'
import { EnrollScreen, SetupScreen, SignInScreen } from '../session/SessionScreens'
import '../ui/styles.css'
import { openDesk } from './boot'
import { DeskProvider, useDesk, useSession, type Desk } from './desk'
import { Shell } from './Shell'
import { isWallboardLocation, WallboardScreen } from './WallboardScreen'

export function App() {
  const [desk, setDesk] = useState<Desk | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  useEffect(() => {
    openDesk().then(setDesk, (error: unknown) =>
      setFailure(error instanceof Error ? error.message : String(error)),
    )
  }, [])
  if (failure) {
    return (
      <main className="gate">
        <div className="gate__card" role="alert">
          <h1>Warmline could not start</h1>
          <p>{failure}</p>
        </div>
      </main>
    )
  }
  if (!desk) return <p className="gate muted">Starting Warmline…</p>
  return (
    <DeskProvider desk={desk}>
      <Gate />
    </DeskProvider>
  )
}

/** The screen for the session's phase; the desk mounts only for a signed-in user at an enrolled station. */
export function Gate() {
  const desk = useDesk()
  const phase = useSession((s) => s.phase)
  useEffect(() => {
    void desk.session.getState().boot()
    return desk.station.on('session.changed', (state) =>
      desk.session.getState().sessionChanged(state),
    )
  }, [desk])
  switch (phase) {
    case 'starting':
      return <p className="gate muted">Starting Warmline…</p>
    case 'setup':
      return <SetupScreen />
    case 'signIn':
      return <SignInScreen />
    case 'enroll':
      return <EnrollScreen />
    case 'desk':
      return isWallboardLocation(window.location) ? <WallboardScreen /> : <Shell />
  }
}
