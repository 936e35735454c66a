/**
 * The `words` store: one row per search token of each ticket, everything search needs held in
 * its key, `token \0 ticketId \0 the ticket's other tokens`. Search reads key ranges of this store
 * only (keys, no values): in Chromium a key range of an object store costs a third of the same
 * range of a multi-entry index, which checks each entry against its record, and a key carries
 * the ticket's other tokens, so any one word's range answers a whole query (search.ts).
 *
 * Since schema 5 a ticket's caller-name words are keyed apart (marked), and each pair of them
 * has one more key, led by the first letters of both: "jam smi" reads the few tickets of the
 * pair "jam"+"smi" and the unmarked ranges of "jam" and "smi" (a username, a title word), which
 * for names are short, instead of a whole name's range of thousands.
 *
 * The rows follow the tickets table by themselves: a DBCore middleware changes them in the same
 * transaction as any write of a ticket row, whoever writes it (local write, pull, bootstrap). It
 * knows the rows as they were (read first, or read already by the writer), so only keys whose
 * tokens changed are written (an opening, a retitle, a rename, a renumbering; a note writes none)
 * and the keys of lost tokens are deleted.
 */
import type { DBCore, DBCoreMutateRequest, DBCoreTable, DBCoreTransaction, Middleware } from 'dexie'
import { wordsOf } from '../../../shared/incident/search'

export const WORDS_TABLE = 'words'
const TICKETS_TABLE = 'tickets'
const SEP = '\u0000'
/**
 * Leads the key of a paired caller-name word, so the plain range of a prefix holds only the
 * other tokens (numbers, username, title words): a two-word query reads those and the pair.
 */
const NAME = '\u0001'
/** Leads the key of a pair of caller-name words: their first letters, sorted, then the ticket. */
const PAIR = '\u0002'
/** Letters of each word in a pair key: a query word this long or longer can use the pair. */
export const PAIR_LETTERS = 3
/** Name words paired per ticket, so a long name costs at most six pair keys. */
const MAX_PAIRED = 4

/** What of a ticket row its keys are made of. */
export interface WordRow {
  id: string
  tokens?: readonly string[]
  caller?: { name?: string }
}

/**
 * The caller-name words of a row that its pair keys cover, each then keyed apart from the
 * other tokens. A word with a digit stays with the others, so a ticket number (which has one)
 * is always found in the plain ranges.
 */
function pairedWords(row: WordRow): string[] {
  const tokens = new Set(row.tokens ?? [])
  return [...new Set(wordsOf(row.caller?.name ?? ''))]
    .filter((word) => word.length >= PAIR_LETTERS && !/\d/.test(word) && tokens.has(word))
    .slice(0, MAX_PAIRED)
}

function pairOf(a: string, b: string): string {
  return [a.slice(0, PAIR_LETTERS), b.slice(0, PAIR_LETTERS)].sort().join('')
}

function keyOf(lead: string, id: string, tokens: readonly string[]): string {
  return [lead, id, ...tokens].join(SEP)
}

/** Schema 4's keys of a row: one per token, none marked, no pairs. */
export function tokenKeys(row: WordRow): string[] {
  const tokens = row.tokens ?? []
  return tokens.map((token) =>
    keyOf(
      token,
      row.id,
      tokens.filter((other) => other !== token),
    ),
  )
}

/**
 * The keys of one ticket row: one per token (a paired name word's marked), and one per pair of
 * its paired name words, which carries all the tokens.
 */
export function wordKeys(row: WordRow): string[] {
  const tokens = row.tokens ?? []
  const paired = pairedWords(row)
  const keys = tokens.map((token) =>
    keyOf(
      paired.includes(token) ? NAME + token : token,
      row.id,
      tokens.filter((other) => other !== token),
    ),
  )
  const pairs = new Set(paired.flatMap((a, i) => paired.slice(i + 1).map((b) => pairOf(a, b))))
  for (const pair of pairs) keys.push(keyOf(PAIR + pair, row.id, tokens))
  return keys
}

/**
 * One key read back: the ticket and all its tokens (a token key's own first, for the order of
 * a one-word answer; a pair key's lead is no token).
 */
export function parseWordKey(key: string): { ticketId: string; tokens: string[] } {
  const [lead = '', ticketId = '', ...others] = key.split(SEP)
  if (lead.startsWith(PAIR)) return { ticketId, tokens: others }
  return { ticketId, tokens: [lead.startsWith(NAME) ? lead.slice(1) : lead, ...others] }
}

/** A key range as its [lower, upper] bounds, both included. */
export type KeySpan = readonly [string, string]

/** Keys of tokens starting with `prefix` other than paired name words. */
export function prefixRange(prefix: string): KeySpan {
  return [prefix, `${prefix}\uffff`]
}

/** Keys of paired name words starting with `prefix`. */
export function namePrefixRange(prefix: string): KeySpan {
  return prefixRange(NAME + prefix)
}

/** Keys of the token exactly `token` (a ticket number: never a paired name word). */
export function exactRange(token: string): KeySpan {
  return [`${token}${SEP}`, `${token}${SEP}\uffff`]
}

/**
 * Pair keys of tickets with two paired name words starting with `a` and `b` (each at least
 * PAIR_LETTERS long), and some more: only their first letters are in the key.
 */
export function pairRange(a: string, b: string): KeySpan {
  return exactRange(PAIR + pairOf(a, b))
}

/** What turns `oldKeys` into `newKeys`. */
export function keyChange(
  oldKeys: readonly string[],
  newKeys: readonly string[],
): { gone: string[]; added: string[] } {
  const kept = new Set(newKeys)
  const had = new Set(oldKeys)
  return {
    gone: oldKeys.filter((key) => !kept.has(key)),
    added: newKeys.filter((key) => !had.has(key)),
  }
}

/** The keys a write of `after` over `before` (same ids, in order) removes and adds. */
function changedKeys(
  before: readonly (WordRow | undefined)[],
  after: readonly (WordRow | undefined)[],
  keysOf: (row: WordRow) => string[],
): { gone: string[]; added: string[] } {
  const gone: string[] = []
  const added: string[] = []
  before.forEach((old, i) => {
    const row = after[i]
    const change = keyChange(old ? keysOf(old) : [], row ? keysOf(row) : [])
    gone.push(...change.gone)
    added.push(...change.added)
  })
  return { gone, added }
}

type Pending = Promise<WordRow | undefined>

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
function rowOf(read: Promise<(WordRow | undefined)[]>, i: number): Pending {
  const row = read.then((rows) => rows[i])
  row.catch(() => undefined)
  return row
}

function withWords(
  tickets: DBCoreTable,
  down: DBCore,
  keysOf: (row: WordRow) => string[],
): DBCoreTable {
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
      const after: readonly (WordRow | undefined)[] = req.type === 'delete' ? [] : req.values
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
        const { gone, added } = changedKeys(old, after, keysOf)
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

/**
 * Keeps `words` in step with every write of `tickets` (installed from schema version 4), its
 * keys made by `keysOf`: `tokenKeys` for a database opened as schema 4 was, else `wordKeys`.
 */
export function searchWordsMiddleware(keysOf: (row: WordRow) => string[]): Middleware<DBCore> {
  return {
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
          return name === TICKETS_TABLE ? withWords(table, down, keysOf) : table
        },
      }
    },
  }
}
