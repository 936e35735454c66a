/** The radar's wake-up limit (src/server/wake-limit.ts): at once after a quiet spell, then one per interval. */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { atMostEvery } from '../../src/server/wake-limit'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('wakes at once after a quiet spell, and once at the end of an interval for the calls during it', () => {
  const wake = vi.fn()
  const call = atMostEvery(1000, wake)
  call()
  expect(wake).toHaveBeenCalledTimes(1)
  for (let i = 0; i < 50; i++) {
    vi.advanceTimersByTime(10)
    call()
  }
  expect(wake).toHaveBeenCalledTimes(1)
  vi.advanceTimersByTime(500)
  // The calls of the first interval: one wake at its end, none lost.
  expect(wake).toHaveBeenCalledTimes(2)
  vi.advanceTimersByTime(1000)
  // Nothing was called during the second interval: no wake for it.
  expect(wake).toHaveBeenCalledTimes(2)
  vi.advanceTimersByTime(5000)
  call()
  expect(wake).toHaveBeenCalledTimes(3)
})
