/**
 * Finding tickets by what the agent typed (query.ts plans it): a ticket number, a phone prefix,
 * or words each starting a caller name, username or title word. Every plan is answered from index
 * ranges with limits, never a scan.
 */
import { ticketOfRow, type TicketRow } from './db'
import { planSearch, prefixesAll } from './query'
import { MAX_WINDOW, uniqueById, type StoreCore } from './store-core'
import type { StationStore } from './store-types'

/** `searchTokens` keeps at most this many tokens per ticket. */
const MAX_TOKENS = 24
/**
 * How many matches of one search word are listed (primary keys only, cheap) before the word
 * counts as too common to list; and how many rows a search reads to check such words.
 */
export const MAX_CANDIDATES = 2000
const MAX_ROWS_CHECKED = 500

export type TicketSearch = Pick<StationStore, 'search' | 'ticketByNumber'>

export function createTicketSearch(core: StoreCore): TicketSearch {
  const { db } = core

  /**
   * Tickets with a token starting with `prefix`, newest first within a token. A ticket appears
   * once per matching token, so a short read is topped up; at most MAX_TOKENS rows per ticket
   * bounds the loop.
   */
  async function byTokenPrefix(prefix: string, limit: number): Promise<TicketRow[]> {
    for (let fetch = limit; ; fetch *= 2) {
      const rows = await db.tickets
        .where('tokens')
        .startsWith(prefix)
        .reverse()
        .limit(fetch)
        .toArray()
      const unique = uniqueById(rows)
      if (unique.length >= limit || rows.length < fetch || fetch >= limit * MAX_TOKENS) {
        return unique.slice(0, limit)
      }
    }
  }

  /**
   * Tickets where every word starts a token. The primary keys of each word's matches (keys only,
   * up to MAX_CANDIDATES) are read in parallel; a list below the cap is complete, so the shortest
   * complete list drives and the other complete lists filter it without reading a row. Words
   * too common to list completely are checked on the rows read, up to MAX_ROWS_CHECKED: a query
   * made only of such words ("ma jo") shows the matches among its most recent candidates.
   */
  async function byAllWords(words: readonly string[], limit: number): Promise<TicketRow[]> {
    const lists = await Promise.all(
      words.map((word) =>
        db.tickets.where('tokens').startsWith(word).reverse().limit(MAX_CANDIDATES).primaryKeys(),
      ),
    )
    const complete = lists.map((keys) => keys.length < MAX_CANDIDATES)
    const driver = lists.reduce(
      (best, keys, i) => (keys.length < lists[best]!.length ? i : best),
      0,
    )
    const filters = lists.filter((_, i) => complete[i] && i !== driver).map((keys) => new Set(keys))
    const unchecked = words.filter((_, i) => !complete[i] && i !== driver)
    const candidates = [...new Set(lists[driver])].filter((id) =>
      filters.every((set) => set.has(id)),
    )
    const found: TicketRow[] = []
    const checked =
      unchecked.length > 0 ? Math.min(candidates.length, MAX_ROWS_CHECKED) : candidates.length
    // Batches grow: few round trips when matches are rare, little over-reading when they are not.
    for (let at = 0, batch = limit; at < checked && found.length < limit; at += batch, batch *= 3) {
      const rows = await db.tickets.bulkGet(candidates.slice(at, Math.min(at + batch, checked)))
      for (const row of rows) {
        if (row && prefixesAll(row.tokens, unchecked)) found.push(row)
      }
    }
    return found.slice(0, limit)
  }

  async function searchRows(query: string, limit: number): Promise<TicketRow[]> {
    const plan = planSearch(query)
    switch (plan.kind) {
      case 'none':
        return []
      case 'number': {
        const [exact, prefixed] = await Promise.all([
          db.tickets.where('number').equals(plan.number).first(),
          db.tickets.where('tokens').startsWith(plan.prefix).limit(limit).toArray(),
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
        return plan.rest.length === 0
          ? byTokenPrefix(plan.index, limit)
          : byAllWords([plan.index, ...plan.rest], limit)
    }
  }

  return {
    async ticketByNumber(number) {
      const plan = planSearch(number)
      if (plan.kind !== 'number') return undefined
      // A number the ticket had before it was renumbered is one of its tokens.
      const row =
        (await db.tickets.where('number').equals(plan.number).first()) ??
        (await db.tickets.where('tokens').equals(plan.prefix).first())
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
