/**
 * The `words` store: one row per search token of each ticket, everything search needs held in
 * its key, `token \0 ticketId \0 the ticket's other tokens`. Search reads key ranges of this store
 * only (keys, no values): in Chromium a key range of an object store costs a third of the same
 * range of a multi-entry index, which checks each entry against its record, and a key carries
 * the ticket's other tokens, so any one word's range answers a whole query (search.ts).
 *
 * The rows follow the tickets table by themselves: a DBCore middleware adds them in the same
 * transaction as any put of a ticket row, whoever writes it (local write, pull, bootstrap). A key
 * made for tokens a ticket no longer has (retitled, renumbered, removed) stays until the table is
 * cleared; search checks each answer against the ticket row it reads anyway, so such a key costs
 * a little space, never a wrong answer. Puts are idempotent, so a note on a ticket rewrites the
 * same keys and leaves no garbage.
 */
import type { DBCore, DBCoreMutateRequest, DBCoreTable, Middleware } from 'dexie'

export const WORDS_TABLE = 'words'
const TICKETS_TABLE = 'tickets'
const SEP = '\u0000'

/** The keys of one ticket row: its id, its tokens. */
export function wordKeys(row: { id: string; tokens: readonly string[] }): string[] {
  return row.tokens.map((token) =>
    [token, row.id, ...row.tokens.filter((other) => other !== token)].join(SEP),
  )
}

/** One key read back: the ticket and all its tokens (the indexed one first). */
export function parseWordKey(key: string): { ticketId: string; tokens: string[] } {
  const [token = '', ticketId = '', ...others] = key.split(SEP)
  return { ticketId, tokens: [token, ...others] }
}

/** Keys of tokens starting with `prefix`, as an [lower, upper] pair of the range. */
export function prefixRange(prefix: string): [string, string] {
  return [prefix, `${prefix}\uffff`]
}

/** Keys of the token exactly `token`. */
export function exactRange(token: string): [string, string] {
  return [`${token}${SEP}`, `${token}${SEP}\uffff`]
}

function withWords(tickets: DBCoreTable, down: DBCore): DBCoreTable {
  return {
    ...tickets,
    mutate(req: DBCoreMutateRequest) {
      // Looked up per write: while an older database upgrades, the stack is built without it.
      const words = down.table(WORDS_TABLE)
      if (req.type === 'put' || req.type === 'add') {
        const keys = req.values.flatMap(wordKeys)
        const posted = words.mutate({
          type: 'put',
          trans: req.trans,
          values: keys.map(() => 0),
          keys,
        })
        // Both are requests of one transaction: if either fails, the transaction aborts.
        return Promise.all([tickets.mutate(req), posted]).then(([result]) => result)
      }
      if (req.type === 'deleteRange' && req.range.type === 3 /* DBCoreRangeType.Any */) {
        const cleared = words.mutate({ type: 'deleteRange', trans: req.trans, range: req.range })
        return Promise.all([tickets.mutate(req), cleared]).then(([result]) => result)
      }
      return tickets.mutate(req)
    },
  }
}

/** Keeps `words` in step with every write of `tickets` (installed from schema version 4). */
export const searchWordsMiddleware: Middleware<DBCore> = {
  stack: 'dbcore',
  name: 'searchWords',
  create(down) {
    return {
      ...down,
      transaction(stores, mode, options) {
        const scope =
          mode === 'readwrite' && stores.includes(TICKETS_TABLE) && !stores.includes(WORDS_TABLE)
            ? [...stores, WORDS_TABLE]
            : stores
        return down.transaction(scope, mode, options)
      },
      table(name) {
        const table = down.table(name)
        return name === TICKETS_TABLE ? withWords(table, down) : table
      },
    }
  },
}
