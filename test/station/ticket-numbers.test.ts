/**
 * The station's ticket-number counter in the main process (ARCHITECTURE.md "Data": one authority
 * per station, fsync'd beside the outbox): no number is handed out twice, not across a kill -9 of
 * the process, not to two windows asking at once.
 */
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { saveIdentity } from '../../src/main/station/config'
import type { StationServices } from '../../src/main/station/services'
import { TicketNumbers } from '../../src/main/station/ticket-numbers'
import { StationError, createStationApi, type StationApi } from '../../src/shared/station-api'
import { tempDir, testStationServices } from './support/station'

const root = path.resolve(__dirname, '../..')

describe('the ticket-number counter', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let file: string
  beforeEach(async () => {
    dir = await tempDir('numbers')
    file = path.join(dir.dir, 'ticket-numbers.json')
  })
  afterEach(() => dir.remove())

  it('goes on above every block handed out before a restart, per station code', async () => {
    const numbers = await TicketNumbers.open(file)
    expect(await numbers.reserve('S1', 3)).toEqual({ stationCode: 'S1', first: 1, last: 3 })
    expect(await numbers.reserve('S1', 2)).toEqual({ stationCode: 'S1', first: 4, last: 5 })
    expect(await numbers.reserve('S2', 1)).toEqual({ stationCode: 'S2', first: 1, last: 1 })
    const reopened = await TicketNumbers.open(file)
    expect(await reopened.reserve('S1', 1)).toEqual({ stationCode: 'S1', first: 6, last: 6 })
    expect(reopened.highest('S2')).toBe(1)
  })

  it('is raised to what the server or a window knows, never lowered', async () => {
    const numbers = await TicketNumbers.open(file)
    await numbers.reserve('S1', 5)
    await numbers.raise('S1', 2)
    expect(numbers.highest('S1')).toBe(5)
    await numbers.raise('S1', 40)
    expect((await TicketNumbers.open(file)).highest('S1')).toBe(40)
    expect(await numbers.reserve('S1', 1, 57)).toMatchObject({ first: 58, last: 58 })
  })

  it('refuses to start from an unreadable counter instead of starting again at 1', async () => {
    await writeFile(file, '{"last": {"S1": "many"}}')
    await expect(TicketNumbers.open(file)).rejects.toThrow(/unreadable/)
  })

  it('never hands out a block again after the process is killed mid-reservation', async () => {
    for (let round = 0; round < 3; round++) {
      // tsx as a loader, not its command line: that runs the script in a grandchild the kill misses.
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'test/station/support/reserve-forever.ts', file, 'S1'],
        { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
      )
      const handedOut: number[] = []
      let buffer = ''
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          buffer += chunk.toString()
          const lines = buffer.split('\n')
          buffer = lines.pop()!
          for (const line of lines) handedOut.push(Number(line.split('-')[1]))
          // Killed at some point in the middle of its stream of reservations.
          if (handedOut.length >= 20 + round * 7) child.kill('SIGKILL')
        })
        child.once('exit', () => resolve())
        child.once('error', reject)
      })
      const highestHandedOut = Math.max(...handedOut)
      const next = await (await TicketNumbers.open(file)).reserve('S1', 1)
      expect(next.first).toBeGreaterThan(highestHandedOut)
    }
  }, 60_000)
})

describe('numbers.reserve of the station services', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let services: StationServices
  const windows: StationApi[] = []
  beforeEach(async () => {
    dir = await tempDir('numbers-api')
    await saveIdentity(dir.dir, { stationCode: 'S4', name: 'Desk 4' })
    // Nothing listens there: the station is offline, which numbering does not need.
    services = await testStationServices({ serverUrl: 'http://127.0.0.1:9', dataDir: dir.dir })
    for (let i = 0; i < 2; i++) {
      windows[i] = createStationApi({
        invoke: (method, request) => services.dispatch(method, structuredClone(request)),
        subscribe: (listener) => services.subscribe(listener),
      })
    }
  })
  afterEach(async () => {
    await services.close()
    await dir.remove()
  })

  it('gives two windows asking at once blocks that never overlap', async () => {
    const blocks = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        windows[i % 2]!.numbers.reserve({ stationCode: 'S4', count: 1 + (i % 4) }),
      ),
    )
    const numbers = blocks.flatMap((b) =>
      Array.from({ length: b.last - b.first + 1 }, (_, k) => b.first + k),
    )
    expect(new Set(numbers).size).toBe(numbers.length)
    expect(Math.min(...numbers)).toBe(1)
    expect(Math.max(...numbers)).toBe(numbers.length)
  })

  it('goes on from its file after the services restart, whatever the windows held', async () => {
    await windows[0]!.numbers.reserve({ stationCode: 'S4', count: 5 })
    await services.close()
    services = await testStationServices({ serverUrl: 'http://127.0.0.1:9', dataDir: dir.dir })
    const api = createStationApi({
      invoke: (method, request) => services.dispatch(method, structuredClone(request)),
      subscribe: (listener) => services.subscribe(listener),
    })
    expect(await api.numbers.reserve({ stationCode: 'S4', count: 2 })).toEqual({
      stationCode: 'S4',
      first: 6,
      last: 7,
    })
    // A window that has seen S4-30 used (an older version numbered in the renderer) raises it.
    expect(await api.numbers.reserve({ stationCode: 'S4', count: 1, floor: 30 })).toMatchObject({
      first: 31,
    })
  })

  it('refuses numbers for another station code, and too large a block', async () => {
    const other = windows[0]!.numbers.reserve({ stationCode: 'S9', count: 1 })
    await expect(other).rejects.toBeInstanceOf(StationError)
    await expect(other).rejects.toMatchObject({ code: 'refused', message: /S4 now, not S9/ })
    await expect(
      windows[0]!.numbers.reserve({ stationCode: 'S4', count: 1000 }),
    ).rejects.toMatchObject({ code: 'bad_request' })
  })
})
