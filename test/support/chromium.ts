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

export interface PageFiles {
  /** A classic script the page runs, e.g. from `bundleForBrowser`. */
  script: string
  title?: string
  /** Other paths the page may fetch: `/data.json` → body. */
  files?: Record<string, { body: string | Uint8Array; contentType: string }>
}

function pageFiles(
  options: PageFiles,
): Record<string, { body: string | Uint8Array; contentType: string }> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${options.title ?? 'test'}</title></head><body><script src="/entry.js"></script></body></html>`
  return {
    '/': { body: html, contentType: 'text/html; charset=utf-8' },
    '/entry.js': { body: options.script, contentType: 'text/javascript; charset=utf-8' },
    ...options.files,
  }
}

/** Serves the page on 127.0.0.1 on a free port. */
export async function servePage(options: PageFiles): Promise<ServedPage> {
  const files = pageFiles(options)
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

/**
 * Answers requests for `origin` inside `context` with the page, without a server. The origin
 * stays the same from run to run, so storage a persistent profile keeps for it (IndexedDB) is
 * found again; a server on a free port would be a new origin, with empty storage, every time.
 */
export async function routePage(
  context: BrowserContext,
  origin: string,
  options: PageFiles,
): Promise<string> {
  const files = pageFiles(options)
  const base = new URL(origin)
  await context.route(
    (url) => url.origin === base.origin,
    (route) => {
      const file = files[new URL(route.request().url()).pathname]
      return file
        ? route.fulfill({
            status: 200,
            contentType: file.contentType,
            body: Buffer.from(file.body),
          })
        : route.fulfill({ status: 404, body: '' })
    },
  )
  return `${base.origin}/`
}
