/**
 * Incoming calls. The telephony integration (a CTI client on the agent's PC) rings the station
 * by opening `warmline://call/<number>` or a `tel:` link; the operating system hands that URL to
 * the running app, which pops the caller on screen. Only the number is taken from the URL.
 */
import { talkSeconds } from '../../shared/calls/cti'
import type { ServerLiveMessage } from '../../shared/sync/wire'
import type { Emit } from './agent'

export const CALL_PROTOCOL = 'warmline'

const NUMBER = /^\+?[0-9 ()./-]{3,40}$/

/** The caller's number from a call URL, or null when the text is not one. */
export function callNumberFromUrl(text: string): string | null {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return null
  }
  let raw: string
  if (url.protocol === 'tel:') raw = url.pathname
  else if (url.protocol === `${CALL_PROTOCOL}:` && url.hostname === 'call')
    raw = url.pathname.replace(/^\/+/, '')
  else return null
  let number: string
  try {
    number = decodeURIComponent(raw).trim()
  } catch {
    return null
  }
  return NUMBER.test(number) ? number : null
}

/** The number of the first call URL among a process's arguments (how a second launch passes it on). */
export function callNumberFromArgv(argv: readonly string[]): string | null {
  for (const arg of argv) {
    const number = callNumberFromUrl(arg)
    if (number) return number
  }
  return null
}

/**
 * The phone system's word about a call this station's agent answered (over the live socket), as
 * the station events the renderer acts on: the screen pop, the warm transfer, the talk time.
 */
export function announceCallEvent(
  emit: Emit,
  message: Extract<ServerLiveMessage, { type: 'call' }>,
): void {
  const { call } = message
  if (message.event === 'answered') {
    // Calling back, the other party is the one called.
    const other = call.direction === 'in' ? call.from : call.to
    emit('call.incoming', {
      number: other || 'anonymous',
      at: call.answeredAt ?? call.startedAt,
      callId: call.callId,
    })
  } else if (message.event === 'transferred') {
    const last = call.transfers[call.transfers.length - 1]
    if (last) emit('call.transferred', { callId: call.callId, to: last.to, at: last.at })
  } else {
    emit('call.ended', { callId: call.callId, talkSeconds: talkSeconds(call), cause: call.cause })
  }
}
