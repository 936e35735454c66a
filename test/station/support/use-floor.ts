/**
 * The floor of one integration test file: a temp directory, the central server in it, and the
 * stations its tests open, closed after each test or once at the end; then the server stopped and
 * the directory removed. One server per file, as a fresh PGlite data directory takes seconds.
 * Apart from floor.ts because the chaos runner imports that outside vitest.
 */
import { afterAll, afterEach, beforeAll } from 'vitest'
import { enrollAndSignIn, openStation, startCentral, type Central, type TestStation } from './floor'
import { tempDir } from './station'

type OpenOptions = Parameters<typeof openStation>[0]

export interface FloorStationOptions extends Pick<
  OpenOptions,
  'clock' | 'onError' | 'credentials'
> {
  /** The user's role on the server; an agent unless said. */
  role?: 'agent' | 'supervisor'
  /** Enrolled and signed in, with sync started (the default), or left for the test to do. */
  signIn?: boolean
  /** Another server of the test's own (one with other options), instead of the floor's. */
  central?: Central
}

export interface Floor {
  /** The file's temp directory; each station keeps its data in `<dir>/<name>`. */
  readonly dir: string
  readonly central: Central
  /** A station for a new user `username`, closed by the floor. */
  station(name: string, username: string, options?: FloorStationOptions): Promise<TestStation>
}

export function useFloor(
  label: string,
  options: {
    /** When the stations a test opened are closed: after each test, or with the floor. */
    stations?: 'per-test' | 'per-file'
    /** Runs once the server is up, before the first test. */
    setUp?: (central: Central) => Promise<void>
    /** Runs after each test once its stations are closed (a file hook of its own runs before). */
    afterEachTest?: (central: Central) => Promise<void>
  } = {},
): Floor {
  let dir: Awaited<ReturnType<typeof tempDir>> | undefined
  let central: Central | undefined
  const opened: TestStation[] = []
  const closeStations = async () => {
    for (const station of opened.splice(0)) await station.close()
  }
  const ready = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the floor is set up in beforeAll: use it in a test')
    return value
  }

  beforeAll(async () => {
    dir = await tempDir(label)
    central = await startCentral(`${dir.dir}/server`)
    await options.setUp?.(central)
  }, 180_000)
  if (options.stations === 'per-test' || options.afterEachTest)
    afterEach(async () => {
      if (options.stations === 'per-test') await closeStations()
      await options.afterEachTest?.(ready(central))
    })
  afterAll(async () => {
    await closeStations()
    await central?.stop()
    await dir?.remove()
  })

  return {
    get dir() {
      return ready(dir).dir
    },
    get central() {
      return ready(central)
    },
    async station(name, username, { role = 'agent', signIn = true, central: other, ...open } = {}) {
      const server = other ?? ready(central)
      await server.createUser(username, role)
      const station = await openStation({
        name,
        baseDir: ready(dir).dir,
        central: server,
        username,
        ...open,
      })
      opened.push(station)
      if (signIn) await enrollAndSignIn(station, server)
      return station
    },
  }
}
