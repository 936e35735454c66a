import { describe, expect, it } from 'vitest'
import { block, findUnstorableText, line, textProblem } from '../../src/shared/text'

describe('the one text schema (ARCHITECTURE.md "Text")', () => {
  it('refuses a lone surrogate, high or low, anywhere in the string', () => {
    for (const bad of ['\uD800', 'a\uD83Db', '\uDC00x', 'x\uDFFF']) {
      expect(textProblem(bad, true)).toBe('lone_surrogate')
      expect(line({ max: 10 }).safeParse(bad).success).toBe(false)
    }
    expect(textProblem('caf\u00e9 \uD83D\uDE00', false)).toBeNull()
  })

  it('refuses NUL in every kind of text, and other controls in one-line text', () => {
    expect(block({ max: 10 }).safeParse('a\u0000b').success).toBe(false)
    expect(line({ max: 10 }).safeParse('a\nb').success).toBe(false)
    expect(line({ max: 10 }).safeParse('a\tb').success).toBe(true)
    expect(block({ max: 10 }).safeParse('a\tb\r\nc').success).toBe(true)
  })

  it('trims, then bounds, and names the problem in words', () => {
    const required = line({ max: 3, min: 1 })
    expect(required.parse('  ab ')).toBe('ab')
    const empty = required.safeParse('   ')
    expect(empty.success || empty.error.issues[0]!.message).toBe('is required')
    const long = required.safeParse('abcd')
    expect(long.success || long.error.issues[0]!.message).toBe('use at most 3 characters')
    const nul = required.safeParse('a\u0000')
    expect(nul.success || nul.error.issues[0]!.message).toMatch(/control character/)
  })

  it('finds the path of unstorable text deep in any JSON value, keys included', () => {
    expect(findUnstorableText({ a: [{ b: 'ok' }, { c: 'x\uD800' }] })).toBe('a.1.c')
    expect(findUnstorableText({ ['k\u0000']: 1 })).toBe('k\u0000')
    expect(findUnstorableText({ a: ['fine', 3, null, true] })).toBeNull()
  })

  it('judges a value nested far deeper than the call stack allows', () => {
    let deep: unknown = 'x\u0000'
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(findUnstorableText(deep)).toMatch(/^0(\.0)+$/)
  })
})
