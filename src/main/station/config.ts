/**
 * The station's configuration: where its files live, which central server it talks to, and the
 * identity it was given at enrollment. All of it is plain JSON in the data directory.
 */
import path from 'node:path'
import { z } from 'zod'
import { readJsonFile, writeFileDurably } from './durable-file'

const settingsSchema = z.object({ serverUrl: z.url().nullable().default(null) })
export type StationSettings = z.infer<typeof settingsSchema>

const identitySchema = z.object({
  stationCode: z.string().regex(/^[A-Z0-9]{1,12}$/),
  name: z.string(),
})
export type StationIdentity = z.infer<typeof identitySchema>

export async function loadSettings(dataDir: string): Promise<StationSettings> {
  const parsed = settingsSchema.safeParse(
    (await readJsonFile(path.join(dataDir, 'settings.json'))) ?? {},
  )
  return parsed.success ? parsed.data : { serverUrl: null }
}

export async function saveSettings(dataDir: string, settings: StationSettings): Promise<void> {
  await writeFileDurably(path.join(dataDir, 'settings.json'), JSON.stringify(settings, null, 2))
}

export async function loadIdentity(dataDir: string): Promise<StationIdentity | null> {
  const parsed = identitySchema.safeParse(await readJsonFile(path.join(dataDir, 'station.json')))
  return parsed.success ? parsed.data : null
}

export async function saveIdentity(dataDir: string, identity: StationIdentity): Promise<void> {
  await writeFileDurably(path.join(dataDir, 'station.json'), JSON.stringify(identity, null, 2))
}

/**
 * The server URL in force: a command-line flag, then `WARMLINE_SERVER_URL`, then the saved
 * setting. Null means "run the central server inside this app".
 */
export function resolveServerUrl(sources: {
  flag?: string | undefined
  env?: string | undefined
  settings: StationSettings
}): string | null {
  const url = sources.flag?.trim() || sources.env?.trim() || sources.settings.serverUrl
  if (!url) return null
  const parsed = new URL(url)
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new Error(`The server URL must be http or https, got "${url}"`)
  }
  return parsed.origin + parsed.pathname.replace(/\/+$/, '')
}
