/**
 * Ticket numbers are unique without asking the server: the station code given at enrollment plus
 * the station's own sequence. The agent can read the number to the caller while offline.
 */
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
