/**
 * The one request dispatcher, generic over `stationApiSchemas`: the Electron IPC handler and the
 * browser host's WebSocket both hand it a method name and an untrusted payload, and send back
 * what it returns. Requests are validated before any handler runs; responses are parsed on the
 * way out so nothing beyond the contract leaves main.
 */
import { describeIssues } from '../../shared/incident/events'
import {
  StationError,
  isStationMethod,
  stationApiSchemas,
  type ParsedRequestOf,
  type ResponseOf,
  type StationMethod,
  type StationReply,
} from '../../shared/station-api'

export type StationHandlers = {
  [M in StationMethod]: (request: ParsedRequestOf<M>) => Promise<ResponseOf<M>> | ResponseOf<M>
}

export type Dispatch = (method: unknown, request: unknown) => Promise<StationReply>

const fail = (code: StationError['code'], message: string): StationReply => ({
  ok: false,
  error: { code, message },
})

export function createDispatcher(
  handlers: StationHandlers,
  logError: (error: unknown) => void = console.error,
): Dispatch {
  return async (method, request) => {
    if (!isStationMethod(method))
      return fail('bad_request', `There is no station method "${String(method)}".`)
    const schemas = stationApiSchemas[method]
    const parsed = schemas.request.safeParse(request ?? {})
    if (!parsed.success) return fail('bad_request', `${method}: ${describeIssues(parsed.error)}`)
    try {
      const handler = handlers[method] as (request: unknown) => Promise<unknown>
      return { ok: true, value: schemas.response.parse(await handler(parsed.data)) }
    } catch (error) {
      if (error instanceof StationError) return fail(error.code, error.message)
      logError(error)
      return fail(
        'internal',
        `${method} failed inside the station service; the details are in its log.`,
      )
    }
  }
}
