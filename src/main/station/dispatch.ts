/**
 * The one request dispatcher, generic over `stationApiSchemas`: the Electron IPC handler and the
 * browser host's WebSocket both hand it a method name and an untrusted payload, and send back
 * what it returns. Requests are validated before any handler runs; responses are parsed on the
 * way out so nothing beyond the contract leaves main.
 */
import { describeIssues } from '../../shared/incident/events'
import { fieldIssues, plainIssues } from '../../shared/plain-words'
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

const fail = (code: StationError['code'], message: string, detail?: string): StationReply => ({
  ok: false,
  error: { code, message, ...(detail ? { detail } : {}) },
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
    // The person reads "Password: use at least 10 characters."; the method and paths go to logs.
    if (!parsed.success)
      return fail(
        'bad_request',
        plainIssues(fieldIssues(parsed.error)),
        `${method}: ${describeIssues(parsed.error)}`,
      )
    try {
      const handler = handlers[method] as (request: unknown) => Promise<unknown>
      return { ok: true, value: schemas.response.parse(await handler(parsed.data)) }
    } catch (error) {
      if (error instanceof StationError) return fail(error.code, error.message, error.detail)
      logError(error)
      return fail(
        'internal',
        `${method} failed inside the station service; the details are in its log.`,
      )
    }
  }
}
