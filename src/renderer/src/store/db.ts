/**
 * The station's IndexedDB database (ARCHITECTURE.md "Stores"): the event log with its sync state,
 * the tickets projection, the directory copy and a key/value `meta` table. The schema is
 * versioned; every version that ever shipped stays declared so an old station upgrades in place.
 *
 * Index choices follow PERFORMANCE-NOTES.md: indexes are most of the write and bulk-load cost, so
 * every index here answers a query the UI makes, and prefixes of compound indexes stand in for
 * single-field ones (`[state+priority+updatedAt]` also answers "all open tickets").
 */
import {
  Dexie,
  type ChromeTransactionDurability,
  type DexieOptions,
  type Table,
  type Transaction,
} from 'dexie'
import type {
  CallTemplate,
  CallerRecord,
  RoutingGuidance,
  Team,
  User,
} from '../../../shared/directory'
import type { TicketEvent } from '../../../shared/incident/events'
import { phoneDigits, searchTokens, wordsOf } from '../../../shared/incident/search'
import type { Ticket } from '../../../shared/incident/ticket'
import type { RejectionCode } from '../../../shared/sync/wire'
import {
  WORDS_TABLE,
  keyChange,
  searchWordsMiddleware,
  tokenKeys,
  wordKeys,
  type WordRow,
} from './search-words'

export type SyncState = 'pending' | 'applied' | 'rejected'

/** An event as the station holds it: the immutable event plus where it stands with the server. */
export type StoredEvent = TicketEvent & {
  syncState: SyncState
  /** The server's global sequence, once the server has the event. */
  seq?: number
  /** Why the server refused it; the event stays, visible to the agent. */
  rejection?: { code: RejectionCode; reason: string }
}

/** The projection row: the fold's ticket plus the derived keys its indexes need. */
export interface TicketRow extends Ticket {
  /** Digits only; absent when the caller left no phone, so the index holds no empty keys. */
  callerPhone?: string
  tokens: string[]
  /**
   * Set on a ticket taken from the server's snapshot (adopted.ts): the last seq the server had
   * folded into it. This store does not hold those events.
   */
  adoptedSeq?: number
}

export interface CallerRow extends CallerRecord {
  phoneDigits?: string
  nameWords: string[]
  usernameKey?: string
}

export interface MetaRow {
  key: string
  value: unknown
}

export interface StationDbOptions {
  /** Default: the global `indexedDB` and `IDBKeyRange`; Node tests pass fake-indexeddb's. */
  indexedDB?: DexieOptions['indexedDB']
  IDBKeyRange?: DexieOptions['IDBKeyRange']
  /**
   * Default 'strict': Chromium then flushes each commit to disk before reporting it, so an event
   * the agent saw saved survives a power cut ("nothing typed is ever lost", PRODUCT.md). Chromium's
   * 'default' behaves like 'relaxed' (PERFORMANCE-NOTES.md).
   */
  durability?: ChromeTransactionDurability
  /**
   * Default true: `words` follows every write of `tickets` (search-words.ts). False only for the
   * bootstrap's own connection, whose writer keeps `words` itself (bootstrap-writes.ts).
   */
  keepsWords?: boolean
}

export const STATION_DB_VERSION = 5

const V1_STORES = {
  events: 'id, [ticketId+hlc], syncState, seq',
  tickets: 'id, number, callerPhone, *tokens, [state+priority+updatedAt]',
  teams: 'id',
  routingGuidance: 'id',
  users: 'username',
  callers: 'id, phoneDigits, *nameWords, usernameKey',
  templates: 'id',
  meta: 'key',
}

/**
 * Version 2: team and owner queues get their own indexes, and the number of pending events
 * becomes a counter in `meta`, counted once here, because `count()` over a large table costs a
 * frame or more (PERFORMANCE-NOTES.md). Both arrived before any station shipped; the upgrade is
 * kept as the pattern (and test) for the changes that will come after.
 */
const V2_STORES = {
  tickets:
    'id, number, callerPhone, *tokens, [state+priority+updatedAt], [teamId+state+updatedAt], [owner+state+updatedAt]',
}

/**
 * Version 3: possible duplicates at intake are the working tickets of one service received in
 * the last hours; without an index that meant scanning the open queue, and only its first
 * window. The rows already hold `service`, `state` and `receivedAt`, so the index is built from
 * them and the upgrade needs no step of its own.
 */
const V3_STORES = {
  tickets:
    'id, number, callerPhone, *tokens, [state+priority+updatedAt], [teamId+state+updatedAt], [owner+state+updatedAt], [service+state+receivedAt]',
}

/**
 * Version 4: search reads the `words` store (search-words.ts) instead of the multi-entry
 * `*tokens` index, which goes: a two-word query read two long index ranges, checked entry by
 * entry against their records, and took 30–150 ms over 100k tickets. The upgrade writes the
 * words of every ticket already held, a page at a time.
 */
const V4_STORES = {
  tickets:
    'id, number, callerPhone, [state+priority+updatedAt], [teamId+state+updatedAt], [owner+state+updatedAt], [service+state+receivedAt]',
  [WORDS_TABLE]: '',
}

/**
 * Version 5: a ticket's caller-name words are keyed apart and each pair of them gets a key of
 * its own (search-words.ts), so a two-word name query reads a few dozen keys instead of a name's
 * thousands. No index changes; the upgrade rewrites the name words' keys of every held ticket
 * and adds its pair keys, a page at a time.
 */
const V5_STORES = {}

const UPGRADE_PAGE = 2000

/**
 * Brings the words of every held ticket from the keys `held` says it has to `made`'s: the
 * upgrade to 4 writes them all, the one to 5 only those that changed.
 */
function rewriteWordsOfHeldTickets(
  held: (row: WordRow) => string[],
  made: (row: WordRow) => string[],
): (tx: Transaction) => Promise<void> {
  return async (tx) => {
    const tickets = tx.table<TicketRow, string>('tickets')
    const words = tx.table<number, string>(WORDS_TABLE)
    for (let after: string | null = null; ;) {
      const page: TicketRow[] = await (
        after === null ? tickets.orderBy(':id') : tickets.where(':id').above(after)
      )
        .limit(UPGRADE_PAGE)
        .toArray()
      if (page.length === 0) return
      const changes = page.map((row) => keyChange(held(row), made(row)))
      const added = changes.flatMap((change) => change.added)
      await Promise.all([
        words.bulkDelete(changes.flatMap((change) => change.gone)),
        words.bulkPut(
          added.map(() => 0),
          added,
        ),
      ])
      after = page[page.length - 1]!.id
    }
  }
}

export const PENDING_COUNT_KEY = 'pendingCount'

async function countPendingIntoMeta(tx: Transaction): Promise<void> {
  const pending = await tx.table('events').where('syncState').equals('pending').count()
  await tx.table('meta').put({ key: PENDING_COUNT_KEY, value: pending })
}

export class StationDb extends Dexie {
  declare events: Table<StoredEvent, string>
  declare tickets: Table<TicketRow, string>
  declare teams: Table<Team, string>
  declare routingGuidance: Table<RoutingGuidance, string>
  declare users: Table<User, string>
  declare callers: Table<CallerRow, string>
  declare templates: Table<CallTemplate, string>
  declare meta: Table<MetaRow, string>
  /** Values unused: everything is in the key (search-words.ts). */
  declare words: Table<number, string>

  /** `schemaVersion` below the current one exists to open a database as an older release did. */
  constructor(name: string, options: StationDbOptions = {}, schemaVersion = STATION_DB_VERSION) {
    super(name, {
      ...(options.indexedDB ? { indexedDB: options.indexedDB } : {}),
      ...(options.IDBKeyRange ? { IDBKeyRange: options.IDBKeyRange } : {}),
      chromeTransactionDurability: options.durability ?? 'strict',
    })
    this.version(1).stores(V1_STORES)
    if (schemaVersion >= 2) this.version(2).stores(V2_STORES).upgrade(countPendingIntoMeta)
    if (schemaVersion >= 3) this.version(3).stores(V3_STORES)
    if (schemaVersion >= 4)
      this.version(4)
        .stores(V4_STORES)
        .upgrade(rewriteWordsOfHeldTickets(() => [], tokenKeys))
    if (schemaVersion >= 5)
      this.version(5).stores(V5_STORES).upgrade(rewriteWordsOfHeldTickets(tokenKeys, wordKeys))
    if (schemaVersion >= 4 && options.keepsWords !== false)
      this.use(searchWordsMiddleware(schemaVersion >= 5 ? wordKeys : tokenKeys))
  }
}

export function ticketRow(ticket: Ticket): TicketRow {
  const phone = phoneDigits(ticket.caller.phone ?? '')
  return { ...ticket, tokens: searchTokens(ticket), ...(phone ? { callerPhone: phone } : {}) }
}

export function ticketOfRow(row: TicketRow): Ticket {
  const { tokens: _tokens, callerPhone: _callerPhone, adoptedSeq: _adopted, ...ticket } = row
  return ticket
}

export function eventOfRow(row: StoredEvent): TicketEvent {
  const { syncState: _state, seq: _seq, rejection: _rejection, ...event } = row
  return event as TicketEvent
}

export function callerRow(caller: CallerRecord): CallerRow {
  const phone = phoneDigits(caller.phone)
  const username = caller.username.trim().toLowerCase()
  return {
    ...caller,
    nameWords: [...new Set(wordsOf(caller.name))],
    ...(phone ? { phoneDigits: phone } : {}),
    ...(username ? { usernameKey: username } : {}),
  }
}

export function callerOfRow(row: CallerRow): CallerRecord {
  const { phoneDigits: _phone, nameWords: _words, usernameKey: _username, ...caller } = row
  return caller
}
