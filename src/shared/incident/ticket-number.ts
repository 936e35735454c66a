/**
 * Ticket numbers are unique without asking the server: the station code given at enrollment plus
 * the station's own sequence, handed out by one authority per station (its main process). The
 * agent can read the number to the caller while offline. The server still refuses a number another
 * ticket holds; the station then renumbers the ticket and keeps the old number as an alias.
 */
import { MAX_PREVIOUS_NUMBERS, type EventOf } from './events'

const NUMBER_PATTERN = /^([A-Z0-9]{1,12})-(\d{1,9})$/

export function formatTicketNumber(stationCode: string, sequence: number): string {
  if (!/^[A-Z0-9]{1,12}$/.test(stationCode)) throw new Error(`Not a station code: "${stationCode}"`)
  if (!Number.isSafeInteger(sequence) || sequence < 1 || sequence > 999_999_999) {
    throw new Error(`Ticket sequence out of range: ${sequence}`)
  }
  return `${stationCode}-${sequence}`
}

export function parseTicketNumber(value: string): { stationCode: string; sequence: number } | null {
  const match = NUMBER_PATTERN.exec(value.trim().toUpperCase())
  return match ? { stationCode: match[1]!, sequence: Number(match[2]) } : null
}

/**
 * The opening that replaces one the server refused because another ticket holds its number: the
 * same ticket, a fresh number, the refused number kept as an alias. It keeps the refused opening's
 * clock, so it takes that opening's place in the ticket's order and the events recorded behind it
 * stay behind it; no replica folds the refused one (the server never stored it), so every replica
 * folds the same ticket.
 */
export function renumberedOpening(
  refused: EventOf<'opened'>,
  number: string,
  id: string,
): EventOf<'opened'> {
  const previousNumbers = [...(refused.payload.previousNumbers ?? []), refused.payload.number]
  return {
    ...refused,
    id,
    payload: {
      ...refused.payload,
      number,
      previousNumbers: previousNumbers.slice(0, MAX_PREVIOUS_NUMBERS),
    },
  }
}
