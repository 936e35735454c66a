/**
 * The desk as the app opens it (src/renderer/src/app/boot.ts), on the real station services:
 * its ticket numbers come from main's counter, not from the browser profile.
 */
import 'fake-indexeddb/auto'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { saveIdentity } from '../../src/main/station/config'
import type { StationServices } from '../../src/main/station/services'
import { TicketNumbers } from '../../src/main/station/ticket-numbers'
import { openDesk } from '../../src/renderer/src/app/boot'
import { openTicket } from '../../src/shared/incident/rules'
import { uuidv7 } from '../../src/shared/ids'
import { createStationApi } from '../../src/shared/station-api'
import { phoneCall } from '../support/incident-fixtures'
import { eventually, tempDir, testStationServices } from '../station/support/station'

let dir: Awaited<ReturnType<typeof tempDir>>
let services: StationServices

beforeAll(async () => {
  dir = await tempDir('boot')
  await saveIdentity(dir.dir, { stationCode: 'S4', name: 'Desk 4' })
  // The station numbered up to S4-41 before this profile existed.
  await (await TicketNumbers.open(`${dir.dir}/ticket-numbers.json`)).raise('S4', 41)
  services = await testStationServices({ serverUrl: 'http://127.0.0.1:9', dataDir: dir.dir })
})

afterAll(async () => {
  await services?.close()
  await dir?.remove()
})

it('numbers tickets from main’s counter', async () => {
  const station = createStationApi({
    invoke: (method, request) => services.dispatch(method, structuredClone(request)),
    subscribe: (listener) => services.subscribe(listener),
  })
  const desk = await openDesk(station)
  await eventually('the desk to take the station code', () => desk.store.stationCode())
  const result = await desk.store.record((ctx) =>
    openTicket(phoneCall(), ctx.nextTicketNumber(), {
      actor: 'agent1',
      station: 'S4',
      now: Date.now,
      newId: () => uuidv7(),
      nextHlc: ctx.nextHlc,
    }),
  )
  expect(result.ok && result.tickets[0]!.number).toBe('S4-42')
  desk.store.close()
})
