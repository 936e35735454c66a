/**
 * Resolves once the browser has drawn the frame that shows what the DOM holds now: a task
 * queued from the next animation frame runs after that frame is produced. Work that must not
 * hold up what the user is waiting to see waits for it.
 *
 * A hidden window draws no frames, so there it resolves at once; and should the frame not come
 * (the window hidden a moment later), `latestMs` puts a bound on the wait.
 */
export function afterNextPaint(latestMs = 100): Promise<void> {
  return new Promise((resolve) => {
    if (document.visibilityState === 'hidden') {
      resolve()
      return
    }
    const fallback = setTimeout(resolve, latestMs)
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(fallback)
        resolve()
      }),
    )
  })
}
