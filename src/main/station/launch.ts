/**
 * Starting a station, the same for the Electron app and the browser host: pick the central
 * server (a configured URL, or one started in this process so a single station is a complete
 * system), then assemble the station services against it.
 */
import path from 'node:path'
import {
  createStationServices,
  type StationServices,
  type StationServicesOptions,
} from './services'

export interface EmbeddedServer {
  url: string
  close(): Promise<void>
}

/** `startServer` of src/server, passed in so this module stays free of the server's weight in tests. */
export type StartEmbeddedServer = (options: {
  dataDir: string
  port: number
  host: string
}) => Promise<EmbeddedServer>

export interface LaunchOptions extends Omit<
  StationServicesOptions,
  'serverUrl' | 'embeddedServer'
> {
  /** Null: run the central server in this process, with its data under `<dataDir>/server`. */
  serverUrl: string | null
  startEmbeddedServer: StartEmbeddedServer
}

export interface LaunchedStation {
  services: StationServices
  serverUrl: string
  embeddedServer: boolean
  close(): Promise<void>
}

export async function launchStation(options: LaunchOptions): Promise<LaunchedStation> {
  const { startEmbeddedServer, serverUrl: configured, ...rest } = options
  const embedded = configured
    ? null
    : await startEmbeddedServer({
        dataDir: path.join(options.dataDir, 'server'),
        port: 0,
        host: '127.0.0.1',
      })
  const serverUrl = configured ?? embedded!.url
  let services: StationServices
  try {
    services = await createStationServices({
      ...rest,
      serverUrl,
      embeddedServer: embedded !== null,
    })
  } catch (error) {
    await embedded?.close()
    throw error
  }
  return {
    services,
    serverUrl,
    embeddedServer: embedded !== null,
    async close() {
      await services.close()
      await embedded?.close()
    },
  }
}
