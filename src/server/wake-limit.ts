/**
 * A wake-up at most once per `intervalMs`: the first call after a quiet spell wakes at once, the
 * calls during the interval after a wake become one wake at its end. Nothing is lost (a call is
 * always followed by a wake no later than `intervalMs`), but a stream of calls costs one wake per
 * interval instead of one each.
 */
export function atMostEvery(intervalMs: number, wake: () => void): () => void {
  let timer: NodeJS.Timeout | undefined
  let called = false
  const open = () => {
    timer = undefined
    if (!called) return
    called = false
    wake()
    timer = setTimeout(open, intervalMs).unref()
  }
  return () => {
    called = true
    if (!timer) open()
  }
}
