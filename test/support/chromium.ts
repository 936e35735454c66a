/**
 * Real Chromium for tests and benchmarks that must not run on a stand-in (IndexedDB, layout):
 * the system browser (Debian's `chromium`, or `$CHROMIUM_PATH`) driven by playwright-core, a
 * bundle of a test entry built on the fly with Vite, and a loopback HTTP server to load it from.
 *
 *   const page = await servePage({ script: await bundleForBrowser('test/x/browser/entry.ts') })
 *   const browser = await launchChromium()
 *   const tab = await browser.newPage()
 *   await tab.goto(page.url)
 */
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import {
  chromium,
  type Browser,
  type BrowserContext,
  type LaunchOptions,
  type BrowserContextOptions,
} from 'playwright-core'
import { build, type Rolldown } from 'vite'

/** The flags CI machines need: no sandbox as root, no GPU, nothing phoning home. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export function chromiumPath(): string {
  const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(executable)) {
    throw new Error(
      `Chromium not found at ${executable}. Install it (as root: apt-get update && apt-get install -y --no-install-recommends chromium) or set CHROMIUM_PATH.`,
    )
  }
  return executable
}

/** A headless Chromium. Its contexts keep IndexedDB in memory: fine for tests, not for benchmarks. */
export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    headless: true,
    ...options,
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  })
}

/**
 * A headless Chromium on an on-disk profile: IndexedDB lives in `userDataDir` as it does on a
 * station, so its timings are the real ones (PERFORMANCE-NOTES.md).
 */
export function launchPersistentChromium(
  userDataDir: string,
  options: LaunchOptions & BrowserContextOptions = {},
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    headless: true,
    ...options,
    executablePath: chromiumPath(),
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  })
}

/**
 * Bundles `entry` (a TypeScript module, path relative to the repository root or absolute) and
 * everything it imports into one classic script, in memory.
 */
export async function bundleForBrowser(
  entry: string,
  options: { define?: Record<string, string> } = {},
): Promise<string> {
  const absolute = path.resolve(import.meta.dirname, '../..', entry)
  const output = await build({
    configFile: false,
    logLevel: 'warn',
    root: path.dirname(absolute),
    define: { 'process.env.NODE_ENV': JSON.stringify('production'), ...options.define },
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      emptyOutDir: false,
      copyPublicDir: false,
      lib: { entry: absolute, formats: ['iife'], name: 'bundledEntry', fileName: 'entry' },
    },
  })
  const outputs = (Array.isArray(output) ? output : [output]) as Rolldown.RolldownOutput[]
  const chunk = outputs
    .flatMap((o) => o.output)
    .find((file): file is Rolldown.OutputChunk => file.type === 'chunk' && file.isEntry)
  if (!chunk) throw new Error(`bundling ${entry} produced no entry chunk`)
  return chunk.code
}

export interface ServedPage {
  /** The page: an empty document that runs the script. */
  url: string
  close(): Promise<void>
}

/**
 * Serves a page that runs `script` (a classic script, e.g. from `bundleForBrowser`) on
 * 127.0.0.1 on a free port. `files` adds other paths (`/data.json` → body).
 */
export async function servePage(options: {
  script: string
  title?: string
  files?: Record<string, { body: string | Uint8Array; contentType: string }>
}): Promise<ServedPage> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${options.title ?? 'test'}</title></head><body><script src="/entry.js"></script></body></html>`
  const files: Record<string, { body: string | Uint8Array; contentType: string }> = {
    '/': { body: html, contentType: 'text/html; charset=utf-8' },
    '/entry.js': { body: options.script, contentType: 'text/javascript; charset=utf-8' },
    ...options.files,
  }
  const server = createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://localhost').pathname]
    if (!file) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': file.contentType, 'cache-control': 'no-store' })
    response.end(file.body)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((error) => (error ? reject(error) : resolve()))
      }),
  }
}
