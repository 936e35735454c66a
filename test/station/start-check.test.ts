import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'

const run = promisify(execFile)
const script = join(import.meta.dirname, '../../scripts/check-electron.mjs')
const dirs: string[] = []

async function fakeElectronPackage(binary: 'present' | 'missing'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'warmline-electron-'))
  dirs.push(dir)
  await writeFile(join(dir, 'path.txt'), 'electron')
  if (binary === 'present') {
    await mkdir(join(dir, 'dist'))
    await writeFile(join(dir, 'dist', 'electron'), '')
  }
  return dir
}

function check(packageDir: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, WARMLINE_ELECTRON_PACKAGE_DIR: packageDir }
  delete env.ELECTRON_OVERRIDE_DIST_PATH
  return run(process.execPath, [script], { env })
}

afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('npm start without the Electron binary', () => {
  it('says what is missing and what to do, and exits non-zero', async () => {
    const failure = await check(await fakeElectronPackage('missing')).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    )
    expect(failure?.code).toBe(1)
    expect(failure?.stderr).toMatch(/Electron binary is not installed/)
    expect(failure?.stderr).toMatch(/node node_modules\/electron\/install\.js/)
    expect(failure?.stderr).toMatch(/npm run web/)
  })

  it('stays quiet when the binary is there', async () => {
    const { stdout, stderr } = await check(await fakeElectronPackage('present'))
    expect(stdout + stderr).toBe('')
  })
})
