/**
 * The phone system reaches the agent's station (PRODUCT.md, "the phone system"): a call answered
 * at the agent's extension, posted to the real central server, comes out of the station services
 * as the renderer's `call.incoming` (with the call id), then `call.transferred` and `call.ended`
 * with the talk time — over the station's own live socket, through the contract's schemas.
 */
import { beforeAll, expect, it } from 'vitest'
import type { EventPayloadOf, StationEvent } from '../../src/shared/station-api'
import { ROUTES, type StationPresence } from '../../src/shared/sync/wire'
import type { TestStation } from './support/floor'
import { eventually } from './support/station'
import { useFloor } from './support/use-floor'

const floor = useFloor('calls')
let station: TestStation

beforeAll(async () => {
  station = await floor.station('calls', 'jlee')
}, 180_000)

async function send(method: string, path: string, body: unknown, contentType = 'application/json') {
  const response = await fetch(`${floor.central.url}${path}`, {
    method,
    headers: { 'content-type': contentType, authorization: `Bearer ${floor.central.adminToken}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
  expect(response.status, await response.clone().text()).toBeLessThan(300)
}

it('pops, transfers and ends the call on the station of the agent who answered', async () => {
  const heard: { event: StationEvent; payload: unknown }[] = []
  const listen = <E extends StationEvent>(event: E) =>
    station.api.on(event, (payload: EventPayloadOf<E>) => heard.push({ event, payload }))
  const offs = [listen('call.incoming'), listen('call.transferred'), listen('call.ended')]
  await send('PUT', ROUTES.extensions, { extensions: [{ extension: '4711', username: 'jlee' }] })
  // The station's live socket is up once it has reported in.
  await eventually(
    'the station online',
    async () => (await station.api.sync.status({})).connection === 'online',
  )

  const form = (fields: Record<string, string>) =>
    send(
      'POST',
      ROUTES.ctiEvents,
      new URLSearchParams(fields).toString(),
      'application/x-www-form-urlencoded',
    )
  const call = { callId: 'int-1', from: '+1 555 010 2233', to: '4000', direction: 'in' }
  await form({ ...call, event: 'newCall' })
  await form({ ...call, event: 'answer', answeringNumber: '4711' })
  await form({ ...call, event: 'transfer', transferTo: '+1 555 010 2120' })
  await form({ ...call, event: 'hangup', cause: 'normalClearing' })

  await eventually('the three call events', () => heard.length >= 3)
  expect(heard.map((h) => h.event)).toEqual(['call.incoming', 'call.transferred', 'call.ended'])
  expect(heard[0]!.payload).toMatchObject({ number: '+1 555 010 2233', callId: 'int-1' })
  expect(heard[1]!.payload).toMatchObject({ callId: 'int-1', to: '+1 555 010 2120' })
  expect(heard[2]!.payload).toMatchObject({
    callId: 'int-1',
    talkSeconds: expect.any(Number),
    cause: 'normal',
  })
  for (const off of offs) off()
})

it('issue 12: the floor sees the agent on a call from the phone system’s answer, and from an open intake, until each ends', async () => {
  const onCall = async () => {
    const response = await fetch(`${floor.central.url}${ROUTES.stations}`, {
      headers: { authorization: `Bearer ${floor.central.adminToken}` },
    })
    const { stations } = (await response.json()) as { stations: StationPresence[] }
    return stations.find((s) => s.user === 'jlee' && s.online)?.onCall
  }
  await eventually('the station reported in', async () => (await onCall()) === false)
  const form = (fields: Record<string, string>) =>
    send(
      'POST',
      ROUTES.ctiEvents,
      new URLSearchParams({ callId: 'int-2', ...fields }).toString(),
      'application/x-www-form-urlencoded',
    )
  await form({ event: 'newCall', from: '+1 555 010 7788', to: '4000', direction: 'in' })
  await form({ event: 'answer', answeringNumber: '4711' })
  await eventually('on the phone system’s call', async () => (await onCall()) === true)
  await form({ event: 'hangup', cause: 'normalClearing' })
  await eventually('off the call', async () => (await onCall()) === false)

  await station.api.presence.report({ viewing: [], intakeOpen: true })
  await eventually('on a call while the intake is open', async () => (await onCall()) === true)
  await station.api.presence.report({ viewing: [], intakeOpen: false })
  await eventually('idle once the intake closed', async () => (await onCall()) === false)
})
