/**
 * Issue 10, item 8: the native window raises a desktop notification once per notification. Every
 * window of a station (and every reload of one) asks main through `notify.show` with the
 * notification's key; main shows a key once, across restarts too. No central server is needed:
 * nothing here syncs.
 */
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { StationServices } from '../../src/main/station/services'
import { createStationApi, type StationApi } from '../../src/shared/station-api'
import { tempDir, testStationServices } from './support/station'

const shown: { title: string; body: string; ticketId?: string | undefined }[] = []
let dir: Awaited<ReturnType<typeof tempDir>>
let services: StationServices

const window = (): StationApi =>
  createStationApi({
    invoke: (method, request) => services.dispatch(method, structuredClone(request)),
    subscribe: (listener) => services.subscribe(listener),
  })

const open = () =>
  testStationServices({
    // Unreachable on purpose: showing notifications must not need the server.
    serverUrl: 'http://127.0.0.1:9',
    dataDir: path.join(dir.dir, 'station'),
    notify: (notification) => {
      shown.push(notification)
      return true
    },
  })

beforeAll(async () => {
  dir = await tempDir('notify')
  services = await open()
})

afterAll(async () => {
  await services?.close()
  await dir?.remove()
})

test('rule 7: a returned ticket asked for by two windows pops up once; another fact pops up too', async () => {
  const ticketId = '0190d9c8-0000-7000-8000-000000000001'
  const returned = { title: 'A1-1 returned to you', body: 'VPN', ticketId, key: 'returned:e1' }
  expect(await window().notify.show(returned)).toEqual({ shown: true })
  expect(await window().notify.show(returned)).toEqual({ shown: false })
  expect(
    await window().notify.show({
      ...returned,
      title: 'Call Dana back',
      key: 'contact:t:call_back:1',
    }),
  ).toEqual({ shown: true })
  expect(shown).toEqual([
    { title: 'A1-1 returned to you', body: 'VPN', ticketId },
    { title: 'Call Dana back', body: 'VPN', ticketId },
  ])
  // Without a key (the supervisor queue's alerts) main does not judge: each is shown.
  await window().notify.show({ title: 'P1', body: 'x' })
  await window().notify.show({ title: 'P1', body: 'x' })
  expect(shown).toHaveLength(4)
})

test('a key shown before a restart of the app is not shown again after it', async () => {
  const before = shown.length
  await services.close()
  services = await open()
  const returned = { title: 'A1-1 returned to you', body: 'VPN', key: 'returned:e1' }
  expect(await window().notify.show(returned)).toEqual({ shown: false })
  expect(await window().notify.show({ ...returned, key: 'returned:e2' })).toEqual({ shown: true })
  expect(shown).toHaveLength(before + 1)
})
