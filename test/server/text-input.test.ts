/**
 * Text no replica can store (a lone UTF-16 surrogate, NUL) in any field of any request: a push
 * keeps its valid events and rejects each bad one naming the field; every route that takes a body
 * or a query answers 4xx naming the field; nothing is ever a 5xx (ARCHITECTURE.md "Text").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mayEmit } from '../../src/shared/directory'
import { dataExceptionOf } from '../../src/server/http/http'
import type { RunningServer } from '../../src/server/index'
import type { PushResult } from '../../src/shared/sync/wire'
import { ROUTES } from '../../src/shared/sync/wire'
import {
  eventMaker,
  everyEventType,
  stringPaths,
  textPathsOf,
  UNSTORABLE,
  withStringAt,
  type Path,
} from '../support/hostile-text'
import {
  call,
  forEachBackend,
  push,
  startTestServer,
  station,
  storedEvent,
  userWithToken,
} from './harness'

const BAD = [UNSTORABLE.highSurrogate, UNSTORABLE.nul]

/** A valid body of every route that takes one, with every optional text member present. */
const BODIES = {
  setup: {
    path: ROUTES.setup,
    method: 'POST',
    body: { username: 'second-admin', displayName: 'Sam Admin', password: 'long-password-1' },
  },
  login: {
    path: ROUTES.session,
    method: 'POST',
    body: { username: 'agent1', password: 'some-password', stationCode: 'S1' },
  },
  enroll: {
    path: ROUTES.enroll,
    method: 'POST',
    body: { code: 'ABCD-EFGH-JKLM', name: 'Desk 4' },
  },
  users: {
    path: ROUTES.users,
    method: 'POST',
    body: {
      username: 'newagent',
      displayName: 'New Agent',
      role: 'agent',
      password: 'long-password-1',
    },
  },
  directory: {
    path: ROUTES.directory,
    method: 'PUT',
    body: {
      teams: [
        {
          id: 'network-ops',
          name: 'Network Operations',
          tier: 2,
          warmTransferPhone: '+1 555 010 9000',
          email: 'netops@example.edu',
          hours: 'Mon–Fri 8–18',
          description: 'Wired and wireless.',
        },
      ],
      routingGuidance: [
        {
          id: 'vpn-network',
          service: 'Network',
          category: 'VPN',
          teamId: 'network-ops',
          kbReference: 'KB0012',
          notes: 'Gateway issues only.',
        },
      ],
      templates: [
        {
          id: 'vpn',
          label: 'VPN',
          title: 'VPN trouble',
          service: 'Network',
          category: 'VPN',
          subcategory: 'Connection',
          impact: 4,
          urgency: 3,
          description: 'Ask for the client version.',
        },
      ],
      callers: [
        {
          id: 'c-1',
          name: 'Dana Whitfield',
          phone: '+1 555 010 2233',
          email: 'dana@example.edu',
          username: 'dwhitfield',
          department: 'Chemistry',
          role: 'Faculty',
        },
      ],
    },
  },
  monitoring: {
    path: ROUTES.monitoringAlerts,
    method: 'POST',
    body: {
      alertKey: 'switch-b2',
      title: 'Core switch B2 unreachable',
      description: 'ICMP loss 100%',
      service: 'Network',
      category: 'Wired connection',
    },
  },
} as const

forEachBackend((backend) => {
  let server: RunningServer
  let admin: string
  beforeAll(async () => {
    server = await startTestServer(backend().db)
    admin = (await userWithToken(backend().db, 'admin')).token
  })
  afterAll(() => server.close())

  const alive = async () =>
    expect((await call(server, 'GET', ROUTES.health)).body).toMatchObject({ status: 'ok' })

  it('applies the valid events of a batch and rejects each one with bad text, naming the field', async () => {
    const code = await station(backend().db)
    // A supervisor on a station may record every event type, redaction included.
    const author = await userWithToken(backend().db, 'supervisor', { stationCode: code })
    const make = eventMaker(author.username, code)
    const valid = everyEventType(make)
    const bad: { event: unknown; field: string }[] = []
    for (const template of everyEventType(make)) {
      for (const path of textPathsOf(template)) {
        for (const text of BAD) {
          // A fresh event each time, so no two inputs share an id.
          const fresh = make(template.type, template.payload)
          bad.push({ event: withStringAt(fresh, path, text), field: path.join('.') })
        }
      }
    }
    // Members the schema does not know of are checked as well, their names included.
    const opened = () => make('opened', valid[0]!.payload)
    bad.push({ event: { ...opened(), note: `x${UNSTORABLE.lowSurrogate}` }, field: 'note' })
    bad.push({
      event: { ...opened(), payload: { ...opened().payload, 'x\u0000': 1 } },
      field: JSON.stringify('payload.x\u0000'),
    })

    // Valid and bad interleaved, a valid event first and last.
    const inputs = [...valid.slice(0, 1), ...bad.map((b) => b.event), ...valid.slice(1)]
    expect(inputs.length).toBeLessThanOrEqual(500)
    const { results } = await push(server, author.token, inputs)
    expect(results).toHaveLength(inputs.length)
    const resultOf = (event: unknown) => results[inputs.indexOf(event)]!

    for (const event of valid) {
      // What only the server records (a customer's email) is refused from any station.
      if (!mayEmit('supervisor', event.type)) {
        expect(resultOf(event), event.type).toMatchObject({ status: 'rejected', code: 'forbidden' })
        continue
      }
      expect(resultOf(event), event.type).toMatchObject({ id: event.id, status: 'applied' })
      expect(await storedEvent(backend().db, event.id)).toBeDefined()
    }
    for (const { event, field } of bad) {
      const result = resultOf(event) as Extract<PushResult, { status: 'rejected' }>
      expect(result.status, field).toBe('rejected')
      expect(result.code, field).toBe('invalid_event')
      expect(result.reason, field).toContain(`${field}: `)
    }
    await alive()
  })

  it('rejects ill-typed events one by one, keeping the valid ones', async () => {
    const code = await station(backend().db)
    const author = await userWithToken(backend().db, 'agent', { stationCode: code })
    const make = eventMaker(author.username, code)
    const [opened] = everyEventType(make)
    const inputs = [
      { ...make('opened', opened!.payload), schemaVersion: { toString: 1 } },
      { ...make('opened', opened!.payload), id: { toString: 1 } },
      { ...make('opened', opened!.payload), payload: null },
      null,
      opened,
    ]
    const { results } = await push(server, author.token, inputs)
    expect(results.map((r) => r.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      'applied',
    ])
    expect(results[0]).toMatchObject({ code: 'unsupported_schema_version' })
  })

  it('a repeat of the longest alert still fits in its Tech Note', async () => {
    const longest = {
      alertKey: `k-${Date.now()}`,
      title: 'T'.repeat(200),
      description: 'D'.repeat(19_000),
    }
    const first = await call(server, 'POST', ROUTES.monitoringAlerts, {
      token: admin,
      body: longest,
    })
    expect(first.status).toBe(201)
    const repeat = await call(server, 'POST', ROUTES.monitoringAlerts, {
      token: admin,
      body: longest,
    })
    expect(repeat).toMatchObject({ status: 200, body: { outcome: 'repeated' } })
    const tooLong = { ...longest, description: 'D'.repeat(19_001) }
    const refused = await call(server, 'POST', ROUTES.monitoringAlerts, {
      token: admin,
      body: tooLong,
    })
    expect(refused.status).toBe(400)
    expect(refused.body.error.message).toMatch(/^description: use at most 19000 characters/)
  })

  it('knows a data exception of this database for a 400, should a gap in a schema let text through', async () => {
    const error = await backend()
      .db.query('SELECT $1::jsonb AS v', ['"\\u0000"'])
      .then(
        () => null,
        (e: unknown) => e,
      )
    expect(error).not.toBeNull()
    expect(dataExceptionOf(error)).toMatchObject({ status: 400, code: 'unstorable_input' })
    expect(dataExceptionOf(new Error('connection reset'))).toBeNull()
  })

  describe('every route with a body or a query', () => {
    for (const [name, spec] of Object.entries(BODIES)) {
      it(`${name}: bad text in any field is a 400 naming it`, async () => {
        const paths: Path[] = stringPaths(spec.body)
        expect(paths.length).toBeGreaterThan(1)
        for (const path of paths) {
          for (const text of BAD) {
            const reply = await call(server, spec.method, spec.path, {
              token: admin,
              body: withStringAt(spec.body, path, text),
            })
            const where = `${name} ${path.join('.')}`
            expect(reply.status, where).toBe(400)
            expect(reply.body.error.message, where).toContain(`${path.join('.')}: `)
          }
        }
        await alive()
      })
    }

    it('callers: NUL in the query is a 400 naming q; percent-encoded surrogates arrive as U+FFFD', async () => {
      const nul = await call(server, 'GET', `${ROUTES.callers}?q=Dana%00`, { token: admin })
      expect(nul.status).toBe(400)
      expect(nul.body.error.message).toContain('q: ')
      // %ED%A0%80 is U+D800 in UTF-8, which the URL parser decodes as replacement characters:
      // well-formed text, so it is an ordinary search that finds nobody.
      const surrogate = await call(server, 'GET', `${ROUTES.callers}?q=Dana%ED%A0%80`, {
        token: admin,
      })
      expect(surrogate).toMatchObject({ status: 200, body: { callers: [] } })
      await alive()
    })

    it('pull: a NUL or a number out of range in the query is a 400 naming it', async () => {
      for (const query of ['after=%00', 'after=1e400', 'limit=99999999999999999999', 'after=-1']) {
        const reply = await call(server, 'GET', `${ROUTES.events}?${query}`, { token: admin })
        expect(reply.status, query).toBe(400)
        expect(reply.body.error.message, query).toContain(`${query.split('=')[0]}: `)
      }
      await alive()
    })

    it('directory: one id twice in a section is a 400 naming the section and the id', async () => {
      const reply = await call(server, 'PUT', ROUTES.directory, {
        token: admin,
        body: {
          callers: [
            { id: 'c-twice', name: 'Dana Whitfield' },
            { id: 'c-other', name: 'Lee Park' },
            { id: 'c-twice', name: 'Dana W.' },
          ],
        },
      })
      expect(reply.status).toBe(400)
      expect(reply.body.error.message).toMatch(/^callers\.2\.id: "c-twice" appears more than once/)
      await alive()
    })

    it('a JSON body with \\ud800 and \\u0000 escapes, as any client may write them, is a 400', async () => {
      for (const raw of [
        '{"username":"agent1","password":"\\ud800"}',
        '{"username":"agent\\u0000","password":"pw"}',
        '{"username":"\\udfff","password":"pw"}',
      ]) {
        const reply = await call(server, 'POST', ROUTES.session, { raw })
        expect(reply.status, raw).toBe(400)
        expect(reply.body.error.code, raw).toBe('invalid_request')
      }
      await alive()
    })
  })
})
