/**
 * Who is signed in at this station. The token lives behind the credential-store port (the OS
 * keychain in Electron) and never leaves main; the renderer sees only the user and the mode.
 * The session survives a restart (the agent must go on pushing a restarted station's outbox), and
 * offline sign-in is checked against the local scrypt verifier of an earlier online sign-in.
 */
import path from 'node:path'
import { z } from 'zod'
import { userSchema, type User } from '../../shared/directory'
import { StationError, type SessionState } from '../../shared/station-api'
import type { SessionResponse } from '../../shared/sync/wire'
import type { CredentialStore } from './credentials'
import { readJsonFile, writeFileDurably } from './durable-file'
import type { Scheduler } from './scheduler'
import type { ServerClient } from './server-client'
import type { VerifierStore } from './verifiers'

const savedSessionSchema = z.object({ user: userSchema, mode: z.enum(['online', 'offline']) })
const storedTokenSchema = z.object({ token: z.string().min(1), expiresAt: z.number() })
type StoredToken = z.infer<typeof storedTokenSchema>

const tokenKey = (username: string) => `session-token:${username}`

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

  private constructor(private readonly deps: SessionDeps) {}

  static async open(deps: SessionDeps): Promise<StationSession> {
    const session = new StationSession(deps)
    const saved = savedSessionSchema.safeParse(await readJsonFile(session.file))
    if (saved.success) {
      session.user = saved.data.user
      session.mode = saved.data.mode
      session.token = await session.readToken(saved.data.user.username)
    }
    return session
  }

  current(): SessionState {
    return { user: this.user, mode: this.mode, expiresAt: this.token?.expiresAt ?? null }
  }

  /** The signed-in user's token while it is valid: what the agent pushes and pulls with. */
  credentials(): { username: string; token: string } | null {
    if (!this.user || !this.token || this.token.expiresAt <= this.deps.scheduler.now()) return null
    return { username: this.user.username, token: this.token.token }
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
    const token = { token: response.token, expiresAt: response.expiresAt }
    try {
      await this.deps.credentials.set(tokenKey(response.user.username), JSON.stringify(token))
    } catch (error) {
      // Without a safe place for the token the station cannot stay signed in; say so, do not degrade.
      await this.deps.client.logout(response.token).catch(() => undefined)
      throw new StationError('unavailable', (error as Error).message)
    }
    await this.deps.verifiers.remember(response.user, password, this.deps.scheduler.now())
    await this.deps.signedIn(response)
    return this.become(response.user, 'online', token)
  }

  async loginOffline(username: string, password: string): Promise<SessionState> {
    const user = await this.deps.verifiers.verify(username, password)
    if (!user) {
      throw new StationError(
        'invalid_credentials',
        'Offline sign-in works only with the password last used to sign in online at this station.',
      )
    }
    return this.become(user, 'offline', await this.readToken(user.username))
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
    await this.become(this.user, 'offline', null)
  }

  private get file(): string {
    return path.join(this.deps.dataDir, 'session.json')
  }

  private async readToken(username: string): Promise<StoredToken | null> {
    try {
      const raw = await this.deps.credentials.get(tokenKey(username))
      const parsed = raw ? storedTokenSchema.safeParse(JSON.parse(raw)) : null
      return parsed?.success && parsed.data.expiresAt > this.deps.scheduler.now()
        ? parsed.data
        : null
    } catch {
      // An unreadable keychain entry means signing in online again, nothing worse.
      return null
    }
  }

  private async become(
    user: User | null,
    mode: 'online' | 'offline' | null,
    token: StoredToken | null,
  ): Promise<SessionState> {
    this.user = user
    this.mode = mode
    this.token = token
    await writeFileDurably(this.file, JSON.stringify(user && mode ? { user, mode } : {}))
    const state = this.current()
    this.deps.onChange(state)
    return state
  }
}
