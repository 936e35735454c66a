// @vitest-environment happy-dom
/**
 * `afterNextPaint`, which the intake's commit waits for: after the next frame when the window
 * draws frames, at once when it is hidden, and never later than its bound when no frame comes.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { afterNextPaint } from '../../src/renderer/src/intake/after-paint'

let frames: FrameRequestCallback[] = []

beforeEach(() => {
  vi.useFakeTimers()
  frames = []
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => frames.push(callback))
})

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
  vi.restoreAllMocks()
})

const settledFlag = (promise: Promise<void>) => {
  const state = { settled: false }
  void promise.then(() => (state.settled = true))
  return state
}

test('resolves in a task after the next frame, not before it', async () => {
  const paint = settledFlag(afterNextPaint())
  await vi.advanceTimersByTimeAsync(50)
  expect(paint.settled).toBe(false)
  for (const frame of frames.splice(0)) frame(performance.now())
  expect(paint.settled).toBe(false)
  await vi.advanceTimersByTimeAsync(0)
  expect(paint.settled).toBe(true)
})

test('resolves at once in a hidden window, which draws no frames', async () => {
  vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
  const paint = settledFlag(afterNextPaint())
  await Promise.resolve()
  expect(paint.settled).toBe(true)
  expect(frames).toHaveLength(0)
})

test('resolves by its bound when the frame never comes', async () => {
  const paint = settledFlag(afterNextPaint(100))
  await vi.advanceTimersByTimeAsync(99)
  expect(paint.settled).toBe(false)
  await vi.advanceTimersByTimeAsync(1)
  expect(paint.settled).toBe(true)
})
