/**
 * Incoming calls. The telephony integration (a CTI client on the agent's PC) rings the station
 * by opening `warmline://call/<number>` or a `tel:` link; the operating system hands that URL to
 * the running app, which pops the caller on screen. Only the number is taken from the URL.
 */
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
