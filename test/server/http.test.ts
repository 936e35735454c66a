/** The HTTP surface: bad input gets 400/413 with a message and writes nothing; health; OpenAPI. */
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { RunningServer } from '../../src/server/index'
import { MAX_PUSH_BATCH, ROUTES } from '../../src/shared/sync/wire'
import { call, countRows, forEachBackend, startTestServer, station, userWithToken } from './harness'
import { stationAuthor, ticketHistory } from './events'

forEachBackend((backend) => {
  let server: RunningServer
  let token: string
  let code: string
  let username: string
  beforeAll(async () => {
    server = await startTestServer(backend().db, { maxBodyBytes: 64 * 1024 })
    code = await station(backend().db)
    ;({ token, username } = await userWithToken(backend().db, 'agent', { stationCode: code }))
  })
  afterAll(() => server.close())

  it('answers malformed JSON, wrong types and oversize bodies with 400/413 and a message, writing nothing', async () => {
    const before = await countRows(backend().db, 'events')
    const events = ticketHistory(stationAuthor(username, code), 3)
    const valid = JSON.stringify({ events })

    const malformed = await call(server, 'POST', ROUTES.events, { token, raw: valid.slice(0, -5) })
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'malformed_json'])
    expect(malformed.body.error.message).toMatch(/not valid JSON/)

    const wrongType = await call(server, 'POST', ROUTES.events, {
      token,
      body: { events: 'all of them' },
    })
    expect([wrongType.status, wrongType.body.error.code]).toEqual([400, 'invalid_request'])
    expect(wrongType.body.error.message).toMatch(/^events: /)

    const tooMany = await call(server, 'POST', ROUTES.events, {
      token,
      body: { events: Array.from({ length: MAX_PUSH_BATCH + 1 }, () => ({})) },
    })
    expect(tooMany.status).toBe(400)

    const padding = 'x'.repeat(70 * 1024)
    const oversize = await call(server, 'POST', ROUTES.events, {
      token,
      raw: JSON.stringify({ events, padding }),
    })
    expect([oversize.status, oversize.body.error.code]).toEqual([413, 'payload_too_large'])
    expect(oversize.body.error.message).toMatch(/larger than 65536 bytes/)

    const wrongQuery = await call(server, 'GET', `${ROUTES.events}?after=minus-one`, { token })
    expect([wrongQuery.status, wrongQuery.body.error.code]).toEqual([400, 'invalid_request'])

    expect(await countRows(backend().db, 'events')).toBe(before)
    // The same connection pool still works, and the valid body commits.
    expect((await call(server, 'POST', ROUTES.events, { token, raw: valid })).status).toBe(200)
    expect(await countRows(backend().db, 'events')).toBe(before + events.length)
  })

  it('answers unknown paths 404 and wrong methods 405, as JSON errors', async () => {
    const missing = await call(server, 'GET', '/api/v1/nothing-here')
    expect([missing.status, missing.body.error.code]).toEqual([404, 'not_found'])
    const wrong = await call(server, 'PATCH', ROUTES.events, { token })
    expect([wrong.status, wrong.body.error.code]).toEqual([405, 'method_not_allowed'])
    expect(wrong.headers.get('allow')).toBe('POST, GET')
  })

  it('reports health with the database kind and the newest seq', async () => {
    const health = await call(server, 'GET', ROUTES.health)
    expect(health.status).toBe(200)
    expect(health.body).toMatchObject({
      status: 'ok',
      database: backend().kind,
      seq: expect.any(Number),
    })
  })

  it('documents every route in the OpenAPI document', async () => {
    const doc = await call<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      server,
      'GET',
      ROUTES.openapi,
    )
    expect(doc.status).toBe(200)
    expect(doc.body.openapi).toBe('3.1.0')
    for (const path of Object.values(ROUTES)) expect(Object.keys(doc.body.paths)).toContain(path)
    // Every method the server answers is documented: probe each path with each method.
    for (const [path, operations] of Object.entries(doc.body.paths)) {
      if (path === ROUTES.live) continue
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        const reply = await call(server, method, path)
        expect(reply.status === 405, `${method} ${path}`).toBe(
          !(method.toLowerCase() in operations),
        )
      }
    }
    const push = doc.body.paths[ROUTES.events]!.post as {
      requestBody: unknown
      responses: Record<string, unknown>
    }
    expect(Object.keys(push.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '413']),
    )
  })
})
