/**
 * The station API of a station whose central server cannot be reached: every call answers
 * `offline`, as main does during an outage. Notifications from main can be emitted by hand
 * (a screen pop, a status). For UI tests and benches where the network is not the subject.
 */
import {
  createStationApi,
  type EventPayloadOf,
  type StationApi,
  type StationEvent,
} from '../../src/shared/station-api'

export interface OfflineStation {
  api: StationApi
  emit<E extends StationEvent>(event: E, payload: EventPayloadOf<E>): void
}

export function offlineStation(): OfflineStation {
  const listeners = new Set<(event: StationEvent, payload: unknown) => void>()
  return {
    api: createStationApi({
      invoke: async () => ({
        ok: false,
        error: { code: 'offline', message: 'The central server cannot be reached.' },
      }),
      subscribe: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    }),
    emit(event, payload) {
      for (const listener of listeners) listener(event, payload)
    },
  }
}
