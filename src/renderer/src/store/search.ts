/**
 * Finding tickets by what the agent typed (query.ts plans it): a ticket number, a phone prefix,
 * or words each starting a caller name, username, title word or ticket number. Words are answered
 * from key ranges of the `words` store (search-words.ts), every read with a limit, never a scan.
 */
import { ticketOfRow, type TicketRow } from './db'
import { planSearch, prefixesAll } from './query'
import {
  PAIR_LETTERS,
  exactRange,
  namePrefixRange,
  pairRange,
  parseWordKey,
  prefixRange,
  type KeySpan,
} from './search-words'
import { MAX_WINDOW, uniqueById, type StoreCore } from './store-core'
import type { StationStore } from './store-types'

/** The largest page of a word's range read at once after the first; pages double up to it. */
const MAX_CHUNK = 8192
/**
 * Keys read per range before a query counts as too vague to read on ("a e"): its answer is then
 * the matches among the candidates read. Bounds a query at a few hundred milliseconds.
 */
const MAX_KEYS_PER_WORD = 24_000
/**
 * Keys of a word's unmarked range read beside a pair: for a name prefix it holds the usernames
 * and title words it starts, a few hundred at most; a longer one is a common title word ("sha":
 * sharepoint), and the other word's ranges hold the answer in fewer keys.
 */
const PAIR_SIDE_KEYS = 600

export type TicketSearch = Pick<StationStore, 'search' | 'ticketByNumber'>

interface ParsedKey {
  ticketId: string
  tokens: string[]
}

/** One key range, read from the highest key down a page at a time. */
interface Cursor {
  readonly span: KeySpan
  /** The lowest key read so far: the next page lies below it. */
  below: string | null
  read: number
  done: boolean
  /** The page read last and how far into it the merge has taken. */
  page: ParsedKey[]
  at: number
}

const cursorOf = (span: KeySpan): Cursor => ({
  span,
  below: null,
  read: 0,
  done: false,
  page: [],
  at: 0,
})

/** A word's ranges: tokens it starts that are paired caller-name words, and all others. */
const wordSpans = (word: string): KeySpan[] => [prefixRange(word), namePrefixRange(word)]

/** The token then the ticket, as the keys of one range are ordered. */
function above(a: ParsedKey, b: ParsedKey): boolean {
  const [x, y] = [a.tokens[0]!, b.tokens[0]!]
  return x === y ? a.ticketId > b.ticketId : x > y
}

export function createTicketSearch(core: StoreCore): TicketSearch {
  const { db } = core

  async function nextPage(cursor: Cursor, count: number): Promise<ParsedKey[]> {
    const [lower, upper] = cursor.span
    const keys = (await db.words
      .where(':id')
      .between(lower, cursor.below ?? upper, true, cursor.below === null)
      .reverse()
      .limit(count)
      .primaryKeys()) as string[]
    cursor.read += keys.length
    cursor.done = keys.length < count || cursor.read >= MAX_KEYS_PER_WORD
    if (keys.length > 0) cursor.below = keys[keys.length - 1]!
    return keys.map(parseWordKey)
  }

  /** A whole range (up to the bound), in one read: each round trip costs a few hundred keys. */
  async function wholeRange(span: KeySpan, count = MAX_KEYS_PER_WORD): Promise<Cursor> {
    const cursor = cursorOf(span)
    cursor.page = await nextPage(cursor, Math.min(count + 1, MAX_KEYS_PER_WORD))
    return cursor
  }

  /**
   * The rows of `ids`, in order, that have a token for every word: read anyway to answer, they
   * are checked too, so a key out of step with its row (a write that went around the middleware)
   * never gives a wrong answer. Stops at `limit`; `checked` keeps rows read earlier in the query.
   */
  async function currentRows(
    ids: readonly string[],
    words: readonly string[],
    limit: number,
    checked: Map<string, TicketRow | null>,
  ): Promise<TicketRow[]> {
    const found: TicketRow[] = []
    for (let at = 0; at < ids.length && found.length < limit;) {
      const batch = ids.slice(at, at + limit - found.length + 8)
      const unread = batch.filter((id) => !checked.has(id))
      const rows = await db.tickets.bulkGet(unread)
      unread.forEach((id, i) => {
        const row = rows[i]
        checked.set(id, row && prefixesAll(row.tokens, words) ? row : null)
      })
      for (const id of batch) {
        const row = checked.get(id)
        if (row && found.length < limit) found.push(row)
      }
      at += batch.length
    }
    return found
  }

  /**
   * Tickets with a token starting with `word`, in the order of its keys (token, then ticket,
   * highest first): its two ranges merged, read a page at a time until `limit` are found.
   */
  async function byWord(word: string, limit: number): Promise<TicketRow[]> {
    const cursors = wordSpans(word).map(cursorOf)
    const matches: string[] = []
    const seen = new Set<string>()
    const checked = new Map<string, TicketRow | null>()
    for (let chunk = limit, wanted = limit; ; chunk = Math.min(chunk * 2, MAX_CHUNK)) {
      for (;;) {
        const empty = cursors.filter((c) => c.at === c.page.length && !c.done)
        if (empty.length > 0) {
          await Promise.all(
            empty.map(async (c) => {
              c.page = await nextPage(c, chunk)
              c.at = 0
            }),
          )
          continue
        }
        let next: Cursor | undefined
        for (const c of cursors)
          if (c.at < c.page.length && (!next || above(c.page[c.at]!, next.page[next.at]!))) next = c
        if (!next) break
        const key = next.page[next.at++]!
        if (!seen.has(key.ticketId) && prefixesAll(key.tokens, [word])) {
          seen.add(key.ticketId)
          matches.push(key.ticketId)
          if (matches.length >= wanted) break
        }
      }
      const rows = await currentRows(matches, [word], limit, checked)
      if (rows.length >= limit || cursors.every((c) => c.done && c.at === c.page.length))
        return rows
      // Short of `limit` with more to read: keys out of step took places; read as many more.
      wanted = matches.length + limit - rows.length
    }
  }

  /**
   * Tickets where every word starts a token, newest first. Each key carries all its ticket's
   * tokens, so the keys of any one word answer the query: those of a caller-name pair and the
   * plain ranges of both its words (pairedCandidates), else the rarest word's ranges, counted
   * first (a count stays inside IndexedDB; reading a key brings it across to this page, several
   * times the cost) and read to their end.
   */
  async function byWords(words: readonly string[], limit: number): Promise<TicketRow[]> {
    const cursors = (await pairedCandidates(words)) ?? (await rarestRanges(words))
    const ids = new Set<string>()
    for (const cursor of cursors)
      for (const key of cursor.page) if (prefixesAll(key.tokens, words)) ids.add(key.ticketId)
    // Ticket ids are UUIDv7: in the order they were opened.
    return currentRows([...ids].sort().reverse(), words, limit, new Map())
  }

  /**
   * The keys holding every ticket that matches two words of the query, each PAIR_LETTERS long
   * or longer, neither starting the other (so they start two different tokens): tickets where
   * both start caller-name words share a pair key; where one starts any other token, it is in
   * that word's unmarked range. When one of those is long (a common title word), the other
   * word's ranges hold every answer. Undefined when both are long, or no two words fit.
   */
  async function pairedCandidates(words: readonly string[]): Promise<Cursor[] | undefined> {
    const [a, b] = words
      .filter((word) => word.length >= PAIR_LETTERS)
      .sort((x, y) => y.length - x.length)
    if (!a || !b) return undefined
    const [pair, sideA, sideB] = await Promise.all([
      wholeRange(pairRange(a, b)),
      wholeRange(prefixRange(a), PAIR_SIDE_KEYS),
      wholeRange(prefixRange(b), PAIR_SIDE_KEYS),
    ])
    if (sideA.done && sideB.done) return [pair, sideA, sideB]
    if (sideA.done === sideB.done) return undefined
    const [short, word] = sideA.done ? [sideA, a] : [sideB, b]
    return [short, await wholeRange(namePrefixRange(word))]
  }

  async function rarestRanges(words: readonly string[]): Promise<Cursor[]> {
    const counts = await Promise.all(
      words.map((word) =>
        Promise.all(
          wordSpans(word).map(([lower, upper]) =>
            db.words.where(':id').between(lower, upper, true, true).count(),
          ),
        ),
      ),
    )
    const totals = counts.map(([plain = 0, name = 0]) => plain + name)
    const rarest = totals.indexOf(Math.min(...totals))
    const spans = wordSpans(words[rarest]!)
    return Promise.all(spans.map((span, i) => wholeRange(span, counts[rarest]![i])))
  }

  /**
   * Tickets of the keys in `[lower, upper]`, in key order: by the token exactly `token` (a ticket
   * number, current or earlier), or by tokens starting with it ("a1-1", "a1-10", "a1-100", …).
   */
  async function byNumber(token: string, exact: boolean, limit: number): Promise<TicketRow[]> {
    const [lower, upper] = exact ? exactRange(token) : prefixRange(token)
    const keys = (await db.words
      .where(':id')
      .between(lower, upper)
      .limit(limit)
      .primaryKeys()) as string[]
    const ids = [...new Set(keys.map((key) => parseWordKey(key).ticketId))]
    return currentRows(ids, [token], limit, new Map())
  }

  async function searchRows(query: string, limit: number): Promise<TicketRow[]> {
    const plan = planSearch(query)
    switch (plan.kind) {
      case 'none':
        return []
      case 'number': {
        const [exact, prefixed] = await Promise.all([
          db.tickets.where('number').equals(plan.number).first(),
          byNumber(plan.prefix, false, limit),
        ])
        return uniqueById(exact ? [exact, ...prefixed] : prefixed).slice(0, limit)
      }
      case 'phone':
        // Newest first: the caller on the line is most likely about their latest ticket.
        return db.tickets
          .where('callerPhone')
          .startsWith(plan.digits)
          .reverse()
          .limit(limit)
          .toArray()
      case 'words': {
        // A word that starts another of the query asks nothing more of a ticket.
        const words = [plan.index, ...plan.rest].filter(
          (word, _, all) => !all.some((other) => other !== word && other.startsWith(word)),
        )
        return words.length === 1 ? byWord(words[0]!, limit) : byWords(words, limit)
      }
    }
  }

  return {
    async ticketByNumber(number) {
      const plan = planSearch(number)
      if (plan.kind !== 'number') return undefined
      // A number the ticket had before it was renumbered is one of its tokens.
      const row =
        (await db.tickets.where('number').equals(plan.number).first()) ??
        (await byNumber(plan.prefix, true, 1))[0]
      if (!row) return undefined
      core.view.rememberRow(row)
      return ticketOfRow(row)
    },

    async search(query, limit = 20) {
      const bounded = Math.min(Math.max(limit, 0), MAX_WINDOW)
      if (bounded === 0) return []
      return (await searchRows(query, bounded)).map(ticketOfRow)
    },
  }
}
