/**
 * One ticking clock for everything time-dependent on the supervisor's screens: SLA timers, the
 * views' time filters, breach alerts, the day boundary. Subscribers are called once per tick with
 * the same `now`, so every visible timer agrees; the interval runs only while someone listens.
 * Only the components that show a time subscribe, so a tick re-renders the visible timers and
 * nothing else — never 10,000 rows.
 */
export interface Ticker {
  now(): number
  subscribe(listener: (now: number) => void): () => void
}

export function createTicker(wallClock: () => number = Date.now, intervalMs = 1000): Ticker {
  const listeners = new Set<(now: number) => void>()
  let current = wallClock()
  let timer: ReturnType<typeof setInterval> | null = null

  const tick = () => {
    current = wallClock()
    for (const listener of [...listeners]) listener(current)
  }

  return {
    // Between ticks the last tick's time: a render between ticks shows what its neighbours show.
    now: () => (timer === null ? wallClock() : current),
    subscribe(listener) {
      listeners.add(listener)
      if (timer === null) {
        current = wallClock()
        timer = setInterval(tick, intervalMs)
      }
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && timer !== null) {
          clearInterval(timer)
          timer = null
        }
      }
    },
  }
}
