/**
 * The installers' configuration, read the way electron-builder 26.17 reads it (its own loader and
 * schema validation): Linux AppImage and deb, Windows NSIS, macOS dmg, the warmline:// protocol,
 * and the Electron fuses that keep a packaged station from being run as a plain Node.js or told
 * to load other code (ARCHITECTURE.md, "Security defaults").
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config.js'
import { DebugLogger } from 'builder-util'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Configuration } from 'electron-builder'

const root = path.resolve(import.meta.dirname, '../..')
let config: Configuration

beforeAll(async () => {
  config = await getConfig(root, 'electron-builder.yml', null)
})

const targetsOf = (target: unknown) =>
  [target].flat().map((t) => (typeof t === 'string' ? t : (t as { target: string }).target))

describe('electron-builder configuration', () => {
  it("is valid by electron-builder's own schema", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('sets the Electron fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    })
    // Asar integrity and "only from asar" mean nothing without an asar.
    expect(config.asar).toBe(true)
  })

  it('builds AppImage and deb for Linux, NSIS for Windows, dmg for macOS', () => {
    expect(targetsOf(config.linux?.target)).toEqual(['AppImage', 'deb'])
    expect(targetsOf(config.win?.target)).toEqual(['nsis'])
    expect(targetsOf(config.mac?.target)).toEqual(['dmg'])
  })

  it('registers the warmline:// protocol the telephony integration opens', () => {
    expect([config.protocols].flat()).toContainEqual(
      expect.objectContaining({ schemes: ['warmline'] }),
    )
  })

  it('packs what the main process reads at run time', () => {
    // The loader turns plain patterns into `{ filter }` sets.
    const patterns = [config.files]
      .flat()
      .flatMap((f) =>
        typeof f === 'string' ? [f] : [(f as { filter?: string | string[] }).filter ?? []].flat(),
      )
    expect(patterns).toEqual(expect.arrayContaining(['out/**', 'resources/**']))
    for (const file of [
      'resources/icons/icon.png',
      'resources/icons/tray.png',
      'resources/directory/sample-directory.json',
    ])
      expect(existsSync(path.join(root, file)), file).toBe(true)
  })

  it('`npm run dist` builds first, then packages with this configuration', () => {
    const scripts = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts
    expect(scripts.dist).toBe(
      'electron-vite build && electron-builder --config electron-builder.yml',
    )
  })
})
