/**
 * PRODUCT.md "Priority" (P3/P4 targets in business days) and the administrator's business calendar:
 * calendar arithmetic holds across daylight-saving changes, holidays and odd opening hours.
 */
import fc from 'fast-check'
import { DateTime } from 'luxon'
import { describe, expect, it } from 'vitest'
import {
  addBusinessMs,
  businessCalendarSchema,
  businessMsBetween,
  defaultCalendar,
  type BusinessCalendar,
} from '../../src/shared/incident'

const SEED = Number(process.env.SEED ?? Math.floor(Math.random() * 2 ** 31))
const HOUR = 60 * 60 * 1000

// Zones whose clocks change (north and south), one offset by half an hour, one that never changes.
const ZONES = ['America/New_York', 'Europe/Berlin', 'Australia/Sydney', 'Asia/Kolkata', 'UTC']
// Around the 2026 changes: US 8 Mar / 1 Nov, EU 29 Mar / 25 Oct, Sydney 5 Apr / 4 Oct.
const SPAN_START = Date.parse('2026-02-20T00:00:00Z')
const SPAN_END = Date.parse('2026-11-20T00:00:00Z')

const calendarArb: fc.Arbitrary<BusinessCalendar> = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    holidays: fc.uniqueArray(fc.integer({ min: 0, max: 280 }), { maxLength: 25 }),
    // Sometimes a split day with a lunch break and a short Saturday, spans crossing 02:00–03:00.
    shape: fc.constantFrom('nine-to-five', 'split', 'night'),
  })
  .map(({ zone, holidays, shape }) => {
    const base = defaultCalendar(zone)
    const hours =
      shape === 'split'
        ? {
            ...base.hours,
            mon: [
              { start: '08:00', end: '12:00' },
              { start: '13:00', end: '17:30' },
            ],
            sat: [{ start: '09:00', end: '12:00' }],
          }
        : shape === 'night'
          ? { ...base.hours, sun: [{ start: '00:00', end: '06:00' }] }
          : base.hours
    return businessCalendarSchema.parse({
      timeZone: zone,
      hours,
      holidays: holidays.map((d) =>
        DateTime.fromMillis(SPAN_START, { zone }).plus({ days: d }).toISODate(),
      ),
    })
  })

const instant = fc.integer({ min: SPAN_START, max: SPAN_END })
const businessSpan = fc.integer({ min: 0, max: 40 * 9 * HOUR })

function isOpenAt(ms: number, calendar: BusinessCalendar): boolean {
  const local = DateTime.fromMillis(ms, { zone: calendar.timeZone })
  if (calendar.holidays.includes(local.toISODate()!)) return false
  const day = (['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const)[local.weekday - 1]!
  const minutes = local.hour * 60 + local.minute + local.second / 60 + local.millisecond / 60000
  return calendar.hours[day].some((o) => {
    const [sh, sm] = o.start.split(':').map(Number) as [number, number]
    const [eh, em] = o.end.split(':').map(Number) as [number, number]
    // A span's end is open: a due time at exactly 17:00 is in the day that closes then.
    return minutes >= sh * 60 + sm && minutes <= eh * 60 + em
  })
}

describe('the business calendar (PRODUCT.md "Priority": business days)', () => {
  console.log(`[calendar-properties] seed=${SEED} (reproduce with SEED=${SEED})`)
  const run = { seed: SEED, numRuns: 120 }

  it('counts back exactly the business time it added, across DST changes and holidays', () => {
    fc.assert(
      fc.property(calendarArb, instant, businessSpan, (calendar, start, ms) => {
        const due = addBusinessMs(start, ms, calendar)
        expect(businessMsBetween(start, due, calendar)).toBe(ms)
      }),
      run,
    )
  })

  it('adds in steps as it adds at once, and never goes back in time', () => {
    fc.assert(
      fc.property(calendarArb, instant, businessSpan, businessSpan, (calendar, start, a, b) => {
        const once = addBusinessMs(start, a + b, calendar)
        expect(addBusinessMs(addBusinessMs(start, a, calendar), b, calendar)).toBe(once)
        expect(once).toBeGreaterThanOrEqual(addBusinessMs(start, Math.min(a, b), calendar))
        expect(once).toBeGreaterThanOrEqual(start)
      }),
      run,
    )
  })

  it('falls due only while the desk is open, never on a holiday', () => {
    fc.assert(
      fc.property(calendarArb, instant, businessSpan, (calendar, start, ms) => {
        expect(isOpenAt(addBusinessMs(start, ms, calendar), calendar)).toBe(true)
      }),
      run,
    )
  })

  it('counts no more business time than wall time, and nothing while closed', () => {
    fc.assert(
      fc.property(calendarArb, instant, instant, (calendar, a, b) => {
        const [from, to] = a <= b ? [a, b] : [b, a]
        const counted = businessMsBetween(from, to, calendar)
        expect(counted).toBeGreaterThanOrEqual(0)
        expect(counted).toBeLessThanOrEqual(to - from)
      }),
      run,
    )
  })

  it('keeps 08:00–17:00 local over the spring-forward weekend (New York, 8 March 2026)', () => {
    const ny = defaultCalendar('America/New_York')
    const friday4pm = Date.parse('2026-03-06T16:00:00-05:00')
    // 1 h on Friday, 8 h on Monday: Monday 16:00 EDT, 71 wall hours later (the lost hour).
    const due = addBusinessMs(friday4pm, 9 * HOUR, ny)
    expect(new Date(due).toISOString()).toBe('2026-03-09T20:00:00.000Z')
    expect(due - friday4pm).toBe(71 * HOUR)
  })

  it('skips a holiday: due the next open day, at the same local time', () => {
    const berlin = { ...defaultCalendar('Europe/Berlin'), holidays: ['2026-12-24', '2026-12-25'] }
    const wednesday10 = Date.parse('2026-12-23T10:00:00+01:00')
    const due = addBusinessMs(wednesday10, 9 * HOUR, berlin)
    expect(new Date(due).toISOString()).toBe(new Date('2026-12-28T10:00:00+01:00').toISOString())
  })

  it('refuses a calendar the desk is never open in, or a zone that does not exist', () => {
    const closed = { timeZone: 'UTC', hours: {}, holidays: [] }
    expect(businessCalendarSchema.safeParse(closed).success).toBe(false)
    const nowhere = { ...defaultCalendar(), timeZone: 'Mars/Olympus_Mons' }
    const result = businessCalendarSchema.safeParse(nowhere)
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]?.message).toContain('IANA time zone')
  })
})
