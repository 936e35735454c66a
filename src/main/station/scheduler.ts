/** Time as a dependency: the station services never read the clock or set a timer directly. */
export interface Scheduler {
  now(): number
  setTimeout(run: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

export interface BackoffPolicy {
  baseMs: number
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 60_000 }

/**
 * Exponential backoff with "equal jitter": half the delay is fixed, half random, so a floor of
 * stations that lost the server at the same moment does not come back in lockstep, and no
 * station retries immediately after a failure.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  const ceiling = Math.min(
    policy.maxMs,
    policy.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)),
  )
  return ceiling / 2 + random() * (ceiling / 2)
}
