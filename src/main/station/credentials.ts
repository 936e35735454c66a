/**
 * Where session tokens live. The Electron adapter implements this with the OS keychain
 * (safeStorage) and refuses to fall back to plain text; the browser host keeps tokens in memory
 * only, so they never touch its disk unencrypted.
 */
export interface CredentialStore {
  get(key: string): Promise<string | null>
  set(key: string, value: string): Promise<void>
  delete(key: string): Promise<void>
}

export class MemoryCredentialStore implements CredentialStore {
  private readonly values = new Map<string, string>()

  async get(key: string): Promise<string | null> {
    return this.values.get(key) ?? null
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value)
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key)
  }
}
