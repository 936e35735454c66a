/**
 * The screen pop: a call rings or is answered at this station, and a fresh intake opens with the
 * caller's number in the look-up; a call being typed is kept among the unfinished, never typed
 * into. When the phone system says which call it is, the call id goes
 * on the draft (and so on the ticket), and a caller whose number matches exactly is filled in, so
 * their recent tickets are on screen before the agent says hello.
 */
import { phoneDigits } from '../../../shared/incident/search'
import type { EventPayloadOf } from '../../../shared/station-api'
import type { Desk } from '../app/desk'
import { findLocalCallers, findRemoteCallers, mergeCallers } from '../intake/caller-lookup'
import type { CallerFields } from '../intake/draft'

export async function screenPop(
  desk: Pick<Desk, 'intake' | 'nav' | 'station' | 'store'>,
  { number, at, callId }: EventPayloadOf<'call.incoming'>,
): Promise<void> {
  const intake = desk.intake
  const { draft, unfinished } = intake.getState()
  // The phone system may tell of the same call twice (a reconnect): that call, not a new one.
  const known = callId ? [draft, ...unfinished].find((d) => d?.callId === callId) : undefined
  if (!known) intake.getState().start(at, { callerQuery: number, ...(callId ? { callId } : {}) })
  else if (known !== draft) intake.getState().resume(known.id)
  desk.nav.getState().go({ name: 'intake' })
  if (known || !callId) return
  const caller = await exactCaller(desk, number)
  const current = intake.getState().draft
  if (caller && current?.callId === callId && !current.caller.name)
    intake.getState().setCaller(caller)
}

/** The one caller with exactly this number, from the station and (when reachable) the server. */
async function exactCaller(
  desk: Pick<Desk, 'station' | 'store'>,
  number: string,
): Promise<CallerFields | null> {
  const digits = phoneDigits(number)
  if (digits.length < 3) return null
  const [local, remote] = await Promise.all([
    findLocalCallers(desk.store, digits),
    findRemoteCallers(desk.station, digits).catch(() => []),
  ])
  const exact = mergeCallers(local, remote).filter((c) => phoneDigits(c.phone) === digits)
  return exact.length === 1 ? exact[0]! : null
}
