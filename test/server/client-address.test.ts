/** Whose budget a request spends: the peer, or what a trusted proxy says its client was. */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { clientAddressResolver, parseTrustedProxies } from '../../src/server/auth/client-address'

describe('client address', () => {
  it('is the peer when no proxy is trusted, whatever the header says', () => {
    const resolve = clientAddressResolver()
    expect(resolve('10.0.0.9', '1.2.3.4')).toBe('10.0.0.9')
    expect(resolve('::ffff:10.0.0.9', undefined)).toBe('10.0.0.9')
  })

  it('takes the right-most hop that is not a trusted proxy', () => {
    const resolve = clientAddressResolver(['10.0.0.0/8', '2001:db8::/32', '192.168.1.7'])
    expect(resolve('::ffff:10.0.0.2', '203.0.113.9')).toBe('203.0.113.9')
    // Whatever the client wrote to the left of its own address is ignored.
    expect(resolve('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.1.2.3')).toBe('203.0.113.9')
    expect(resolve('192.168.1.7', ['198.51.100.1', '10.4.4.4, 192.168.1.7'])).toBe('198.51.100.1')
    expect(resolve('2001:db8::1', '[2001:DB8:0:0::ABCD]:443')).toBe('2001:db8:0:0::abcd')
    expect(resolve('10.0.0.2', '203.0.113.9:5555')).toBe('203.0.113.9')
    // From a peer that is not a proxy we trust, the header means nothing.
    expect(resolve('198.51.100.20', '10.0.0.1')).toBe('198.51.100.20')
    // No header, or only trusted hops: the nearest address we have.
    expect(resolve('10.0.0.2', undefined)).toBe('10.0.0.2')
    expect(resolve('10.0.0.2', '10.0.0.3')).toBe('10.0.0.3')
    // Something that is not an address stops the walk: it is that client's own budget.
    expect(resolve('10.0.0.2', 'unknown')).toBe('unknown')
  })

  it('refuses a trusted-proxy entry that is not an address or range, naming it', () => {
    for (const bad of ['proxy.example.edu', '10.0.0.0/33', '10.0.0.0/x', '::1/129', '1.2.3.4/8/1'])
      expect(() => parseTrustedProxies([bad]), bad).toThrow(`"${bad}"`)
    expect(() => parseTrustedProxies(['10.0.0.0/8', ' fd00::/8 ', '127.0.0.1'])).not.toThrow()
  })

  it('makes the server command line stop on a mistyped WARMLINE_TRUSTED_PROXIES', () => {
    const run = spawnSync('node_modules/.bin/tsx', ['src/server/cli.ts', '--port', '0'], {
      env: { ...process.env, WARMLINE_TRUSTED_PROXIES: '10.0.0.5, tls-proxy.local' },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(run.status).toBe(2)
    expect(run.stderr).toContain('"tls-proxy.local"')
  })
})
