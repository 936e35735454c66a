/**
 * Failed logins counted per (client address, user name) in a sliding window. Per process: behind
 * a load balancer each process counts on its own, which bounds guessing at processes × limit.
 */
export interface LoginLimiter {
  /** Milliseconds to wait before another attempt is allowed, or 0. */
  retryAfterMs(ip: string, username: string): number
  recordFailure(ip: string, username: string): void
  recordSuccess(ip: string, username: string): void
}

export function createLoginLimiter(
  now: () => number,
  maxFailures = 5,
  windowMs = 15 * 60_000,
): LoginLimiter {
  const failures = new Map<string, number[]>()
  const key = (ip: string, username: string) => `${ip}\u0000${username.toLowerCase()}`
  const recent = (k: string) => {
    const since = now() - windowMs
    const kept = (failures.get(k) ?? []).filter((t) => t > since)
    if (kept.length) failures.set(k, kept)
    else failures.delete(k)
    return kept
  }
  return {
    retryAfterMs(ip, username) {
      const times = recent(key(ip, username))
      return times.length >= maxFailures ? times[times.length - maxFailures]! + windowMs - now() : 0
    },
    recordFailure(ip, username) {
      const k = key(ip, username)
      failures.set(k, [...recent(k), now()])
    },
    recordSuccess(ip, username) {
      failures.delete(key(ip, username))
    },
  }
}
