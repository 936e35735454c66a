import { describe, expect, it } from 'vitest'
import {
  createClock,
  driftWarning,
  formatHlc,
  isHlc,
  parseHlc,
  receive,
  tick,
} from '../../src/shared/sync/hlc'
import {
  formatTicketNumber,
  parseTicketNumber,
  searchTokens,
  phoneDigits,
} from '../../src/shared/incident'
import { uuidv7 } from '../../src/shared/ids'

const T = Date.parse('2026-11-27T09:00:00.000Z')

describe('hybrid logical clock', () => {
  it('orders local events even when the wall clock stands still or goes back', () => {
    let clock = createClock('A1')
    const values: string[] = []
    for (const now of [T, T, T - 5000, T + 1]) {
      clock = tick(clock, now)
      values.push(formatHlc(clock))
    }
    expect([...values].sort()).toEqual(values)
    expect(new Set(values).size).toBe(values.length)
  })

  // Rule 2 (time of call) and the fold's order rest on the clock's wall time being a real time.
  it('refuses a clock value whose wall time is not a real instant', () => {
    expect(isHlc('2026-11-27T09:44:24.123Z-0000-A7')).toBe(true)
    for (const bad of [
      '2367-46-33T70:71:25.692Z-cf01-T1',
      '2026-02-30T09:00:00.000Z-0000-A7',
      '2026-11-27T24:00:00.000Z-0000-A7',
    ]) {
      expect(isHlc(bad), bad).toBe(false)
      expect(() => parseHlc(bad), bad).toThrow(/Not a hybrid logical clock/)
    }
  })

  it('sorts every later local event after a remote event it has seen', () => {
    const remote = formatHlc(tick(createClock('B2'), T + 2000))
    const merged = receive(tick(createClock('A1'), T), remote, T).clock
    expect(formatHlc(tick(merged, T)) > remote).toBe(true)
  })

  it('flags a station whose clock is far ahead, and still accepts its time', () => {
    const farAhead = formatHlc(tick(createClock('C3'), T + 60 * 60 * 1000))
    const { clock, warning } = receive(createClock('A1'), farAhead, T)
    expect(warning?.code).toBe('clock_far_ahead')
    expect(warning?.message).toMatch(/Station C3 .* 60 minutes ahead/)
    expect(clock.wallMs).toBe(T + 60 * 60 * 1000)
    expect(driftWarning(formatHlc(tick(createClock('C3'), T + 1000)), T)).toBeUndefined()
  })

  it('round-trips through its string form and refuses garbage', () => {
    const value = formatHlc({ wallMs: T, counter: 42, node: 'A1' })
    expect(parseHlc(value)).toEqual({ wallMs: T, counter: 42, node: 'A1' })
    expect(() => parseHlc('yesterday')).toThrow(/Not a hybrid logical clock/)
    expect(() => createClock('a-1')).toThrow(/upper-case/)
  })

  it('keeps string order when the counter would overflow', () => {
    let clock = { wallMs: T, counter: 0xffff, node: 'A1' }
    const before = formatHlc(clock)
    clock = tick(clock, T)
    expect(formatHlc(clock) > before).toBe(true)
  })
})

describe('ticket numbers without the server (PRODUCT.md "offline-first")', () => {
  it('is the station code plus the station sequence, readable to the caller', () => {
    expect(formatTicketNumber('A7', 42)).toBe('A7-42')
    expect(parseTicketNumber(' a7-42 ')).toEqual({ stationCode: 'A7', sequence: 42 })
    expect(parseTicketNumber('hello')).toBeNull()
    expect(() => formatTicketNumber('A7', 0)).toThrow(/out of range/)
  })

  it('makes time-ordered UUIDv7 ids', () => {
    const a = uuidv7(T)
    const b = uuidv7(T + 1)
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(a < b).toBe(true)
  })
})

describe('search tokens', () => {
  it('covers number, caller name, username and title words, lower-cased and accent-free', () => {
    const tokens = searchTokens({
      number: 'A7-42',
      caller: { name: 'José Núñez', username: 'jnunez' },
      title: 'VPN drops on Wi-Fi',
    })
    expect(tokens).toEqual(
      expect.arrayContaining([
        'a7-42',
        'jose',
        'nunez',
        'jnunez',
        'vpn',
        'drops',
        'wi-fi',
        'wi',
        'fi',
      ]),
    )
    expect(phoneDigits('+1 (555) 010-2233')).toBe('15550102233')
  })
})
