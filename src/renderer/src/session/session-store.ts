/**
 * Who is at this station and whether the desk can open: first-run setup, sign-in (online, or
 * offline for users this station knows), enrollment (a station needs its code before it can
 * number tickets). Talks to main through the station API and never waits on it to draw.
 */
import { createStore } from 'zustand/vanilla'
import type { User } from '../../../shared/directory'
import { StationError, type SessionState, type StationApi } from '../../../shared/station-api'
import type { StationStore } from '../store'

export type Phase = 'starting' | 'setup' | 'signIn' | 'enroll' | 'desk'

export interface SetupForm {
  username: string
  displayName: string
  password: string
  loadSampleDirectory: boolean
  createDemoAccounts: boolean
}

export interface SessionStoreState {
  phase: Phase
  user: User | null
  mode: 'online' | 'offline' | null
  /** Why the user at the desk must sign in online again before anything syncs; null when not. */
  needsSignIn: { reason: string } | null
  stationCode: string | null
  /** The last failure of a sign-in, setup or enrollment, in plain words. */
  error: string | null
  busy: boolean
  boot(): Promise<void>
  signIn(username: string, password: string): Promise<void>
  /** At the desk: the user at the desk signs in online again (see `needsSignIn`). True on success. */
  signInAgain(password: string): Promise<boolean>
  setup(form: SetupForm): Promise<void>
  enroll(code: string, name: string): Promise<void>
  signOut(): Promise<{ pendingLeft: number }>
  /** Main changed the session under us (a token expired, say). */
  sessionChanged(state: SessionState): void
  /** Fetches the directory into the station store, when the server can be reached. */
  refreshDirectory(): Promise<void>
}

/** What the agent reads when something fails; the station API's messages are already plain. */
export function plainError(error: unknown): string {
  if (error instanceof StationError) {
    if (error.code === 'invalid_credentials') return 'Wrong user name or password.'
    if (error.code === 'offline')
      return 'The central server cannot be reached. Sign-in works offline only for users who signed in on this station before.'
    // The agent reads the words; the paths and codes behind them are for whoever reads the log.
    if (error.detail) console.warn(`Warmline: ${error.code}: ${error.detail}`)
    return error.message
  }
  return error instanceof Error ? error.message : String(error)
}

export function createSessionStore(station: StationApi, store: StationStore) {
  return createStore<SessionStoreState>()((set, get) => {
    /** Settles the phase from the session and the station's enrollment. */
    async function settle(session: SessionState): Promise<void> {
      if (!session.user) {
        set({ phase: 'signIn', user: null, mode: null, needsSignIn: null, busy: false })
        return
      }
      const info = await station.station.info({})
      if (info.stationCode && info.stationCode !== (await store.stationCode())) {
        await store.setStationCode(info.stationCode)
      }
      set({
        user: session.user,
        mode: session.mode,
        needsSignIn: session.needsSignIn,
        stationCode: info.stationCode,
        phase: info.stationCode ? 'desk' : 'enroll',
        busy: false,
        error: null,
      })
      if (session.mode === 'online') void get().refreshDirectory()
    }

    async function attempt(work: () => Promise<void>): Promise<void> {
      set({ busy: true, error: null })
      try {
        await work()
      } catch (error) {
        set({ busy: false, error: plainError(error) })
      }
    }

    return {
      phase: 'starting',
      user: null,
      mode: null,
      needsSignIn: null,
      stationCode: null,
      error: null,
      busy: false,

      async boot() {
        await attempt(async () => {
          const session = await station.session.current({})
          if (!session.user) {
            // Unreachable server: no first run can happen now, and sign-in may still work offline.
            const setup = await station.session.setupNeeded({}).catch(() => ({ needsSetup: false }))
            if (setup.needsSetup) {
              set({ phase: 'setup', busy: false })
              return
            }
          }
          await settle(session)
        })
      },

      async signIn(username, password) {
        await attempt(async () => {
          let session: SessionState
          try {
            session = await station.session.login({ username, password })
          } catch (error) {
            if (!(error instanceof StationError && error.code === 'offline')) throw error
            session = await station.session.loginOffline({ username, password })
          }
          await settle(session)
        })
      },

      async signInAgain(password) {
        const user = get().user
        if (!user) return false
        set({ busy: true, error: null })
        try {
          const session = await station.session.login({ username: user.username, password })
          set({ mode: session.mode, needsSignIn: session.needsSignIn, busy: false })
          void get().refreshDirectory()
          return true
        } catch (error) {
          const offline = error instanceof StationError && error.code === 'offline'
          set({
            busy: false,
            error: offline
              ? 'The central server cannot be reached right now; your work stays on this station. Try again when it is back.'
              : plainError(error),
          })
          return false
        }
      },

      async setup(form) {
        await attempt(async () => settle(await station.session.setup(form)))
      },

      async enroll(code, name) {
        await attempt(async () => {
          await station.station.enroll({ code, name })
          await settle(await station.session.current({}))
        })
      },

      async signOut() {
        const result = await station.session.logout({})
        set({ phase: 'signIn', user: null, mode: null, needsSignIn: null, error: null })
        return result
      },

      sessionChanged(session) {
        const { user, phase } = get()
        if (phase === 'setup' || phase === 'starting') return
        if (!session.user) set({ phase: 'signIn', user: null, mode: null, needsSignIn: null })
        else if (session.user.username === user?.username)
          set({ mode: session.mode, needsSignIn: session.needsSignIn })
      },

      async refreshDirectory() {
        try {
          const directory = await station.directory.get({})
          await store.replaceDirectory(directory)
        } catch {
          // Offline or not permitted: the copy this station holds keeps the desk working.
        }
      },
    }
  })
}

export type SessionStore = ReturnType<typeof createSessionStore>
