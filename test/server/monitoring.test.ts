/** Event Management's alert intake: authenticated, opens incidents, de-duplicates by alert key. */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createIntegrationToken } from '../../src/server/accounts'
import type { RunningServer } from '../../src/server/index'
import { completeResolution, accepted } from '../support/incident-fixtures'
import { resolve } from '../../src/shared/incident/rules'
import type { Ticket } from '../../src/shared/incident'
import { ROUTES, monitoringAlertResponseSchema } from '../../src/shared/sync/wire'
import {
  call,
  forEachBackend,
  push,
  startTestServer,
  station,
  uniqueName,
  userWithToken,
} from './harness'
import { stationAuthor } from './events'

forEachBackend((backend) => {
  let server: RunningServer
  let token: string
  beforeAll(async () => {
    server = await startTestServer(backend().db)
    token = await createIntegrationToken(backend().db, uniqueName('zabbix'), Date.now())
  })
  afterAll(() => server.close())

  const ticket = async (id: string) =>
    (
      await backend().db.query<{ body: Ticket }>('SELECT body FROM tickets WHERE id = $1::uuid', [
        id,
      ])
    )[0]!.body
  const alert = (alertKey: string, title = 'Core switch B2 unreachable') => ({
    alertKey,
    title,
    description: 'ICMP loss 100% for 3 minutes',
    service: 'Network',
    category: 'Wired connection',
    impact: 2,
    urgency: 1,
  })

  it('needs an integration token or an administrator', async () => {
    const agent = await userWithToken(backend().db, 'agent')
    const admin = await userWithToken(backend().db, 'admin')
    expect(
      (await call(server, 'POST', ROUTES.monitoringAlerts, { body: alert('auth-check') })).status,
    ).toBe(401)
    expect(
      (
        await call(server, 'POST', ROUTES.monitoringAlerts, {
          token: agent.token,
          body: alert('auth-check'),
        })
      ).status,
    ).toBe(403)
    expect(
      (
        await call(server, 'POST', ROUTES.monitoringAlerts, {
          token: admin.token,
          body: alert('auth-check'),
        })
      ).status,
    ).toBe(201)
  })

  it('opens one incident per alert key while it is open; repeats become Tech Notes', async () => {
    const key = uniqueName('switch-b2-')
    const opened = await call(server, 'POST', ROUTES.monitoringAlerts, { token, body: alert(key) })
    expect(opened.status).toBe(201)
    const first = monitoringAlertResponseSchema.parse(opened.body)
    expect(first).toMatchObject({ outcome: 'opened', number: expect.stringMatching(/^SRV-\d+$/) })

    // A flapping alert, several copies at once: still one ticket.
    const repeats = await Promise.all(
      Array.from({ length: 5 }, () =>
        call(server, 'POST', ROUTES.monitoringAlerts, {
          token,
          body: alert(key, 'Core switch B2 flapping'),
        }),
      ),
    )
    for (const r of repeats)
      expect(r.body).toMatchObject({
        outcome: 'repeated',
        ticketId: first.ticketId,
        number: first.number,
      })
    expect(repeats.map((r) => r.status)).toEqual([200, 200, 200, 200, 200])

    const t = await ticket(first.ticketId)
    expect(t).toMatchObject({
      source: 'monitoring',
      alertKey: key,
      priority: 'P1',
      owner: 'event-management',
      ownerStation: 'SRV',
    })
    expect(t.notes).toHaveLength(5)
    expect(
      t.notes.every(
        (n) => n.kind === 'tech' && /^Alert repeated at .*: Core switch B2 flapping/.test(n.body),
      ),
    ).toBe(true)
    const [{ n }] = (await backend().db.query<{ n: number }>(
      `SELECT count(*)::int4 AS n FROM tickets WHERE alert_key = $1`,
      [key],
    )) as [{ n: number }]
    expect(n).toBe(1)
  })

  it('opens a new incident once the previous one for the key is resolved', async () => {
    const key = uniqueName('disk-full-')
    const first = monitoringAlertResponseSchema.parse(
      (await call(server, 'POST', ROUTES.monitoringAlerts, { token, body: alert(key) })).body,
    )
    const code = await station(backend().db)
    const agent = await userWithToken(backend().db, 'agent', { stationCode: code })
    const ctx = stationAuthor(agent.username, code, Date.now() + 1000)
    const resolved = accepted(resolve(await ticket(first.ticketId), completeResolution(), ctx))
    expect((await push(server, agent.token, resolved)).results[0]!.status).toBe('applied')
    expect((await ticket(first.ticketId)).state).toBe('resolved')

    const again = await call(server, 'POST', ROUTES.monitoringAlerts, { token, body: alert(key) })
    expect(again.status).toBe(201)
    expect(again.body.ticketId).not.toBe(first.ticketId)
  })

  it('validates the alert', async () => {
    const bad = await call(server, 'POST', ROUTES.monitoringAlerts, {
      token,
      body: { alertKey: '', title: 'x', impact: 9 },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.error.message).toMatch(/alertKey/)
  })
})
