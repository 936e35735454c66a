import path from 'node:path'
import { readFile } from 'node:fs/promises'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  SafeStorageCredentialStore,
  type SafeStorageLike,
} from '../../src/main/electron/credential-store'
import { tempDir } from './support/station'

function safeStorage(backend: string, available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (text) => Buffer.from([...Buffer.from(text)].map((b) => b ^ 0x5a)),
    decryptString: (data) => Buffer.from([...data].map((b) => b ^ 0x5a)).toString(),
  }
}

describe('the safeStorage credential store', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let file: string
  beforeEach(async () => {
    dir = await tempDir('credentials')
    file = path.join(dir.dir, 'credentials.json')
  })
  afterEach(() => dir.remove())

  it('keeps tokens encrypted by the OS keychain', async () => {
    const store = new SafeStorageCredentialStore(safeStorage('gnome_libsecret'), file, 'linux')
    await store.set('session-token:ann', 'secret-token')
    expect(await readFile(file, 'utf8')).not.toContain('secret-token')
    expect(await store.get('session-token:ann')).toBe('secret-token')
    await store.delete('session-token:ann')
    expect(await store.get('session-token:ann')).toBeNull()
  })

  it.each(['basic_text', 'unknown'])("refuses Linux's plaintext fallback (%s)", async (backend) => {
    const store = new SafeStorageCredentialStore(safeStorage(backend), file, 'linux')
    expect(store.refusal()).toMatch(/plain text/)
    await expect(store.set('session-token:ann', 'secret-token')).rejects.toThrow(/keyring/)
    await expect(store.get('session-token:ann')).rejects.toThrow(/keyring/)
  })

  it('refuses when no encryption is available at all', async () => {
    const store = new SafeStorageCredentialStore(safeStorage('kwallet5', false), file, 'win32')
    await expect(store.set('k', 'v')).rejects.toThrow(/no encrypted credential storage/)
  })

  it('does not ask for a Linux keyring backend on other systems', async () => {
    const store = new SafeStorageCredentialStore(safeStorage('unknown'), file, 'darwin')
    await store.set('k', 'v')
    expect(await store.get('k')).toBe('v')
  })
})
