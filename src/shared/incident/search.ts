/**
 * Search tokens of a ticket: what an agent types to find it (number and earlier numbers, caller
 * name, username, phone, title words). Kept lean on purpose: every token is an index entry on every station.
 */
import type { Ticket } from './ticket'

const MAX_TOKENS = 24

export function normalizeSearchText(value: string): string {
  return value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
}

/** Digits only, so "+1 (555) 010-2233" and "5550102233" meet. */
export function phoneDigits(value: string): string {
  return value.replace(/\D/g, '')
}

export function wordsOf(value: string): string[] {
  return normalizeSearchText(value)
    .split(/[^a-z0-9@._-]+/)
    .flatMap((word) => [word, ...word.split(/[@._-]+/)])
    .filter((word) => word.length >= 2)
}

export function searchTokens(
  ticket: Pick<Ticket, 'number' | 'previousNumbers' | 'caller' | 'title'>,
): string[] {
  // A number once read to a caller finds the ticket, renumbered or not.
  const numbers = [ticket.number, ...(ticket.previousNumbers ?? [])]
  const tokens = new Set<string>(numbers.map((number) => number.toLowerCase()))
  for (const word of wordsOf(ticket.caller.name)) tokens.add(word)
  if (ticket.caller.username) tokens.add(normalizeSearchText(ticket.caller.username))
  for (const word of wordsOf(ticket.title)) tokens.add(word)
  return [...tokens].slice(0, MAX_TOKENS)
}
