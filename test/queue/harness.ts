/**
 * What the queue tests run against besides the real store: a ticker the test moves by hand, and
 * the real station API contract over a loopback transport that records notifications and lets the
 * test push station events (main is not running in a unit test).
 */
import {
  createStationApi,
  type StationEvent,
  type EventPayloadOf,
  type RequestOf,
} from '../../src/shared/station-api'
import type { Ticker } from '../../src/renderer/src/queue/clock'

export interface ManualTicker extends Ticker {
  advance(ms: number): void
}

export function manualTicker(start: number): ManualTicker {
  let now = start
  const listeners = new Set<(now: number) => void>()
  return {
    now: () => now,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    advance(ms) {
      now += ms
      for (const listener of [...listeners]) listener(now)
    },
  }
}

export function loopbackStation() {
  const shown: RequestOf<'notify.show'>[] = []
  const reports: RequestOf<'presence.report'>[] = []
  // Main answers a report with the viewers it last heard of, as it emitted them.
  let viewers: EventPayloadOf<'presence.viewers'>['viewers'] = []
  const listeners = new Set<(event: StationEvent, payload: unknown) => void>()
  const api = createStationApi({
    async invoke(method, request) {
      if (method === 'notify.show') {
        shown.push(request as RequestOf<'notify.show'>)
        return { ok: true, value: { shown: true } }
      }
      if (method === 'floor.watch') return { ok: true, value: {} }
      if (method === 'presence.report') {
        reports.push(request as RequestOf<'presence.report'>)
        return { ok: true, value: { viewers } }
      }
      return { ok: false, error: { code: 'unavailable', message: `${method} is not in this test` } }
    },
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  })
  return {
    api,
    shown,
    /** What the window told main it shows, in order. */
    reports,
    emit<E extends StationEvent>(event: E, payload: EventPayloadOf<E>) {
      if (event === 'presence.viewers')
        viewers = (payload as EventPayloadOf<'presence.viewers'>).viewers
      for (const listener of [...listeners]) listener(event, payload)
    },
  }
}
