#!/usr/bin/env node
/**
 * `npm start` runs this before electron-vite: the electron package installs without its binary
 * where the binary's download host cannot be reached, and electron-vite then dies with "Electron
 * uninstall". Say instead what is missing and what to do, and point at the browser station,
 * which needs no Electron.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

function electronBinary(packageDir) {
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return process.env.ELECTRON_OVERRIDE_DIST_PATH
  const pathFile = join(packageDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

function electronPackageDir() {
  if (process.env.WARMLINE_ELECTRON_PACKAGE_DIR) return process.env.WARMLINE_ELECTRON_PACKAGE_DIR
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'))
  } catch {
    return null
  }
}

const packageDir = electronPackageDir()
const binary = packageDir && electronBinary(packageDir)
if (!binary) {
  process.stderr.write(
    [
      'Warmline cannot open its window: the Electron binary is not installed.',
      packageDir
        ? `  The electron package is in ${packageDir}, but its binary was never downloaded`
        : '  The electron package is not installed (run "npm ci" first).',
      packageDir
        ? '  (npm installs it without the binary when its download host cannot be reached).'
        : '',
      '  To fix it, on a machine that can reach the Electron release downloads:',
      '    node node_modules/electron/install.js',
      '  or point ELECTRON_OVERRIDE_DIST_PATH at a folder holding an Electron 45 build.',
      '  Without Electron, the same station runs in a browser:',
      '    npm run build && npm run web -- --port 5180',
      '',
    ]
      .filter((line) => line !== '')
      .join('\n') + '\n',
  )
  process.exit(1)
}
