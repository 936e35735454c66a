/**
 * The desk's business calendar: opening hours per weekday, in one IANA time zone, minus holidays.
 * Administrator data (the directory's `calendar` section). P3/P4 targets count only the time the
 * desk is open, so "1 business day" logged on Friday afternoon falls due on Monday afternoon.
 *
 * Local times are read in the calendar's zone with luxon, so a day on which the clocks change is as
 * long as it really is: 08:00–17:00 is 9 hours of business time on the day summer time starts,
 * and a span crossing the change counts the hours that actually passed.
 */
import { DateTime, IANAZone } from 'luxon'
import { z } from 'zod'

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

const clockTime = z
  .string()
  .regex(
    /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/,
    'must be a time of day such as 08:00 (24:00 ends a day)',
  )
const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))

const openingSchema = z
  .object({ start: clockTime, end: clockTime })
  .refine((o) => minutesOf(o.start) < minutesOf(o.end), 'must end after it starts')
export type Opening = z.infer<typeof openingSchema>

const dayHours = z
  .array(openingSchema)
  .max(4)
  .default([])
  .refine(
    (spans) => spans.every((s, i) => i === 0 || minutesOf(spans[i - 1]!.end) <= minutesOf(s.start)),
    'openings must be in order and must not overlap',
  )

const isoDate = z.iso.date()

export const businessCalendarSchema = z
  .object({
    /** An IANA zone such as "America/New_York": business hours are the desk's local hours. */
    timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), {
      message: 'must be an IANA time zone such as Europe/Berlin',
    }),
    /** Per weekday, the hours the desk is open; a day left out is closed. */
    hours: z.object(
      Object.fromEntries(WEEKDAYS.map((d) => [d, dayHours])) as {
        [D in Weekday]: typeof dayHours
      },
    ),
    /** Days the desk is closed all day, as dates in the calendar's zone (YYYY-MM-DD). */
    holidays: z.array(isoDate).max(1000).default([]),
  })
  .refine((c) => WEEKDAYS.some((d) => c.hours[d].length > 0), {
    message: 'the desk must be open on at least one weekday',
    path: ['hours'],
  })
export type BusinessCalendar = z.output<typeof businessCalendarSchema>

const NINE_TO_FIVE: Opening[] = [{ start: '08:00', end: '17:00' }]

/** PRODUCT.md's default: Monday to Friday, 08:00–17:00, no holidays, in `timeZone`. */
export function defaultCalendar(timeZone = 'UTC'): BusinessCalendar {
  return {
    timeZone,
    hours: {
      mon: NINE_TO_FIVE,
      tue: NINE_TO_FIVE,
      wed: NINE_TO_FIVE,
      thu: NINE_TO_FIVE,
      fri: NINE_TO_FIVE,
      sat: [],
      sun: [],
    },
    holidays: [],
  }
}

export const DEFAULT_CALENDAR: BusinessCalendar = defaultCalendar()

/** A target's "business day": the longest day the desk is open (9 hours by default). */
export function businessDayMs(calendar: BusinessCalendar): number {
  const perDay = WEEKDAYS.map((d) =>
    calendar.hours[d].reduce((sum, o) => sum + minutesOf(o.end) - minutesOf(o.start), 0),
  )
  return Math.max(...perDay) * 60_000
}

const at = (day: DateTime, hhmm: string): number =>
  hhmm === '24:00'
    ? day.plus({ days: 1 }).startOf('day').toMillis()
    : day.set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3)) }).toMillis()

interface Day {
  /** The instants the desk is open that day (none on a holiday or a closed weekday). */
  spans: [number, number][]
  /** Midnight of the next local day. */
  next: number
}

/**
 * Days already worked out, per calendar object: luxon is exact but slow, and the fold asks about
 * the same few days for every ticket. Bounded, as a long-running station meets new days forever.
 */
const dayCache = new WeakMap<BusinessCalendar, Map<number, Day>>()
const DAY_CACHE_LIMIT = 4000

function dayAt(midnight: number, calendar: BusinessCalendar): Day {
  let days = dayCache.get(calendar)
  if (!days) dayCache.set(calendar, (days = new Map()))
  const known = days.get(midnight)
  if (known) return known
  const day = DateTime.fromMillis(midnight, { zone: calendar.timeZone })
  const weekday = WEEKDAYS[day.weekday - 1]!
  const spans: [number, number][] = calendar.holidays.includes(day.toISODate()!)
    ? []
    : calendar.hours[weekday].map((o) => [at(day, o.start), at(day, o.end)])
  const result = { spans, next: day.plus({ days: 1 }).startOf('day').toMillis() }
  if (days.size >= DAY_CACHE_LIMIT) days.clear()
  days.set(midnight, result)
  return result
}

const QUARTER_HOUR = 15 * 60_000
const midnightCache = new WeakMap<BusinessCalendar, Map<number, number>>()

/**
 * Midnight of the local day `ms` falls on. Today's zones are offset from UTC by whole quarter
 * hours, so every instant of one quarter hour shares its local day: cached per quarter hour.
 */
function midnightOf(ms: number, calendar: BusinessCalendar): number {
  let known = midnightCache.get(calendar)
  if (!known) midnightCache.set(calendar, (known = new Map()))
  const quarter = Math.floor(ms / QUARTER_HOUR)
  let midnight = known.get(quarter)
  if (midnight === undefined) {
    midnight = DateTime.fromMillis(ms, { zone: calendar.timeZone }).startOf('day').toMillis()
    if (known.size >= DAY_CACHE_LIMIT) known.clear()
    known.set(quarter, midnight)
  }
  return midnight
}

/** Beyond this many days without an opening (impossible with a valid calendar) a target never falls due. */
const SEARCH_DAYS = 4000

/** Business time in [fromMs, toMs): the open hours it overlaps. */
export function businessMsBetween(
  fromMs: number,
  toMs: number,
  calendar: BusinessCalendar,
): number {
  if (toMs <= fromMs) return 0
  let midnight = midnightOf(fromMs, calendar)
  let total = 0
  for (let guard = 0; midnight < toMs && guard < SEARCH_DAYS * 3; guard++) {
    const day = dayAt(midnight, calendar)
    for (const [start, end] of day.spans) {
      total += Math.max(0, Math.min(end, toMs) - Math.max(start, fromMs))
    }
    midnight = day.next
  }
  return total
}

/**
 * The instant at which `ms` of business time have passed since `fromMs`. Zero from outside the
 * open hours gives the next opening: a target that has nothing left falls due when the desk opens.
 */
export function addBusinessMs(fromMs: number, ms: number, calendar: BusinessCalendar): number {
  let left = Math.max(0, ms)
  let midnight = midnightOf(fromMs, calendar)
  for (let guard = 0; guard < SEARCH_DAYS; guard++) {
    const day = dayAt(midnight, calendar)
    for (const [start, end] of day.spans) {
      if (end <= fromMs) continue
      const from = Math.max(start, fromMs)
      if (from + left <= end) return from + left
      left -= end - from
    }
    midnight = day.next
  }
  return Number.MAX_SAFE_INTEGER
}

/** Midnight of the desk's day that `ms` falls on: the metrics' "today". */
export function dayStartIn(ms: number, calendar: Pick<BusinessCalendar, 'timeZone'>): number {
  return DateTime.fromMillis(ms, { zone: calendar.timeZone }).startOf('day').toMillis()
}
