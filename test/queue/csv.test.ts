import { describe, expect, it } from 'vitest'
import { csvField, csvFileName, recordsToCsv, toCsv } from '../../src/renderer/src/queue/csv'

describe('CSV export (RFC 4180)', () => {
  it('quotes fields holding commas, quotes or line breaks, doubling quotes, with CRLF records', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x, y', 'say "hi"'],
          ['line\nbreak', 'plain'],
        ],
      ),
    ).toBe('a,b\r\n"x, y","say ""hi"""\r\n"line\nbreak",plain\r\n')
  })

  it('writes numbers as numbers, booleans as yes/no, and nothing for missing values', () => {
    expect([
      csvField(-3),
      csvField(2.5),
      csvField(true),
      csvField(null),
      csvField(Infinity),
    ]).toEqual(['-3', '2.5', 'yes', '', ''])
  })

  it('neutralises text a spreadsheet would run as a formula', () => {
    for (const dangerous of [
      '=HYPERLINK("http://x")',
      '+1+1',
      '-2+3',
      '@SUM(A1)',
      '\tcmd',
      '\rcmd',
    ]) {
      expect(csvField(dangerous).replace(/^"/, '').startsWith("'")).toBe(true)
    }
    expect(csvField('=1,2')).toBe(`"'=1,2"`)
    expect(csvField('Caller: =x')).toBe('Caller: =x')
  })

  it('exports records through column definitions', () => {
    const csv = recordsToCsv(
      [
        { header: 'Number', value: (r: { n: string; age: number }) => r.n },
        { header: 'Age (min)', value: (r) => r.age },
      ],
      [{ n: 'A1-1', age: 12 }],
    )
    expect(csv).toBe('Number,Age (min)\r\nA1-1,12\r\n')
  })

  it('names the file after the view and the minute', () => {
    expect(csvFileName('queue', Date.parse('2026-11-27T09:30:12Z'))).toBe(
      'warmline-queue-2026-11-27T09-30.csv',
    )
  })
})
