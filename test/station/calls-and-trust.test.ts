import { describe, expect, it } from 'vitest'
import { callNumberFromArgv, callNumberFromUrl } from '../../src/main/station/calls'
import {
  contentSecurityPolicy,
  isExternalLinkAllowed,
  isTrustedRendererUrl,
} from '../../src/main/electron/trust'
import { resolveServerUrl } from '../../src/main/station/config'
import { backoffDelay } from '../../src/main/station/scheduler'

describe('which URLs are the app itself', () => {
  const built = 'file:///opt/Warmline/resources/app/out/renderer/index.html'
  const dev = 'http://localhost:5173/'

  it('trusts the built renderer file and the dev server origin', () => {
    expect(isTrustedRendererUrl(built, built)).toBe(true)
    expect(isTrustedRendererUrl(`${built}#/ticket/1`, built)).toBe(true)
    expect(isTrustedRendererUrl('http://localhost:5173/ticket/1?x=1', dev)).toBe(true)
  })

  it.each([
    'file:///opt/Warmline/resources/app/out/renderer/other.html',
    'file:///tmp/index.html',
    'file://evil.test/opt/Warmline/resources/app/out/renderer/index.html',
    'https://evil.test/index.html',
    '',
    'not a url',
  ])('refuses %s in place of the built renderer', (candidate) => {
    expect(isTrustedRendererUrl(candidate, built)).toBe(false)
  })

  it.each([
    'http://localhost:5173.evil.test/',
    'http://localhost:5173@evil.test/',
    'http://evil.test/?http://localhost:5173/',
    'http://localhost:5174/',
    'https://localhost:5173/',
    'http://user:pw@localhost:5173/',
    'file:///index.html',
    'javascript:alert(1)',
  ])('refuses the look-alike %s of the dev server', (candidate) => {
    expect(isTrustedRendererUrl(candidate, dev)).toBe(false)
  })

  it('refuses a missing sender URL (a destroyed frame)', () => {
    expect(isTrustedRendererUrl(undefined, built)).toBe(false)
  })

  it('opens only https links outside the app', () => {
    expect(isExternalLinkAllowed('https://kb.example.edu/article/42')).toBe(true)
    expect(isExternalLinkAllowed('http://kb.example.edu/')).toBe(false)
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false)
    expect(isExternalLinkAllowed('https://a:b@kb.example.edu/')).toBe(false)
  })

  it('gives the built renderer a CSP without remote or inline script', () => {
    const csp = contentSecurityPolicy(built)
    expect(csp).toContain("script-src 'self';")
    expect(csp).not.toMatch(/unsafe-eval|https?:\/\//)
    expect(contentSecurityPolicy(dev)).toContain('ws://localhost:5173')
  })
})

describe('incoming calls from the telephony integration', () => {
  it('takes the number from a warmline:// or tel: URL', () => {
    expect(callNumberFromUrl('warmline://call/%2B1%20555%20010%202233')).toBe('+1 555 010 2233')
    expect(callNumberFromUrl('tel:+15550102233')).toBe('+15550102233')
    expect(callNumberFromArgv(['/usr/bin/warmline', '--flag', 'warmline://call/5550102233'])).toBe(
      '5550102233',
    )
  })

  it('ignores anything that is not a plain number', () => {
    expect(callNumberFromUrl('warmline://call/<script>')).toBeNull()
    expect(callNumberFromUrl('warmline://other/5550102233')).toBeNull()
    expect(callNumberFromUrl('https://call/5550102233')).toBeNull()
    expect(callNumberFromArgv(['--server', 'http://x'])).toBeNull()
  })
})

describe('configuration and backoff', () => {
  it('takes the server URL from the flag, then the environment, then the saved setting', () => {
    const settings = { serverUrl: 'http://saved.example:8080' }
    expect(
      resolveServerUrl({ flag: 'http://flag.example:1/', env: 'http://env.example', settings }),
    ).toBe('http://flag.example:1')
    expect(resolveServerUrl({ env: 'http://env.example', settings })).toBe('http://env.example')
    expect(resolveServerUrl({ settings })).toBe('http://saved.example:8080')
    expect(resolveServerUrl({ settings: { serverUrl: null } })).toBeNull()
    expect(() => resolveServerUrl({ flag: 'ftp://x', settings })).toThrow(/http/)
  })

  it('backs off exponentially with jitter, within the bounds', () => {
    const policy = { baseMs: 100, maxMs: 1_000 }
    expect(backoffDelay(1, policy, () => 0)).toBe(50)
    expect(backoffDelay(1, policy, () => 1)).toBe(100)
    expect(backoffDelay(3, policy, () => 0)).toBe(200)
    expect(backoffDelay(30, policy, () => 1)).toBe(1_000)
    expect(backoffDelay(30, policy, () => 0)).toBe(500)
  })
})
