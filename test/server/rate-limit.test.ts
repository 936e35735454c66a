/**
 * Attempt budgets behind a proxy and across server processes (README, "Rate limits"): sign-in is
 * limited per user name and client address, enrollment per client address since the newest code;
 * the client address comes from X-Forwarded-For only when the peer is a trusted proxy, and every
 * server process on one database spends the same budget.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { issueEnrollmentCode } from '../../src/server/accounts'
import type { RunningServer } from '../../src/server/index'
import { ROUTES } from '../../src/shared/sync/wire'
import { call, forEachBackend, startTestServer, userWithToken } from './harness'

const from = (address: string) => ({ 'x-forwarded-for': `${address}, 127.0.0.1` })

forEachBackend((backend) => {
  let proxied: RunningServer
  let direct: RunningServer
  let peer: RunningServer
  beforeAll(async () => {
    proxied = await startTestServer(backend().db, { trustedProxies: ['127.0.0.1', '::1'] })
    direct = await startTestServer(backend().db)
    // A second server process on the same database, as behind a load balancer.
    peer = await startTestServer(backend().openPeer(), { trustedProxies: ['127.0.0.0/8'] })
  })
  afterAll(async () => {
    await Promise.all([proxied.close(), direct.close(), peer.close()])
  })

  const enroll = (server: RunningServer, code: string, headers: Record<string, string> = {}) =>
    call(server, 'POST', ROUTES.enroll, { body: { code, name: 'Desk' }, headers })
  const newCode = async () => (await issueEnrollmentCode(backend().db, 'test', Date.now())).code
  const signIn = (
    server: RunningServer,
    username: string,
    password: string,
    headers: Record<string, string> = {},
  ) => call(server, 'POST', ROUTES.session, { body: { username, password }, headers })

  it('behind a trusted proxy, bad enrollment codes typed at one station do not refuse another station its valid code', async () => {
    const code = await newCode()
    for (let i = 0; i < 10; i++)
      expect((await enroll(proxied, `WRONG-CODE-${i}`, from('10.0.0.5'))).status).toBe(403)
    const locked = await enroll(proxied, code, from('10.0.0.5'))
    expect([locked.status, locked.body.error.code]).toEqual([429, 'too_many_attempts'])
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0)
    // The same address through the other process is locked too: the budget lives in the database.
    expect((await enroll(peer, code, from('10.0.0.5'))).status).toBe(429)

    const other = await enroll(proxied, code, from('10.0.0.6'))
    expect(other.status).toBe(200)
  })

  it('believes X-Forwarded-For only from a trusted proxy, and only its right-most untrusted hop', async () => {
    await newCode()
    // A client talking to the server directly cannot buy a fresh budget with a made-up header.
    for (let i = 0; i < 10; i++)
      await enroll(direct, `WRONG-CODE-${i}`, { 'x-forwarded-for': `10.9.0.${i}` })
    expect((await enroll(direct, 'WRONG-CODE-X', { 'x-forwarded-for': '10.9.1.1' })).status).toBe(
      429,
    )
    // Nor can a client behind the proxy, by writing addresses to the left of what the proxy adds.
    for (let i = 0; i < 10; i++)
      await enroll(proxied, `WRONG-CODE-${i}`, { 'x-forwarded-for': `10.8.0.${i}, 10.0.1.7` })
    const spoofed = await enroll(proxied, 'WRONG-CODE-X', {
      'x-forwarded-for': '10.8.9.9, 10.0.1.7',
    })
    expect(spoofed.status).toBe(429)
    expect((await enroll(proxied, await newCode(), from('10.0.1.8'))).status).toBe(200)
  })

  it('lets a station in with a fresh code after its own typing spent the budget', async () => {
    await newCode()
    for (let i = 0; i < 10; i++) await enroll(direct, `TYPO-CODE-${i}`)
    expect((await enroll(direct, 'TYPO-CODE-X')).status).toBe(429)
    const fresh = await newCode()
    expect((await enroll(direct, fresh)).status).toBe(200)
  })

  it('counts a wrong code typed in the same millisecond as the newest code, and frees the station by the next one', async () => {
    // A stopped clock: the code and every attempt share one millisecond, so only their order tells.
    const at = Date.now()
    const frozen = await startTestServer(backend().db, { now: () => at })
    try {
      await issueEnrollmentCode(backend().db, 'test', at)
      for (let i = 0; i < 10; i++)
        expect((await enroll(frozen, `SAME-MS-CODE-${i}`)).status).toBe(403)
      expect((await enroll(frozen, 'SAME-MS-CODE-X')).status).toBe(429)
      const fresh = (await issueEnrollmentCode(backend().db, 'test', at)).code
      expect((await enroll(frozen, fresh)).status).toBe(200)
    } finally {
      await frozen.close()
    }
  })

  it('locks a user out at one address only: the floor, and the same user elsewhere, sign in', async () => {
    const { username } = await userWithToken(backend().db, 'agent')
    const colleague = await userWithToken(backend().db, 'agent')
    for (let i = 0; i < 5; i++)
      expect((await signIn(proxied, username, `wrong-${i}`, from('10.1.0.1'))).status).toBe(401)
    expect((await signIn(proxied, username, 'test-password-1', from('10.1.0.1'))).status).toBe(429)
    expect((await signIn(peer, username, 'test-password-1', from('10.1.0.1'))).status).toBe(429)
    expect(
      (await signIn(proxied, colleague.username, 'test-password-1', from('10.1.0.1'))).status,
    ).toBe(200)
    expect((await signIn(proxied, username, 'test-password-1', from('10.1.0.2'))).status).toBe(200)
  })

  it('bounds guessing one account from many addresses', async () => {
    const { username } = await userWithToken(backend().db, 'agent')
    for (let i = 0; i < 30; i++)
      expect((await signIn(proxied, username, 'wrong', from(`10.2.0.${i}`))).status).toBe(401)
    expect((await signIn(proxied, username, 'test-password-1', from('10.2.1.1'))).status).toBe(429)
  })

  it('two server processes on one database evaluate at most the budget, however the attempts race', async () => {
    const { username } = await userWithToken(backend().db, 'agent')
    const replies = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        signIn(i % 2 ? proxied : peer, username, `wrong-${i}`, from('10.3.0.1')),
      ),
    )
    expect(replies.filter((r) => r.status !== 401 && r.status !== 429)).toEqual([])
    // Racing attempts may all be refused (each sees the others' reservations); never more than
    // five get checked, and then exactly five in all before the budget is spent.
    let failures = replies.filter((r) => r.status === 401).length
    expect(failures).toBeLessThanOrEqual(5)
    for (let i = 0; failures < 6 && i < 10; i++) {
      const reply = await signIn(i % 2 ? proxied : peer, username, 'wrong', from('10.3.0.1'))
      if (reply.status !== 401) break
      failures++
    }
    expect(failures).toBe(5)
    expect((await signIn(proxied, username, 'test-password-1', from('10.3.0.1'))).status).toBe(429)
  })
})
