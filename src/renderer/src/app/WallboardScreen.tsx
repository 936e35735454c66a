/**
 * The wallboard route: the browser host's `/wallboard` (the big screen opens
 * `http://<host>/wallboard#token=…`), shown in place of the desk once a supervisor has signed in
 * at that station. A screen on a wall is a supervisor's session that shows no controls: the
 * same rights to read the whole floor, nothing to click but "Sign out".
 */
import { Wallboard } from '../wallboard/Wallboard'
import { useDesk, useSession } from './desk'
import { useSupervisorQueue } from './supervisor-views'
import { useDirectory } from './use-directory'

export const WALLBOARD_PATH = '/wallboard'

export function isWallboardLocation(location: Pick<Location, 'pathname'>): boolean {
  return location.pathname.replace(/\/+$/, '') === WALLBOARD_PATH
}

export function WallboardScreen() {
  const desk = useDesk()
  const user = useSession((s) => s.user)
  const queue = useSupervisorQueue(user !== null && user.role !== 'agent')
  const directory = useDirectory()
  const signOut = () => void desk.session.getState().signOut()
  if (!queue) {
    return (
      <main className="gate">
        <div className="gate__card">
          <h1>The wallboard is for supervisors</h1>
          <p>Sign in with a supervisor’s account to show the floor on this screen.</p>
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </main>
    )
  }
  return (
    <Wallboard queue={queue} station={desk.station} directory={directory} onSignOut={signOut} />
  )
}
