/**
 * A figure derived from the whole in-memory queue (metrics, the QA list), kept current without
 * recomputing on every live change: at most once per clock tick when something changed, and at
 * least every `refreshMs` for what time alone moves (breaches falling due).
 */
import { useEffect, useState } from 'react'
import type { SupervisorQueue } from './supervisor-queue'

/** `compute` must be stable (defined at module level): it is an effect dependency. */
export function useQueueDerived<T>(
  queue: SupervisorQueue,
  compute: (queue: SupervisorQueue, now: number) => T,
  refreshMs = 60_000,
): T {
  const [value, setValue] = useState(() => compute(queue, queue.ticker.now()))
  useEffect(() => {
    let dirty = true
    let last = queue.ticker.now()
    const offChanges = queue.subscribe(() => {
      dirty = true
    })
    const offTicks = queue.ticker.subscribe((now) => {
      if (!dirty && now - last < refreshMs) return
      dirty = false
      last = now
      setValue(compute(queue, now))
    })
    return () => {
      offChanges()
      offTicks()
    }
  }, [queue, compute, refreshMs])
  return value
}
