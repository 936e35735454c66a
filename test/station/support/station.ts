/**
 * Station services as the tests run them: the real services with Node's fetch and the `ws`
 * client, fast backoff and cheap scrypt so a test is not spent waiting, files in a temp dir.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { MemoryCredentialStore, type CredentialStore } from '../../../src/main/station/credentials'
import { openNodeSocket } from '../../../src/main/station/live'
import {
  createStationServices,
  type StationServices,
  type StationServicesOptions,
} from '../../../src/main/station/services'

export async function tempDir(label: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `warmline-${label}-`))
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

export interface TestStationOptions extends Partial<StationServicesOptions> {
  serverUrl: string
  dataDir: string
  credentials?: CredentialStore
}

export function testStationServices(options: TestStationOptions): Promise<StationServices> {
  return createStationServices({
    embeddedServer: false,
    shell: 'browser',
    version: 'test',
    fetch: globalThis.fetch,
    openSocket: openNodeSocket,
    credentials: options.credentials ?? new MemoryCredentialStore(),
    scrypt: { N: 2 ** 10, r: 8, p: 1 },
    backoff: { baseMs: 20, maxMs: 250 },
    requestTimeoutMs: 5_000,
    logError: () => undefined,
    ...options,
  })
}

/** Polls `check` until it holds; bounded, and says what it waited for when it gives up. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | false | null | undefined> | T | false | null | undefined,
  attempts = 2_400,
  everyMs = 50,
): Promise<T> {
  let last: unknown
  for (let i = 0; i < attempts; i++) {
    try {
      const value = await check()
      if (value) return value
    } catch (error) {
      last = error
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  throw new Error(`Gave up waiting for ${what}${last ? `: ${String(last)}` : ''}`)
}
