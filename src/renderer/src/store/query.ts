/**
 * What the agent typed, read as one index lookup. Each plan is answered from a single index range
 * with a limit (PERFORMANCE-NOTES.md: a full scan of 100k tickets takes seconds).
 */
import { parseTicketNumber } from '../../../shared/incident/ticket-number'
import { normalizeSearchText, phoneDigits } from '../../../shared/incident/search'

export type SearchPlan =
  | { kind: 'none' }
  /** A whole ticket number: exact lookup first, then numbers it is a prefix of ("A1-1" → A1-12). */
  | { kind: 'number'; number: string; prefix: string }
  | { kind: 'phone'; digits: string }
  /** `index` is the longest word (fewest matches), `rest` must prefix some other token. */
  | { kind: 'words'; index: string; rest: string[] }

/** Below this many digits a phone prefix matches a large part of the floor; read it as words. */
const MIN_PHONE_DIGITS = 3
const PHONE_LIKE = /^[\d\s()+./-]+$/

/** The words of a query, split the way `searchTokens` splits ticket text, kept whole. */
export function queryWords(query: string): string[] {
  return normalizeSearchText(query)
    .split(/[^a-z0-9@._-]+/)
    .filter((word) => word.length > 0)
}

export function planSearch(query: string): SearchPlan {
  const trimmed = query.trim()
  if (trimmed === '') return { kind: 'none' }
  const number = parseTicketNumber(trimmed)
  if (number) {
    const formatted = `${number.stationCode}-${number.sequence}`
    return { kind: 'number', number: formatted, prefix: formatted.toLowerCase() }
  }
  const digits = phoneDigits(trimmed)
  if (PHONE_LIKE.test(trimmed) && digits.length >= MIN_PHONE_DIGITS)
    return { kind: 'phone', digits }
  const words = [...new Set(queryWords(trimmed))]
  if (words.length === 0) return { kind: 'none' }
  const index = words.reduce((longest, word) => (word.length > longest.length ? word : longest))
  return { kind: 'words', index, rest: words.filter((word) => word !== index) }
}

/** Whether every word is the start of one of the tokens (the filter for the non-indexed words). */
export function prefixesAll(tokens: readonly string[], words: readonly string[]): boolean {
  return words.every((word) => tokens.some((token) => token.startsWith(word)))
}
