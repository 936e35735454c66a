/**
 * Session tokens encrypted with the OS keychain through Electron's safeStorage. On Linux without
 * a keyring, safeStorage silently "encrypts" with a hard-coded key ('basic_text'); that is a
 * plaintext token on disk, so this store refuses instead, and the agent is told why.
 */
import { z } from 'zod'
import type { CredentialStore } from '../station/credentials'
import { readJsonFile, writeFileDurably } from '../station/durable-file'

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean
  encryptString(plainText: string): Buffer
  decryptString(encrypted: Buffer): string
  getSelectedStorageBackend?(): string
}

const fileSchema = z.record(z.string(), z.string())

/** Linux backends that are not a real keychain. */
const PLAINTEXT_BACKENDS = new Set(['basic_text', 'unknown'])

export class SafeStorageCredentialStore implements CredentialStore {
  constructor(
    private readonly safeStorage: SafeStorageLike,
    private readonly file: string,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Why tokens cannot be kept safely here, or null when they can. */
  refusal(): string | null {
    if (!this.safeStorage.isEncryptionAvailable()) {
      return 'This computer offers no encrypted credential storage, so Warmline will not keep a sign-in on it.'
    }
    if (this.platform === 'linux') {
      const backend = this.safeStorage.getSelectedStorageBackend?.() ?? 'unknown'
      if (PLAINTEXT_BACKENDS.has(backend)) {
        return 'No desktop keyring (GNOME Keyring or KWallet) is running, so a sign-in would be stored as plain text; Warmline refuses. Start a keyring and sign in again.'
      }
    }
    return null
  }

  async get(key: string): Promise<string | null> {
    this.assertSafe()
    const encrypted = (await this.read())[key]
    return encrypted === undefined
      ? null
      : this.safeStorage.decryptString(Buffer.from(encrypted, 'base64'))
  }

  async set(key: string, value: string): Promise<void> {
    this.assertSafe()
    const entries = await this.read()
    entries[key] = this.safeStorage.encryptString(value).toString('base64')
    await writeFileDurably(this.file, JSON.stringify(entries))
  }

  async delete(key: string): Promise<void> {
    const entries = await this.read()
    if (!(key in entries)) return
    delete entries[key]
    await writeFileDurably(this.file, JSON.stringify(entries))
  }

  private assertSafe(): void {
    const refusal = this.refusal()
    if (refusal) throw new Error(refusal)
  }

  private async read(): Promise<Record<string, string>> {
    const parsed = fileSchema.safeParse((await readJsonFile(this.file)) ?? {})
    return parsed.success ? parsed.data : {}
  }
}
