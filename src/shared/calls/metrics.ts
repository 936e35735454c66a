/**
 * The supervisors' call figures, per hour of the day the call came in: calls offered, answered,
 * abandoned (and the rate), average speed of answer (ring to answer) and average handle time
 * (answer to hang-up). Inbound calls only: outbound calls are the CSC calling back, not demand.
 * Calls still ringing or in progress count as offered but not yet in any average.
 */
import type { CallRecord } from './cti'

export interface HourFigures {
  /** Start of the hour, epoch ms (in the time zone `hourOf` uses). */
  hour: number
  offered: number
  answered: number
  abandoned: number
  /** abandoned / (answered + abandoned); null with neither. */
  abandonedRate: number | null
  /** Seconds; null with nothing answered. */
  averageSpeedOfAnswerS: number | null
  /** Seconds; null with no finished answered call. */
  averageHandleTimeS: number | null
}

const HOUR_MS = 60 * 60 * 1000

/** UTC hours by default; the station passes its own zone's hour start. */
export const utcHour = (at: number): number => Math.floor(at / HOUR_MS) * HOUR_MS

const mean = (values: readonly number[]): number | null =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : null

export function figuresOf(hour: number, calls: readonly CallRecord[]): HourFigures {
  const answered = calls.filter((c) => c.answeredAt !== null)
  const abandoned = calls.filter((c) => c.status === 'abandoned').length
  const finished = answered.length + abandoned
  return {
    hour,
    offered: calls.length,
    answered: answered.length,
    abandoned,
    abandonedRate: finished ? abandoned / finished : null,
    averageSpeedOfAnswerS: mean(answered.map((c) => (c.answeredAt! - c.startedAt) / 1000)),
    averageHandleTimeS: mean(
      answered.filter((c) => c.endedAt !== null).map((c) => (c.endedAt! - c.answeredAt!) / 1000),
    ),
  }
}

/** One row per hour that had inbound calls, oldest first. */
export function callMetricsByHour(
  calls: readonly CallRecord[],
  hourOf: (at: number) => number = utcHour,
): HourFigures[] {
  const byHour = new Map<number, CallRecord[]>()
  for (const call of calls) {
    if (call.direction !== 'in') continue
    const hour = hourOf(call.startedAt)
    const list = byHour.get(hour) ?? []
    list.push(call)
    byHour.set(hour, list)
  }
  return [...byHour.entries()]
    .sort(([a], [b]) => a - b)
    .map(([hour, list]) => figuresOf(hour, list))
}

/** Inbound calls that ended unanswered and were not called back since, newest first. */
export function callbacksOwed(calls: readonly CallRecord[]): CallRecord[] {
  const calledBack = (call: CallRecord) =>
    calls.some(
      (c) =>
        c.direction === 'out' &&
        c.startedAt > call.startedAt &&
        c.answeredAt !== null &&
        sameNumber(c.to, call.from),
    )
  return calls
    .filter((c) => c.status === 'abandoned' && !calledBack(c))
    .sort((a, b) => b.startedAt - a.startedAt)
}

const digits = (n: string) => n.replace(/\D/g, '')
function sameNumber(a: string, b: string): boolean {
  const x = digits(a)
  const y = digits(b)
  return x.length >= 3 && y.length >= 3 && (x.endsWith(y) || y.endsWith(x))
}
