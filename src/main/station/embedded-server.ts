/**
 * The central server run inside the station's own process when no server URL is configured, so
 * `npm start` (and `npm run web` without `--server`) is a complete one-station system. Loaded on
 * demand: a station pointed at a real server never loads the database engine.
 */
import type { StartEmbeddedServer } from './launch'

export const startEmbeddedServer: StartEmbeddedServer = async ({ dataDir, port, host }) => {
  const { startServer } = await import('../../server/index')
  return startServer({ dataDir, port, host })
}
