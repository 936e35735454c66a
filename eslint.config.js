// @ts-check
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import { defineConfig, globalIgnores } from 'eslint/config'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/*
 * Import boundaries (ARCHITECTURE.md, "The house"): dependencies point inward. renderer, main
 * and server depend on src/shared; src/shared depends on nothing of ours and on no platform.
 * `electron` is imported only by src/main/index.ts, src/main/electron/** and src/preload/**.
 *
 * The rules are data (`restrictions`, `boundaries`) so that test/lint/boundaries.test.ts can
 * prove every zone against every restriction through the real ESLint.
 */

/**
 * A relative import that climbs (`../`) and then enters one of our top-level source folders,
 * e.g. `../../main/station/agent` or `../server`.
 * @param {string} folder
 */
const climbsInto = (folder) => `^(?:\\./)?(?:\\.\\./)+${folder}(?:/|$)`

/** Node's builtins, bare (`fs`, `fs/promises`, `child_process`, ...) or with the `node:` scheme. */
const nodeBuiltinNames = [
  ...new Set(builtinModules.filter((m) => !m.startsWith('_')).map((m) => m.split('/')[0])),
]

/**
 * @typedef {object} Restriction
 * @property {string} regex    matched against the import specifier
 * @property {string} message  shown in the lint report
 */

/** Everything a zone may be forbidden to import. */
export const restrictions = /** @type {const} */ ({
  mainCode: {
    regex: climbsInto('main'),
    message: 'src/main is the Electron main process; depend on src/shared instead.',
  },
  serverCode: {
    regex: climbsInto('server'),
    message: 'src/server is the central server; depend on src/shared (the wire contracts) instead.',
  },
  rendererCode: {
    regex: climbsInto('renderer'),
    message: 'src/renderer is the UI; nothing outside it may import it.',
  },
  preloadCode: {
    regex: climbsInto('preload'),
    message: 'src/preload is the contextBridge script; talk to it through src/shared/station-api.',
  },
  nodeBuiltins: {
    regex: `^(?:node:|(?:${nodeBuiltinNames.join('|')})(?:/|$))`,
    message: 'Node builtins are not available here (pure / browser / sandboxed code).',
  },
  electron: {
    regex: '^electron(?:/|$)',
    message:
      'electron may be imported only in src/main/index.ts, src/main/electron/** and src/preload/**.',
  },
  domLibs: {
    regex: '^(?:react|react-dom|dexie|dexie-react-hooks|zustand|@tanstack/[^/]+)(?:/|$)',
    message: 'UI / browser libraries belong to src/renderer.',
  },
  serverLibs: {
    regex: '^(?:pg|@electric-sql/pglite|ws|nodemailer)(?:/|$)',
    message: 'Database, socket and mail libraries belong to src/server and src/main.',
  },
})

/** @typedef {keyof typeof restrictions} RestrictionKey */

/**
 * @typedef {object} Boundary
 * @property {string} zone
 * @property {string[]} files     globs, relative to the repository root
 * @property {string[]} ignores   globs excluded from `files` (the zones are disjoint)
 * @property {RestrictionKey[]} forbid
 */

const mainElectronFiles = ['src/main/index.ts', 'src/main/electron/**']
const zoneFiles = {
  shared: ['src/shared/**'],
  mainElectron: mainElectronFiles,
  main: ['src/main/**'],
  preload: ['src/preload/**'],
  renderer: ['src/renderer/**'],
  server: ['src/server/**'],
}

/**
 * One entry per zone. The zones are disjoint (a file is in at most one), because a later flat
 * config object's `no-restricted-imports` replaces an earlier one's instead of merging with it.
 * test/** and the root config files are in no zone: tests may import anything (vi.mock('electron')).
 * @type {readonly Boundary[]}
 */
export const boundaries = [
  {
    zone: 'shared',
    files: zoneFiles.shared,
    ignores: [],
    forbid: [
      'mainCode',
      'serverCode',
      'rendererCode',
      'preloadCode',
      'nodeBuiltins',
      'electron',
      'domLibs',
      'serverLibs',
    ],
  },
  {
    zone: 'main-electron',
    files: zoneFiles.mainElectron,
    ignores: [],
    forbid: ['rendererCode', 'preloadCode'],
  },
  {
    zone: 'main',
    files: zoneFiles.main,
    ignores: mainElectronFiles,
    forbid: ['rendererCode', 'preloadCode', 'electron'],
  },
  {
    zone: 'preload',
    files: zoneFiles.preload,
    ignores: [],
    forbid: ['mainCode', 'serverCode', 'rendererCode', 'nodeBuiltins', 'domLibs', 'serverLibs'],
  },
  {
    zone: 'renderer',
    files: zoneFiles.renderer,
    ignores: [],
    forbid: ['mainCode', 'serverCode', 'preloadCode', 'nodeBuiltins', 'electron', 'serverLibs'],
  },
  {
    zone: 'server',
    files: zoneFiles.server,
    ignores: [],
    forbid: ['mainCode', 'rendererCode', 'preloadCode', 'electron', 'domLibs'],
  },
  {
    zone: 'src-other',
    files: ['src/**'],
    ignores: Object.values(zoneFiles).flat(),
    forbid: ['electron'],
  },
]

/**
 * @param {Boundary} b
 * @returns {import('eslint').Linter.Config}
 */
const boundaryConfig = (b) => ({
  name: `warmline/boundaries/${b.zone}`,
  files: b.files,
  ignores: b.ignores,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: b.forbid.map((key) => ({
          regex: restrictions[key].regex,
          message: `[${b.zone}: ${key}] ${restrictions[key].message}`,
        })),
      },
    ],
  },
})

export default defineConfig([
  globalIgnores([
    'out/',
    'dist/',
    'node_modules/',
    'test-results/',
    'playwright-report/',
    'coverage/',
    'data/',
    '.bench/',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'warmline/base',
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    name: 'warmline/renderer',
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: reactHooks.configs.flat.recommended.plugins,
    rules: reactHooks.configs.flat.recommended.rules,
  },
  ...boundaries.map(boundaryConfig),
])
