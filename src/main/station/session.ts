/**
 * Who is signed in at this station. The token lives behind the credential-store port (the OS
 * keychain in Electron) and never leaves main; the renderer sees only the user and the mode.
 * The session survives a restart (the agent must go on pushing a restarted station's outbox), and
 * offline sign-in is checked against the local scrypt verifier of an earlier online sign-in.
 *
 * A user can be at the desk without a token the server takes: the credential store lost it in a
 * restart (the browser host keeps tokens in memory only), it expired, the server signed it out,
 * or the user signed in offline. The desk keeps working then, and `needsSignIn` says why nothing
 * syncs, so the renderer asks for the password in place instead of looking signed in.
 *
 * The token remembers the station the server bound it to: a sign-in on an enrolled station, or
 * the enrollment itself (the server binds the enrolling user's session). The agent reports to the
 * floor only for a station-bound session.
 */
import path from 'node:path'
import { z } from 'zod'
import { userSchema, type User } from '../../shared/directory'
import { StationError, type SessionState } from '../../shared/station-api'
import type { AgentCredentials } from './agent'
import type { SessionResponse } from '../../shared/sync/wire'
import type { CredentialStore } from './credentials'
import { readJsonFile, writeFileDurably } from './durable-file'
import type { Scheduler } from './scheduler'
import type { ServerClient } from './server-client'
import type { VerifierStore } from './verifiers'

const savedSessionSchema = z.object({ user: userSchema, mode: z.enum(['online', 'offline']) })
const storedTokenSchema = z.object({
  token: z.string().min(1),
  expiresAt: z.number(),
  stationCode: z.string().nullable().default(null),
})
type StoredToken = z.infer<typeof storedTokenSchema>

const SIGN_IN_AGAIN = 'sign in again to send your work to the central server.'
/** setTimeout's longest delay; a longer session is checked again when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1

const tokenKey = (username: string) => `session-token:${username}`
const OFFLINE_REASON =
  'Signed in offline: your work is kept here and goes out when you sign in online again.'

export interface SessionDeps {
  dataDir: string
  client: ServerClient
  credentials: CredentialStore
  verifiers: VerifierStore
  scheduler: Scheduler
  stationCode(): string | null
  /** An online sign-in succeeded; runs before the session changes (the station takes its facts in). */
  signedIn(response: SessionResponse): Promise<void>
  onChange(state: SessionState): void
}

export class StationSession {
  private user: User | null = null
  private mode: 'online' | 'offline' | null = null
  private token: StoredToken | null = null
  /** Why the user at the desk has no usable token (see `needsSignIn`). */
  private noTokenReason: string | null = null
  private expiryTimer: unknown = null
  /** The offline verifier being written after an online sign-in (see `login`). */
  private remembering: Promise<void> = Promise.resolve()

  private constructor(private readonly deps: SessionDeps) {}

  static async open(deps: SessionDeps): Promise<StationSession> {
    const session = new StationSession(deps)
    const saved = savedSessionSchema.safeParse(await readJsonFile(session.file))
    if (saved.success) {
      const { user, mode } = saved.data
      const read = await session.readToken(user.username)
      session.user = user
      if ('token' in read) {
        session.mode = mode
        session.token = read.token
        session.watchExpiry()
      } else {
        // Still the same person at the same desk, but nothing syncs until they sign in online.
        session.mode = 'offline'
        session.noTokenReason =
          mode === 'offline' ? OFFLINE_REASON : `${read.problem}: ${SIGN_IN_AGAIN}`
      }
    }
    return session
  }

  current(): SessionState {
    const needsSignIn =
      this.user && !this.credentials()
        ? { reason: this.noTokenReason ?? `Your sign-in expired: ${SIGN_IN_AGAIN}` }
        : null
    return {
      user: this.user,
      mode: this.mode,
      expiresAt: this.token?.expiresAt ?? null,
      needsSignIn,
    }
  }

  /** The signed-in user's token while it is valid: what the agent pushes and pulls with. */
  credentials(): AgentCredentials | null {
    if (!this.user || !this.token || this.token.expiresAt <= this.deps.scheduler.now()) return null
    return {
      username: this.user.username,
      token: this.token.token,
      stationCode: this.token.stationCode,
    }
  }

  /** The server bound this session to the station it just enrolled. */
  async boundTo(stationCode: string): Promise<void> {
    if (!this.user || !this.token) return
    const token = { ...this.token, stationCode }
    await this.storeToken(this.user.username, token)
    await this.become(this.user, this.mode, token)
  }

  /** Stops the expiry timer; resolves once a verifier being written is on disk. */
  close(): Promise<void> {
    this.deps.scheduler.clearTimeout(this.expiryTimer)
    this.expiryTimer = null
    return this.remembering
  }

  async login(username: string, password: string): Promise<SessionState> {
    let response
    try {
      response = await this.deps.client.login(username, password, this.deps.stationCode())
    } catch (error) {
      if (error instanceof StationError && error.code === 'unauthorized') {
        throw new StationError('invalid_credentials', error.message)
      }
      throw error
    }
    const token = {
      token: response.token,
      expiresAt: response.expiresAt,
      stationCode: this.deps.stationCode(),
    }
    try {
      await this.storeToken(response.user.username, token)
    } catch (error) {
      // Without a safe place for the token the station cannot stay signed in; say so, do not degrade.
      await this.deps.client.logout(response.token).catch(() => undefined)
      throw new StationError('unavailable', (error as Error).message)
    }
    // The offline verifier is a deliberately slow scrypt (a third of a second, more on a busy
    // station): it is written behind the sign-in instead of in front of the desk. An offline
    // sign-in waits for it.
    const remembered = this.remembering.then(() =>
      this.deps.verifiers.remember(response.user, password, this.deps.scheduler.now()),
    )
    this.remembering = remembered.catch((error: unknown) =>
      console.warn('Warmline: the offline sign-in verifier could not be saved', error),
    )
    await this.deps.signedIn(response)
    return this.become(response.user, 'online', token)
  }

  async loginOffline(username: string, password: string): Promise<SessionState> {
    await this.remembering
    const user = await this.deps.verifiers.verify(username, password)
    if (!user) {
      throw new StationError(
        'invalid_credentials',
        'Offline sign-in works only with the password last used to sign in online at this station.',
      )
    }
    const read = await this.readToken(user.username)
    this.noTokenReason = OFFLINE_REASON
    return this.become(user, 'offline', 'token' in read ? read.token : null)
  }

  /** Signs out and revokes the token. Returns the user so the caller can count what is left unsent. */
  async logout(): Promise<User | null> {
    const user = this.user
    const token = this.token
    if (user) await this.deps.credentials.delete(tokenKey(user.username)).catch(() => undefined)
    // Revoking is best effort: offline, the token simply expires on the server.
    if (token) await this.deps.client.logout(token.token).catch(() => undefined)
    await this.become(null, null, null)
    return user
  }

  /** The server refused the token (expired or revoked): keep working offline, sign in to sync. */
  async tokenRejected(): Promise<void> {
    if (!this.user || !this.token) return
    await this.deps.credentials.delete(tokenKey(this.user.username)).catch(() => undefined)
    this.noTokenReason = `The central server no longer accepts your sign-in (it expired or was signed out): ${SIGN_IN_AGAIN}`
    await this.become(this.user, 'offline', null)
  }

  private get file(): string {
    return path.join(this.deps.dataDir, 'session.json')
  }

  private async readToken(username: string): Promise<{ token: StoredToken } | { problem: string }> {
    let raw: string | null
    try {
      raw = await this.deps.credentials.get(tokenKey(username))
    } catch (error) {
      // An unreadable keychain entry means signing in online again, nothing worse.
      return {
        problem: `This station could not read your sign-in from its credential store (${(error as Error).message.replace(/\.$/, '')})`,
      }
    }
    if (!raw) return { problem: 'This station did not keep your sign-in when it restarted' }
    let parsed
    try {
      parsed = storedTokenSchema.safeParse(JSON.parse(raw))
    } catch {
      parsed = null
    }
    if (!parsed?.success) return { problem: 'The sign-in this station kept is unreadable' }
    if (parsed.data.expiresAt <= this.deps.scheduler.now())
      return { problem: 'Your sign-in expired' }
    return { token: parsed.data }
  }

  private storeToken(username: string, token: StoredToken): Promise<void> {
    return this.deps.credentials.set(tokenKey(username), JSON.stringify(token))
  }

  /** An expiring token takes the session offline when it expires, and the desk says so. */
  private watchExpiry(): void {
    this.deps.scheduler.clearTimeout(this.expiryTimer)
    this.expiryTimer = null
    if (!this.token) return
    const left = this.token.expiresAt - this.deps.scheduler.now()
    this.expiryTimer = this.deps.scheduler.setTimeout(
      () => {
        this.expiryTimer = null
        if (!this.token || this.token.expiresAt > this.deps.scheduler.now())
          return this.watchExpiry()
        this.noTokenReason = `Your sign-in expired: ${SIGN_IN_AGAIN}`
        void this.become(this.user, 'offline', null).catch(() => undefined)
      },
      Math.max(0, Math.min(left, MAX_TIMER_MS)),
    )
  }

  private async become(
    user: User | null,
    mode: 'online' | 'offline' | null,
    token: StoredToken | null,
  ): Promise<SessionState> {
    this.user = user
    this.mode = mode
    this.token = token
    if (token) this.noTokenReason = null
    this.watchExpiry()
    await writeFileDurably(this.file, JSON.stringify(user && mode ? { user, mode } : {}))
    const state = this.current()
    this.deps.onChange(state)
    return state
  }
}
