/**
 * The station's HTTP client sorts every failure into what the agent should do about it. An answer
 * cut off mid-body (a reset after the status line) is the network failing, not the server
 * speaking another version: retried later as "offline", never taken as a refusal of the request.
 */
import { describe, expect, it } from 'vitest'
import { ServerClient } from '../../src/main/station/server-client'
import { StationError } from '../../src/shared/station-api'

/** A 200 whose body breaks off after its first bytes, as undici reports a reset mid-body. */
const cutOff: typeof fetch = async () =>
  new Response(
    new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"events":[{"seq":1,'))
        controller.error(new TypeError('terminated'))
      },
    }),
    { status: 200, headers: { 'content-type': 'application/json' } },
  )

describe('the station client and an answer cut off mid-body', () => {
  const client = new ServerClient({ baseUrl: 'http://127.0.0.1:1', fetch: cutOff })

  it.each([
    ['pull', () => client.pull('token', 0)],
    ['push', () => client.push('token', [{ id: 'x' }])],
  ])('%s is offline, to be retried', async (_name, request) => {
    const error = await request().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(StationError)
    expect((error as StationError).code).toBe('offline')
  })
})
