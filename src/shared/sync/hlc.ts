/**
 * Hybrid logical clock, encoded as a string that sorts lexicographically in causal order:
 * `2026-11-27T09:44:24.123Z-0000-A7` (wall time, counter in hex, node = station code).
 *
 * The clock is pure: the caller passes the wall time in. A remote clock far ahead of ours is
 * flagged, never refused: refusing would drop a station's events, and the product promises that
 * nothing typed is lost. The flag lets the UI and the supervisor see the faulty station.
 */

export interface HlcState {
  readonly wallMs: number
  readonly counter: number
  readonly node: string
}

export interface ClockWarning {
  readonly code: 'clock_far_ahead'
  readonly message: string
  readonly aheadMs: number
}

/** Beyond this a remote clock is considered wrong rather than merely unsynchronised. */
export const DEFAULT_MAX_DRIFT_MS = 5 * 60 * 1000

const MAX_COUNTER = 0xffff
const NODE_PATTERN = /^[A-Z0-9]{1,12}$/
export const HLC_PATTERN =
  /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-([0-9a-f]{4})-([A-Z0-9]{1,12})$/

/** An ISO time that names a real instant: `2026-13-45T70:00:00.000Z` has the shape, not the time. */
const isInstant = (iso: string) => {
  const ms = Date.parse(iso)
  return Number.isFinite(ms) && new Date(ms).toISOString() === iso
}

export function isHlc(value: string): boolean {
  const match = HLC_PATTERN.exec(value)
  return match !== null && isInstant(match[1]!)
}

export function createClock(node: string, wallMs = 0): HlcState {
  if (!NODE_PATTERN.test(node)) {
    throw new Error(`Clock node must be 1-12 upper-case letters or digits, got "${node}"`)
  }
  return { wallMs, counter: 0, node }
}

export function formatHlc(state: HlcState): string {
  return `${new Date(state.wallMs).toISOString()}-${state.counter.toString(16).padStart(4, '0')}-${state.node}`
}

export function parseHlc(value: string): HlcState {
  const match = HLC_PATTERN.exec(value)
  if (!match || !isInstant(match[1]!))
    throw new Error(`Not a hybrid logical clock value: "${value}"`)
  const [, iso, counter, node] = match as unknown as [string, string, string, string]
  return { wallMs: Date.parse(iso), counter: parseInt(counter, 16), node }
}

/** Wall-clock milliseconds of an HLC string: when the event happened, as its station saw it. */
export function hlcWallMs(value: string): number {
  return parseHlc(value).wallMs
}

function advance(state: HlcState, wallMs: number, counter: number): HlcState {
  if (counter > MAX_COUNTER) {
    // 65k events in one millisecond on one station: move the logical time forward a tick
    // instead of overflowing the fixed-width counter (which would break string ordering).
    return { wallMs: wallMs + 1, counter: 0, node: state.node }
  }
  return { wallMs, counter, node: state.node }
}

/** The clock for a new local event. */
export function tick(state: HlcState, nowMs: number): HlcState {
  return nowMs > state.wallMs
    ? advance(state, nowMs, 0)
    : advance(state, state.wallMs, state.counter + 1)
}

/**
 * Merges a clock value seen on a remote event, so that every later local event sorts after it.
 * Returns a warning when the remote clock is further ahead of our wall clock than `maxDriftMs`.
 */
export function receive(
  state: HlcState,
  remote: string,
  nowMs: number,
  maxDriftMs = DEFAULT_MAX_DRIFT_MS,
): { clock: HlcState; warning?: ClockWarning } {
  const seen = parseHlc(remote)
  const aheadMs = seen.wallMs - nowMs
  const warning: ClockWarning | undefined =
    aheadMs > maxDriftMs
      ? {
          code: 'clock_far_ahead',
          aheadMs,
          message: `Station ${seen.node} has a clock ${Math.round(aheadMs / 60000)} minutes ahead; its events are kept, but its clock needs fixing.`,
        }
      : undefined
  const wallMs = Math.max(state.wallMs, seen.wallMs, nowMs)
  let counter: number
  if (wallMs === state.wallMs && wallMs === seen.wallMs)
    counter = Math.max(state.counter, seen.counter) + 1
  else if (wallMs === state.wallMs) counter = state.counter + 1
  else if (wallMs === seen.wallMs) counter = seen.counter + 1
  else counter = 0
  return warning
    ? { clock: advance(state, wallMs, counter), warning }
    : { clock: advance(state, wallMs, counter) }
}

/** Checks a clock value against our wall clock without merging it (used by the server on push). */
export function driftWarning(
  remote: string,
  nowMs: number,
  maxDriftMs = DEFAULT_MAX_DRIFT_MS,
): ClockWarning | undefined {
  return receive(createClock('X'), remote, nowMs, maxDriftMs).warning
}
