/**
 * `npm run web -- [--port 5180] [--server http://127.0.0.1:8080] [--data-dir DIR]`: the station
 * services and the built renderer for a browser, on 127.0.0.1. Without `--server` it runs the
 * central server in-process, as `npm start` does. Prints the URL to open (token included) on a
 * line of its own.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { startBrowserHost } from './browser-host'
import { loadSettings, resolveServerUrl } from './station/config'
import { MemoryCredentialStore } from './station/credentials'
import { startEmbeddedServer } from './station/embedded-server'
import { launchStation } from './station/launch'
import { openNodeSocket } from './station/live'

const root = path.resolve(import.meta.dirname, '../..')

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '5180' },
      server: { type: 'string' },
      'data-dir': { type: 'string' },
    },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be a port number, got "${values.port}"`)
  const dataDir = path.resolve(values['data-dir'] ?? path.join(root, 'data', 'web-station'))
  const { version } = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
    version: string
  }

  const station = await launchStation({
    dataDir,
    serverUrl: resolveServerUrl({
      flag: values.server,
      env: process.env.WARMLINE_SERVER_URL,
      settings: await loadSettings(dataDir),
    }),
    startEmbeddedServer,
    shell: 'browser',
    version,
    fetch: globalThis.fetch,
    openSocket: openNodeSocket,
    // No OS keychain here: the session token stays in this process's memory, never on its disk.
    credentials: new MemoryCredentialStore(),
  })
  const host = await startBrowserHost({
    services: station.services,
    rendererDir: path.join(root, 'out', 'renderer'),
    port,
  })

  process.stdout.write(
    `Warmline station for the browser; central server ${station.serverUrl}${station.embeddedServer ? ' (embedded)' : ''}; data in ${dataDir}\nOpen:\n${host.url}\n`,
  )

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    host
      .close()
      .then(() => station.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error)
          process.exit(1)
        },
      )
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: unknown) => {
  console.error('The browser host could not start:', error instanceof Error ? error.message : error)
  process.exit(1)
})
