/** The served OpenAPI document can drive a client: Redocly's recommended rules find no error. */
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { silentLogger, startServer, type RunningServer } from '../../src/server/index'
import { ROUTES } from '../../src/shared/sync/wire'
import { call, tempDir } from './harness'

interface Problem {
  ruleId: string
  severity: 'error' | 'warn'
  message: string
  location: { pointer: string }[]
}

type Operation = {
  operationId: string
  tags: string[]
  security: Record<string, string[]>[]
  requestBody?: { content: Record<string, { schema: unknown }> }
  responses: Record<string, unknown>
}
type Document = {
  servers: unknown[]
  tags: { name: string }[]
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> }
}

describe('OpenAPI document', () => {
  let server: RunningServer
  let doc: Document
  beforeAll(async () => {
    server = await startServer({ logger: silentLogger, port: 0, mailDir: tempDir() })
    doc = (await call<Document>(server, 'GET', ROUTES.openapi)).body
  })
  afterAll(() => server.close())

  it('passes `redocly lint` with the recommended rules: no error, and only the warnings we chose', () => {
    const file = join(tempDir('warmline-openapi-'), 'openapi.json')
    writeFileSync(file, JSON.stringify(doc))
    const lint = spawnSync(
      'node_modules/.bin/redocly',
      ['lint', '--extends=recommended', '--format=json', file],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    )
    const report = JSON.parse(lint.stdout) as { problems: Problem[] }
    const problems = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`,
    )
    expect(problems.filter((p) => p.startsWith('error'))).toEqual([])
    // GETs without input have no 4xx to document, and a WebSocket upgrade answers 101, not 2xx.
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'warn operation-2xx-response #/paths/~1api~1v1~1live/get/responses',
      'warn operation-4xx-response #/paths/~1api~1v1~1health/get/responses',
      'warn operation-4xx-response #/paths/~1api~1v1~1openapi.json/get/responses',
      'warn operation-4xx-response #/paths/~1api~1v1~1setup/get/responses',
    ])
  })

  it('names every operation once, tags it, and says how to authenticate', () => {
    const operations = Object.values(doc.paths).flatMap((p) => Object.values(p))
    const ids = operations.map((o) => o.operationId)
    expect(new Set(ids).size).toBe(ids.length)
    const tags = new Set(doc.tags.map((t) => t.name))
    for (const op of operations) {
      expect(
        op.tags.every((t) => tags.has(t)),
        op.operationId,
      ).toBe(true)
      for (const requirement of op.security)
        for (const scheme of Object.keys(requirement))
          expect(doc.components.securitySchemes).toHaveProperty(scheme)
    }
    expect(doc.servers.length).toBeGreaterThan(0)
    const alerts = doc.paths[ROUTES.monitoringAlerts]!.post!
    expect(alerts.security).toContainEqual({ monitoringToken: [] })
  })

  it('documents a push as an array of ticket events, and a pulled page as ticket events', () => {
    const push = doc.paths[ROUTES.events]!.post!
    expect(push.requestBody!.content['application/json']!.schema).toMatchObject({
      properties: {
        events: { type: 'array', items: { $ref: '#/components/schemas/TicketEvent' } },
      },
    })
    expect(doc.components.schemas.TicketEvent).toMatchObject({
      oneOf: expect.arrayContaining([{ $ref: '#/components/schemas/OpenedEvent' }]),
      discriminator: { propertyName: 'type' },
    })
    expect(JSON.stringify(doc.paths[ROUTES.events]!.get!.responses['200'])).toContain(
      '"#/components/schemas/TicketEvent"',
    )
    // Every reference resolves inside the document.
    for (const ref of JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g))
      expect(doc.components.schemas, ref[1]).toHaveProperty(ref[1]!)
  })
})
