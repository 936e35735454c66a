import path from 'node:path'
import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'
import { boundaries, restrictions } from '../../eslint.config.js'

type RestrictionKey = keyof typeof restrictions

const repoRoot = path.resolve(import.meta.dirname, '../..')

let eslint: ESLint
beforeAll(() => {
  eslint = new ESLint({
    cwd: repoRoot,
    overrideConfigFile: path.join(repoRoot, 'eslint.config.js'),
  })
})

/** Lints `code` as if it lived at `file` (relative to the repo root); returns the boundary hits. */
async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) })
  if (!result) throw new Error(`no lint result for ${file}`)
  const fatal = result.messages.filter((m) => m.fatal)
  if (fatal.length > 0) throw new Error(`${file}: ${fatal.map((m) => m.message).join('; ')}`)
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

const importOf = (specifier: string) => `import * as m from '${specifier}'\nexport { m }\n`

/** The relative specifier from `fromFile` to the repo path `target` (both repo-relative). */
function relativeTo(fromFile: string, target: string): string {
  const rel = path.posix.relative(path.posix.dirname(fromFile), target)
  return rel.startsWith('.') ? rel : `./${rel}`
}

/** Specifiers that each restriction must catch, seen from a file at `fromFile`. */
const samples: Record<RestrictionKey, (fromFile: string) => string[]> = {
  mainCode: (f) => [relativeTo(f, 'src/main/station/agent'), relativeTo(f, 'src/main')],
  serverCode: (f) => [relativeTo(f, 'src/server/db'), relativeTo(f, 'src/server')],
  rendererCode: (f) => [relativeTo(f, 'src/renderer/src/store/db')],
  preloadCode: (f) => [relativeTo(f, 'src/preload/index')],
  nodeBuiltins: () => ['node:fs', 'fs', 'fs/promises', 'node:crypto', 'child_process', 'path'],
  electron: () => ['electron', 'electron/main'],
  domLibs: () => [
    'react',
    'react-dom/client',
    'dexie',
    'dexie-react-hooks',
    'zustand',
    '@tanstack/react-table',
  ],
  serverLibs: () => ['pg', '@electric-sql/pglite', 'ws', 'nodemailer'],
}

/** A file path inside each zone, at a realistic depth. */
const zoneSample: Record<string, string> = {
  shared: 'src/shared/incident/x.ts',
  'main-electron': 'src/main/index.ts',
  main: 'src/main/station/x.ts',
  preload: 'src/preload/index.ts',
  renderer: 'src/renderer/src/app/x.tsx',
  server: 'src/server/http/x.ts',
  'src-other': 'src/somewhere/x.ts',
}

describe('import boundaries: the structure', () => {
  it('has samples for every restriction and a sample file for every zone', () => {
    expect(Object.keys(samples).sort()).toEqual(Object.keys(restrictions).sort())
    expect(Object.keys(zoneSample).sort()).toEqual(boundaries.map((b) => b.zone).sort())
  })
})

describe.each(boundaries.map((b) => [b.zone, b] as const))('zone %s', (zone, boundary) => {
  const file = zoneSample[zone]!
  const keys = Object.keys(restrictions) as RestrictionKey[]

  it.each(keys)('%s', async (key) => {
    const forbidden = boundary.forbid.includes(key)
    for (const specifier of samples[key](file)) {
      const hits = await restrictedImports(file, importOf(specifier))
      if (forbidden) {
        expect(hits, `${file} importing ${specifier}`).toHaveLength(1)
        expect(hits[0]).toContain(`[${zone}: ${key}]`)
      } else {
        expect(hits, `${file} importing ${specifier}`).toEqual([])
      }
    }
  })
})

describe('import boundaries: the cases named in ARCHITECTURE.md', () => {
  const violations: Array<[file: string, code: string]> = [
    [
      'src/shared/incident/x.ts',
      "import { readFileSync } from 'node:fs'\nexport const r = readFileSync\n",
    ],
    [
      'src/shared/incident/x.ts',
      "import { agent } from '../../main/station/agent'\nexport { agent }\n",
    ],
    ['src/shared/incident/x.ts', "import Dexie from 'dexie'\nexport { Dexie }\n"],
    ['src/shared/incident/x.ts', "import type { Pool } from 'pg'\nexport type P = Pool\n"],
    ['src/shared/sync/x.ts', "export { WebSocket } from 'ws'\n"],
    [
      'src/renderer/src/app/x.tsx',
      "import { ipcRenderer } from 'electron'\nexport { ipcRenderer }\n",
    ],
    ['src/renderer/src/app/x.tsx', "import { db } from '../../../server/db'\nexport { db }\n"],
    ['src/renderer/src/app/x.tsx', "import { Client } from 'pg'\nexport { Client }\n"],
    ['src/main/station/x.ts', "import { app } from 'electron'\nexport { app }\n"],
    ['src/main/station/x.ts', "import { App } from '../../renderer/src/app/App'\nexport { App }\n"],
    [
      'src/main/browser-host.ts',
      "import { BrowserWindow } from 'electron'\nexport { BrowserWindow }\n",
    ],
    ['src/server/x.ts', "import { app } from 'electron'\nexport { app }\n"],
    ['src/server/x.ts', "import { useState } from 'react'\nexport { useState }\n"],
  ]
  it.each(violations)('%s: %s is reported', async (file, code) => {
    expect(await restrictedImports(file, code)).toHaveLength(1)
  })

  const allowed: Array<[file: string, code: string]> = [
    [
      'src/main/index.ts',
      "import { app, BrowserWindow } from 'electron'\nexport { app, BrowserWindow }\n",
    ],
    [
      'src/main/electron/window.ts',
      "import { BrowserWindow } from 'electron'\nexport { BrowserWindow }\n",
    ],
    [
      'src/preload/index.ts',
      "import { contextBridge } from 'electron'\nexport { contextBridge }\n",
    ],
    ['src/shared/incident/x.ts', "import { z } from 'zod'\nexport const s = z.string()\n"],
    ['src/shared/incident/x.ts', "import { uuidv7 } from '../ids'\nexport { uuidv7 }\n"],
    ['src/shared/incident/x.ts', "import { tick } from '../sync/hlc'\nexport { tick }\n"],
    ['src/main/station/x.ts', "import { start } from '../../server/app'\nexport { start }\n"],
    ['src/main/station/x.ts', "import { readFile } from 'node:fs/promises'\nexport { readFile }\n"],
    [
      'src/renderer/src/app/x.tsx',
      "import { uuidv7 } from '../../../shared/ids'\nexport { uuidv7 }\n",
    ],
    ['src/renderer/src/app/x.tsx', "import { create } from 'zustand'\nexport { create }\n"],
    [
      'src/server/x.ts',
      "import pg from 'pg'\nimport { uuidv7 } from '../shared/ids'\nexport { pg, uuidv7 }\n",
    ],
    ['test/main/x.test.ts', "import { app } from 'electron'\nexport { app }\n"],
  ]
  it.each(allowed)('%s: %s is allowed', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([])
  })
})
