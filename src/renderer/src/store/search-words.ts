/**
 * The `words` store: one row per search token of each ticket, everything search needs held in
 * its key, `token \0 ticketId \0 the ticket's other tokens`. Search reads key ranges of this store
 * only (keys, no values): in Chromium a key range of an object store costs a third of the same
 * range of a multi-entry index, which checks each entry against its record, and a key carries
 * the ticket's other tokens, so any one word's range answers a whole query (search.ts).
 *
 * The rows follow the tickets table by themselves: a DBCore middleware changes them in the same
 * transaction as any write of a ticket row, whoever writes it (local write, pull, bootstrap). It
 * knows the rows as they were (read first, or read already by the writer), so only keys whose
 * tokens changed are written (an opening, a retitle, a renumbering; a note writes none) and the
 * keys of lost tokens are deleted.
 */
import type { DBCore, DBCoreMutateRequest, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie'

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

interface Tokened {
  id: string
  tokens?: readonly string[]
}

/** The keys a write of `after` over `before` (same ids, in order) removes and adds. */
function changedKeys(
  before: readonly (Tokened | undefined)[],
  after: readonly (Tokened | undefined)[],
): { gone: string[]; added: string[] } {
  const gone: string[] = []
  const added: string[] = []
  before.forEach((old, i) => {
    const oldKeys = old ? wordKeys({ id: old.id, tokens: old.tokens ?? [] }) : []
    const row = after[i]
    const newKeys = row ? wordKeys({ id: row.id, tokens: row.tokens ?? [] }) : []
    const kept = new Set(newKeys)
    const had = new Set(oldKeys)
    gone.push(...oldKeys.filter((key) => !kept.has(key)))
    added.push(...newKeys.filter((key) => !had.has(key)))
  })
  return { gone, added }
}

type Pending = Promise<Tokened | undefined>

/**
 * The rows of `tickets` as a read-write transaction last read or wrote them, per id: a write
 * reads the ticket it changes first (optimistic-write.ts, projection.ts), so its put finds the row it replaces here
 * and needs no read of its own. Requests of a transaction run in order, so a read issued before
 * a put sees the row the put replaces, even while it is still pending.
 */
const seenRows = new WeakMap<DBCoreTransaction, Map<string, Pending>>()

function rowsSeen(trans: DBCoreTransaction): Map<string, Pending> | undefined {
  if ((trans as unknown as { mode?: string }).mode !== 'readwrite') return undefined
  let rows = seenRows.get(trans)
  if (!rows) seenRows.set(trans, (rows = new Map()))
  return rows
}

/**
 * The i-th row of a read, kept for a write that may never come: a read that fails (the
 * transaction aborted, the database closed) fails whoever awaits it, and is not an unhandled
 * rejection when no write does.
 */
function rowOf(read: Promise<(Tokened | undefined)[]>, i: number): Pending {
  const row = read.then((rows) => rows[i])
  row.catch(() => undefined)
  return row
}

function withWords(tickets: DBCoreTable, down: DBCore): DBCoreTable {
  return {
    ...tickets,
    getMany(req) {
      const read = tickets.getMany(req)
      const seen = rowsSeen(req.trans)
      if (seen) {
        req.keys.forEach((id: string, i) => {
          if (!seen.has(id)) seen.set(id, rowOf(read, i))
        })
      }
      return read
    },
    mutate(req: DBCoreMutateRequest) {
      // Looked up per write: while an older database upgrades, the stack is built without it.
      const words = down.table(WORDS_TABLE)
      const { trans } = req
      if (req.type === 'deleteRange') {
        if (req.range.type !== 3 /* DBCoreRangeType.Any: clear() */) return tickets.mutate(req)
        seenRows.delete(trans)
        const cleared = words.mutate({ type: 'deleteRange', trans, range: req.range })
        return Promise.all([tickets.mutate(req), cleared]).then(([result]) => result)
      }
      const after: readonly (Tokened | undefined)[] = req.type === 'delete' ? [] : req.values
      const ids: string[] = req.type === 'delete' ? req.keys : after.map((row) => row!.id)
      if (ids.length === 0) return tickets.mutate(req)
      const seen = rowsSeen(trans) ?? new Map<string, Pending>()
      const unread = [...new Set(ids.filter((id) => !seen.has(id)))]
      if (unread.length > 0) {
        const read = tickets.getMany({ trans, keys: unread })
        unread.forEach((id, i) => seen.set(id, rowOf(read, i)))
      }
      const before = Promise.all(ids.map((id) => seen.get(id)!))
      ids.forEach((id, i) => seen.set(id, Promise.resolve(after[i])))
      const written = tickets.mutate(req)
      // A note or a field change leaves the tokens as they are and writes no key.
      const synced = before.then((old) => {
        const { gone, added } = changedKeys(old, after)
        return Promise.all([
          gone.length > 0 && words.mutate({ type: 'delete', trans, keys: gone }),
          added.length > 0 &&
            words.mutate({ type: 'put', trans, values: added.map(() => 0), keys: added }),
        ])
      })
      // One transaction: if either fails, it aborts and neither is kept.
      return Promise.all([written, synced]).then(([result]) => result)
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
