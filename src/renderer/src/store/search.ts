/**
 * Finding tickets by what the agent typed (query.ts plans it): a ticket number, a phone prefix,
 * or words each starting a caller name, username, title word or ticket number. Words are answered
 * from key ranges of the `words` store (search-words.ts), every read with a limit, never a scan.
 */
import { ticketOfRow, type TicketRow } from './db'
import { planSearch, prefixesAll } from './query'
import { exactRange, parseWordKey, prefixRange } from './search-words'
import { MAX_WINDOW, uniqueById, type StoreCore } from './store-core'
import type { StationStore } from './store-types'

/** The largest page of a word's range read at once after the first; pages double up to it. */
const MAX_CHUNK = 8192
/**
 * Keys read per word before a query counts as too vague to read on ("a e"): its answer is then
 * the matches among the most recent candidates. Bounds a query at a few hundred milliseconds.
 */
const MAX_KEYS_PER_WORD = 24_000

export type TicketSearch = Pick<StationStore, 'search' | 'ticketByNumber'>

/** One word's key range, read from the highest key down a page at a time. */
interface WordRange {
  readonly word: string
  /** The lowest key read so far: the next page lies below it. */
  below: string | null
  read: number
  done: boolean
  /** Tickets whose key carries every word of the query, in this range's order. */
  readonly matches: string[]
  readonly seen: Set<string>
}

export function createTicketSearch(core: StoreCore): TicketSearch {
  const { db } = core

  async function nextPage(range: WordRange, words: readonly string[], count: number) {
    const [lower, upper] = prefixRange(range.word)
    const keys = (await db.words
      .where(':id')
      .between(lower, range.below ?? upper, true, range.below === null)
      .reverse()
      .limit(count)
      .primaryKeys()) as string[]
    range.read += keys.length
    range.done = keys.length < count || range.read >= MAX_KEYS_PER_WORD
    if (keys.length > 0) range.below = keys[keys.length - 1]!
    for (const key of keys) {
      const { ticketId, tokens } = parseWordKey(key)
      if (!range.seen.has(ticketId) && prefixesAll(tokens, words)) {
        range.seen.add(ticketId)
        range.matches.push(ticketId)
      }
    }
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
   * Tickets where every word starts a token. Each key carries all its ticket's tokens, so one
   * word's range alone answers the query: the rarest word's, counted first (a count stays inside
   * IndexedDB; reading a key brings it across to this page, several times the cost), then read
   * page by page until it ends (all matches, in its order, as a one-word search ranks them) or
   * holds `limit` matches. The cost is about the rarest word's tickets, however common the
   * others are.
   */
  async function byWords(words: readonly string[], limit: number): Promise<TicketRow[]> {
    const { range, keys } = await rarestRange(words)
    const checked = new Map<string, TicketRow | null>()
    // Matches of several words are few, so the rarest range is usually read to its end: in one
    // read when it is counted, each round trip costing as much as a few hundred keys.
    for (let chunk = words.length === 1 ? limit : Math.min(keys + 1, MAX_KEYS_PER_WORD); ;) {
      await nextPage(range, words, chunk)
      if (range.done || range.matches.length >= limit) {
        const rows = await currentRows(range.matches, words, limit, checked)
        // Short of `limit` with more to read: keys out of step took places.
        if (rows.length >= limit || range.done) return rows
      }
      chunk = Math.min(chunk * 2, MAX_CHUNK)
    }
  }

  async function rarestRange(
    words: readonly string[],
  ): Promise<{ range: WordRange; keys: number }> {
    const counts =
      words.length === 1
        ? [0]
        : await Promise.all(
            words.map((word) => {
              const [lower, upper] = prefixRange(word)
              return db.words.where(':id').between(lower, upper, true, true).count()
            }),
          )
    const rarest = counts.indexOf(Math.min(...counts))
    return {
      range: {
        word: words[rarest]!,
        below: null,
        read: 0,
        done: false,
        matches: [],
        seen: new Set(),
      },
      keys: counts[rarest]!,
    }
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
      case 'words':
        return byWords([plan.index, ...plan.rest], limit)
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
