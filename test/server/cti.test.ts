/**
 * The phone system's intake (PRODUCT.md, "What a real floor also expects: the phone system"):
 * a PBX posts call events in the generic CTI format with its own token; each is stored once per
 * call and kind; the answering agent's socket gets the screen pop; supervisors read the call log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createIntegrationToken } from '../../src/server/accounts'
import type { RunningServer } from '../../src/server/index'
import type { CallRecord } from '../../src/shared/calls/cti'
import { ROUTES } from '../../src/shared/sync/wire'
import { runSeed, seededRandom } from '../support/random'
import {
  call,
  forEachBackend,
  openLive,
  startTestServer,
  uniqueName,
  userWithToken,
} from './harness'

/** A post as a PBX script makes it: form fields (repeats allowed), or JSON. */
async function post(
  server: { url: string },
  fields: Record<string, string | string[]> | string,
  options: { token?: string; query?: string; json?: boolean } = {},
) {
  let body: string
  if (typeof fields === 'string') body = fields
  else if (options.json) body = JSON.stringify(fields)
  else {
    const form = new URLSearchParams()
    for (const [key, value] of Object.entries(fields))
      for (const v of [value].flat()) form.append(key, v)
    body = form.toString()
  }
  const res = await fetch(`${server.url}${ROUTES.ctiEvents}${options.query ?? ''}`, {
    method: 'POST',
    headers: {
      'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body,
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

forEachBackend((backend) => {
  let server: RunningServer
  let clock = Date.now()
  let pbx: string
  beforeAll(async () => {
    server = await startTestServer(backend().db, { now: () => clock })
    pbx = await createIntegrationToken(backend().db, uniqueName('asterisk'), Date.now(), 'cti')
  })
  afterAll(() => server.close())

  const agentWithExtension = async () => {
    const agent = await userWithToken(backend().db, 'agent')
    const admin = await userWithToken(backend().db, 'admin')
    const extension = String(200 + Math.floor(Math.random() * 1e6))
    const put = await call(server, 'PUT', ROUTES.extensions, {
      token: admin.token,
      body: { extensions: [{ extension, username: agent.username }] },
    })
    expect(put.status).toBe(200)
    return { ...agent, extension }
  }
  const callLog = async (token: string) =>
    (await call<{ calls: CallRecord[] }>(server, 'GET', `${ROUTES.calls}?since=0`, { token })).body
      .calls

  it('takes only its own token (or an administrator), as Bearer or ?token=', async () => {
    const monitoring = await createIntegrationToken(backend().db, uniqueName('nagios'), Date.now())
    const agent = await userWithToken(backend().db, 'agent')
    const admin = await userWithToken(backend().db, 'admin')
    const event = { event: 'newCall', from: '5550100', to: '4000', callId: uniqueName('auth') }
    expect((await post(server, event)).status).toBe(401)
    expect((await post(server, event, { token: monitoring })).status).toBe(403)
    expect((await post(server, event, { token: agent.token })).status).toBe(403)
    expect((await post(server, event, { query: `?token=${pbx}` })).status).toBe(201)
    expect((await post(server, event, { token: admin.token })).status).toBe(200)
    // Nor may the phone system's token raise monitoring alerts.
    const alert = await call(server, 'POST', ROUTES.monitoringAlerts, {
      token: pbx,
      body: { alertKey: 'cti-token', title: 'Not for a PBX' },
    })
    expect(alert.status).toBe(403)
  })

  it('a scripted call (new → answered → transferred → hung up) pops on the answering agent’s socket only, once', async () => {
    const agent = await agentWithExtension()
    const other = await userWithToken(backend().db, 'agent')
    const supervisor = await userWithToken(backend().db, 'supervisor')
    const mine = await openLive(server, agent.token)
    const theirs = await openLive(server, other.token)
    const callId = uniqueName('zammad-')
    const base = { from: '+1 555 0100', to: '4000', direction: 'in', callId }
    const start = clock
    expect(
      (await post(server, { ...base, event: 'newCall', 'user[]': ['Help desk'] }, { token: pbx }))
        .status,
    ).toBe(201)
    clock += 12_000
    const answered = await post(
      server,
      { ...base, event: 'answer', answeringNumber: agent.extension },
      { token: pbx },
    )
    expect(answered.status).toBe(201)
    expect(answered.body.call).toMatchObject({
      status: 'talking',
      answeredBy: { username: agent.username },
    })
    const pop = await mine.next((m) => m.type === 'call' && m.event === 'answered')
    expect(pop).toMatchObject({ call: { callId, from: '+1 555 0100', answeredAt: start + 12_000 } })
    // The PBX retries its post: stored once, no second screen pop.
    const again = await post(
      server,
      { ...base, event: 'answer', answeringNumber: agent.extension },
      { token: pbx },
    )
    expect(again).toMatchObject({ status: 200, body: { outcome: 'duplicate' } })
    clock += 150_000
    await post(
      server,
      { ...base, event: 'transfer', transferTo: '+1 555 010 4000' },
      { token: pbx, json: true },
    )
    await mine.next((m) => m.type === 'call' && m.event === 'transferred')
    clock += 30_000
    await post(server, { ...base, event: 'hangup', cause: 'normalClearing' }, { token: pbx })
    const ended = await mine.next((m) => m.type === 'call' && m.event === 'ended')
    expect(ended).toMatchObject({
      call: { status: 'answered', transfers: [{ to: '+1 555 010 4000' }] },
    })
    expect(
      mine.messages.filter((m) => m.type === 'call').map((m) => m.type === 'call' && m.event),
    ).toEqual(['answered', 'transferred', 'ended'])
    expect(theirs.messages.some((m) => m.type === 'call')).toBe(false)
    const logged = (await callLog(supervisor.token)).find((c) => c.callId === callId)
    expect(logged).toMatchObject({
      answeredAt: start + 12_000,
      endedAt: start + 192_000,
      cause: 'normal',
    })
    await mine.close()
    await theirs.close()
  })

  it('the screen pop reaches the agent’s socket on another server process', async () => {
    const peer = await startTestServer(backend().openPeer(), { now: () => clock })
    try {
      const agent = await agentWithExtension()
      const socket = await openLive(server, agent.token)
      const callId = uniqueName('peer-')
      await post(peer, { event: 'newCall', callId, from: '5550100', to: '4000' }, { token: pbx })
      await post(
        peer,
        { event: 'answer', callId, answeringNumber: agent.extension },
        { token: pbx },
      )
      await socket.next((m) => m.type === 'call' && m.call.callId === callId)
      await socket.close()
    } finally {
      await peer.close()
    }
  })

  it('an abandoned call is in the supervisor’s call log with the number to call back; agents cannot read it', async () => {
    const supervisor = await userWithToken(backend().db, 'supervisor')
    const agent = await userWithToken(backend().db, 'agent')
    const callId = uniqueName('placetel-')
    await post(
      server,
      { event: 'IncomingCall', from: '0221 4710334', to: '4000', call_id: callId },
      { token: pbx },
    )
    const waiting = (await callLog(supervisor.token)).find((c) => c.callId === callId)
    expect(waiting?.status).toBe('waiting')
    clock += 45_000
    await post(server, { event: 'HungUp', call_id: callId, type: 'canceled' }, { token: pbx })
    const abandoned = (await callLog(supervisor.token)).find((c) => c.callId === callId)
    expect(abandoned).toMatchObject({
      status: 'abandoned',
      from: '0221 4710334',
      cause: 'abandoned',
    })
    expect((await call(server, 'GET', ROUTES.calls, { token: agent.token })).status).toBe(403)
  })

  describe('the phone system’s own hostile input: a 400 naming the field, never a 5xx', () => {
    const cases: [string, Record<string, string> | string, boolean, RegExp][] = [
      [
        'a cause nobody knows',
        { event: 'hangup', callId: 'h1', cause: 'exploded' },
        false,
        /cause/,
      ],
      [
        'an unknown extension',
        { event: 'answer', callId: 'h2', answeringNumber: '999999' },
        false,
        /answeringNumber/,
      ],
      [
        'a huge number',
        { event: 'newCall', callId: 'h3', from: '9'.repeat(5000), to: '1' },
        false,
        /from/,
      ],
      ['a huge call id', { event: 'hangup', callId: 'x'.repeat(300) }, false, /callId/],
      [
        'a lone surrogate',
        '{"event":"newCall","callId":"h4\\ud800","from":"1","to":"2"}',
        true,
        /callId/,
      ],
      ['NUL in a form field', 'event=newCall&callId=h5%00&from=1&to=2', false, /callId/],
      ['an unknown event', { event: 'ring', callId: 'h6' }, false, /event/],
      ['no call id', { event: 'hangup' }, false, /callId/],
      ['malformed JSON', '{"event":', true, /JSON/],
      ['a JSON array', '[1,2]', true, /object/],
      ['an empty form', '', false, /event/],
    ]
    for (const [what, fields, json, field] of cases) {
      it(what, async () => {
        const reply = await post(server, fields, { token: pbx, json })
        expect(reply.status, JSON.stringify(reply.body)).toBe(400)
        expect(reply.body.error.message).toMatch(field)
      })
    }
  })

  it('seeded hostile posts, form and JSON: never a 5xx, and the server stays up', async () => {
    const random = seededRandom(runSeed('cti fuzz'))
    const hostile = [
      '',
      '\u0000',
      '\uD800',
      '\uDFFFx',
      '9'.repeat(300),
      'anonymous',
      '+1 555 0100',
      '%',
      '%ZZ',
      '[]',
      '{}',
      'newCall',
      'answer',
      'hangup',
      'transfer',
      'HungUp',
      'normalClearing',
      '204',
      '\u202Eevil',
      '😀'.repeat(60),
    ]
    const keys = [
      'event',
      'callId',
      'call_id',
      'from',
      'to',
      'direction',
      'cause',
      'type',
      'answeringNumber',
      'peer',
      'user[]',
      'user',
      'transferTo',
      'queue',
      '__proto__',
      'constructor',
    ]
    // A lone surrogate cannot be percent-encoded: it is sent raw, as a careless script would.
    const encode = (text: string) => {
      try {
        return encodeURIComponent(text)
      } catch {
        return text
      }
    }
    const statuses = new Map<number, number>()
    for (let i = 0; i < 150; i++) {
      const fields: Record<string, unknown> = {}
      for (let k = random.int(6); k >= 0; k--)
        fields[random.pick(keys)] = random.chance(0.15)
          ? [random.pick(hostile), random.pick(hostile)]
          : random.chance(0.1)
            ? random.int(1e9)
            : random.pick(hostile)
      const json = random.chance(0.5)
      const body = json
        ? JSON.stringify(fields)
        : Object.entries(fields)
            .flatMap(([key, value]) =>
              [value]
                .flat()
                .map((v) => `${encode(key)}=${random.chance(0.1) ? String(v) : encode(String(v))}`),
            )
            .join('&')
      const reply = await post(server, body, { token: pbx, json })
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1)
      expect(reply.status, `${body} -> ${JSON.stringify(reply.body)}`).toBeLessThan(500)
    }
    expect((await call(server, 'GET', ROUTES.health)).status).toBe(200)
    expect(statuses.get(400)).toBeGreaterThan(0)
  })

  it('an answer naming no agent is recorded without a screen pop; a transfer loop is cut off', async () => {
    const callId = uniqueName('out-')
    await post(
      server,
      { event: 'newCall', callId, from: '4000', to: '+1 555 0100', direction: 'out' },
      { token: pbx },
    )
    const answered = await post(server, { event: 'answer', callId }, { token: pbx })
    expect(answered).toMatchObject({
      status: 201,
      body: { call: { status: 'talking', answeredBy: null } },
    })
    for (let i = 0; i < 20; i++)
      expect(
        (await post(server, { event: 'transfer', callId, transferTo: `555${i}` }, { token: pbx }))
          .status,
      ).toBe(201)
    const looped = await post(
      server,
      { event: 'transfer', callId, transferTo: '5559999' },
      { token: pbx },
    )
    expect(looped.status).toBe(400)
    expect(looped.body.error.message).toMatch(/transferTo/)
  })

  it('extensions: an administrator maps them, a duplicate or unknown user is refused', async () => {
    const admin = await userWithToken(backend().db, 'admin')
    const agent = await userWithToken(backend().db, 'agent')
    const put = (extensions: unknown) =>
      call(server, 'PUT', ROUTES.extensions, { token: admin.token, body: { extensions } })
    expect((await put([{ extension: '7001', username: agent.username }])).status).toBe(200)
    expect((await put([{ extension: '7001', username: 'nobody-here' }])).status).toBe(400)
    expect(
      (
        await put([
          { extension: '7002', username: agent.username },
          { extension: '7002', username: agent.username },
        ])
      ).status,
    ).toBe(400)
    expect((await put([{ extension: '70\u0000', username: agent.username }])).status).toBe(400)
    const listed = await call(server, 'GET', ROUTES.extensions, { token: admin.token })
    expect(listed.body.extensions).toContainEqual({ extension: '7001', username: agent.username })
    expect((await put([{ extension: '7001', username: '' }])).status).toBe(200)
    const after = await call(server, 'GET', ROUTES.extensions, { token: admin.token })
    expect(after.body.extensions).not.toContainEqual({
      extension: '7001',
      username: agent.username,
    })
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await call(server, 'GET', ROUTES.openapi)).body
    expect(doc.paths[ROUTES.ctiEvents].post['x-access']).toBe('cti')
    expect(
      doc.paths[ROUTES.ctiEvents].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('callId')
    expect(
      doc.paths[ROUTES.ctiEvents].post.requestBody.content['application/x-www-form-urlencoded'],
    ).toBeDefined()
    expect(doc.paths[ROUTES.calls].get['x-access']).toBe('supervisor')
  })
})
