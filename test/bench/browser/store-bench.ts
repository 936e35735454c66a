/**
 * The page side of the `store` bench: a station database of 100,000 tickets made by the real
 * rules and the real fold, loaded in chunks, and the timed store operations. Timing happens here,
 * in the page, so the figures hold no DevTools-protocol round trips.
 */
import {
  addTechNote,
  changeFields,
  foldTicket,
  openTicket,
  type CommandContext,
  type CommandResult,
  type OpenInput,
  type TicketEvent,
} from '../../../src/shared/incident'
import { uuidv7 } from '../../../src/shared/ids'
import { createClock, formatHlc, tick } from '../../../src/shared/sync/hlc'
import {
  createStationStore,
  type RecordContext,
  type StationStore,
} from '../../../src/renderer/src/store'
import {
  StationDb,
  ticketRow,
  type StoredEvent,
  type TicketRow,
} from '../../../src/renderer/src/store/db'
import { WORDS_TABLE, wordKeys } from '../../../src/renderer/src/store/search-words'
import { seededRandom, type Random } from '../../support/random'
import { memoryNumbers } from '../../support/ticket-numbers'

export const BENCH_DB = 'warmline-bench'
const STATIONS = ['B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7', 'B8']
const START = Date.parse('2026-08-01T07:00:00.000Z')

const FIRST =
  `james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan joseph jessica thomas sarah charles karen christopher lisa daniel nancy matthew betty anthony margaret mark sandra donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth carol kevin amanda brian dorothy george melissa timothy deborah ronald stephanie edward rebecca jason sharon jeffrey laura ryan cynthia jacob kathleen gary amy nicholas angela eric shirley jonathan anna stephen brenda larry pamela justin emma scott nicole brandon helen benjamin samantha samuel katherine gregory christine alexander debra frank rachel patrick carolyn raymond janet jack catherine dennis maria jerry heather tyler diane aaron ruth jose julie adam olivia nathan joyce henry virginia douglas victoria zachary kelly peter lauren kyle christina ethan joan walter evelyn noah judith jeremy megan christian andrea keith cheryl roger hannah terry jacqueline gerald martha harold gloria sean teresa austin ann carl sara arthur madison lawrence frances dylan kathryn jesse janice jordan jean bryan abigail billy alice joe judy bruce sophia gabriel grace logan denise albert amber willie doris alan marilyn juan danielle wayne beverly elijah isabella randy theresa roy diana vincent natalie ralph brittany eugene charlotte russell marie bobby kayla mason alexis philip lori`.split(
    ' ',
  )
const LAST =
  `smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders patel myers long ross foster jimenez powell jenkins perry russell sullivan bell coleman butler henderson barnes gonzales fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace moreno west cole hayes bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall owens harrison fernandez mcdonald woods washington kennedy wells vargas henry chen freeman webb tucker guzman burns crawford olson simpson porter hunter gordon mendez silva shaw snyder mason dixon munoz hunt hicks holmes palmer wagner black robertson boyd rose stone salazar fox warren mills meyer rice schmidt garza daniels ferguson nichols stephens soto weaver ryan gardner payne grant dunn kelley spencer hawkins arnold pierce vazquez hansen peters santos hart bradley knight elliott cunningham duncan armstrong hudson carroll lane riley andrews alvarado ray delgado berry perkins hoffman johnston matthews pena richards contreras willis carpenter lawrence sandoval`.split(
    ' ',
  )
const WHAT =
  `printer password vpn wifi email outlook laptop projector monitor keyboard mouse headset phone voicemail calendar teams zoom canvas blackboard library badge door account mfa authenticator license office excel word powerpoint onedrive sharepoint drive backup virus phishing spam browser chrome firefox safari java portal payroll registration grades transcript network ethernet dhcp dns certificate server share folder permission scanner copier toner`.split(
    ' ',
  )
const HOW =
  `not working, cannot connect, keeps asking for, locked out of, slow, missing, error on, will not open, crashes, stopped syncing, shows blank, denied access to`.split(
    ', ',
  )

/** A call's data, computed from its index alone, so queries can be built without reading the DB. */
export function syntheticCall(index: number) {
  const random = seededRandom(0x9e3779b1 ^ index)
  const station = STATIONS[index % STATIONS.length]!
  const number = `${station}-${Math.floor(index / STATIONS.length) + 1}`
  const first = random.pick(FIRST)
  const last = random.pick(LAST)
  const phone = `${200 + random.int(800)}${String(random.int(10_000_000)).padStart(7, '0')}`
  const what = random.pick(WHAT)
  const input: OpenInput = {
    source: random.chance(0.8) ? 'phone' : 'email',
    caller: {
      name: `${capital(first)} ${capital(last)}`,
      phone: `(${phone.slice(0, 3)}) ${phone.slice(3, 6)}-${phone.slice(6)}`,
      email: `${first}.${last}@example.edu`,
      username: `${first[0]}${last}${index % 100}`,
    },
    title: `${capital(what)} ${random.pick(HOW)} ${random.pick(WHAT)} in building ${1 + random.int(40)}`,
    description:
      'Caller reports the problem started this morning; restarted once, no change. '.repeat(2),
    service: capital(what),
    category: 'General',
    impact: (1 + random.int(4)) as 1 | 2 | 3 | 4,
    urgency: (1 + random.int(4)) as 1 | 2 | 3 | 4,
    priorityIncrease: random.chance(0.05),
    receivedAt: new Date(START + index * 60_000).toISOString(),
  }
  return { random, station, number, first, last, phone, what, input }
}

function capital(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

function eventsOf(index: number): TicketEvent[] {
  const { random, station, number, input } = syntheticCall(index)
  let wall = START + index * 60_000
  let clock = createClock(station)
  const ctx: CommandContext = {
    actor: `agent${1 + (index % 40)}`,
    station,
    now: () => wall,
    newId: () => uuidFor(index, wall, random),
    nextHlc: () => {
      wall += 1000
      clock = tick(clock, wall)
      return formatHlc(clock)
    },
  }
  const opened = openTicket(input, number, ctx)
  if (!opened.ok)
    throw new Error(`synthetic call ${index} refused: ${JSON.stringify(opened.errors)}`)
  const events = [...opened.events]
  if (random.chance(0.3)) {
    const noted = addTechNote(foldTicket(events)!, 'Walked the caller through a restart.', ctx)
    if (noted.ok) events.push(...noted.events)
  }
  return events
}

/** A UUIDv7 from the index's own random stream, so the database is the same on every load. */
function uuidFor(index: number, wall: number, random: Random): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width)
  const time = hex(wall, 12)
  const rand = hex(index, 8) + hex(random.int(2 ** 30), 8) + hex(random.int(2 ** 30), 8)
  return `${time.slice(0, 8)}-${time.slice(8)}-7${rand.slice(0, 3)}-${hex(8 + random.int(4), 1)}${rand.slice(3, 6)}-${rand.slice(6, 18)}`
}

function rowsOf(start: number, end: number): { events: StoredEvent[]; tickets: TicketRow[] } {
  const events: StoredEvent[] = []
  const tickets: TicketRow[] = []
  for (let index = start; index < end; index++) {
    const made = eventsOf(index)
    // At most two events per ticket: sequence numbers 2i+1 and 2i+2 belong to ticket i.
    for (const [k, event] of made.entries()) {
      events.push({ ...event, syncState: 'applied', seq: index * 2 + k + 1 })
    }
    tickets.push(ticketRow(foldTicket(made)!))
  }
  return { events, tickets }
}

/**
 * Writes tickets [start, end) with their events, as a station that pulled them, in transactions
 * of `chunk` tickets. The next chunk is generated while the browser writes the last one.
 */
async function loadRange(start: number, end: number, chunk: number): Promise<void> {
  const db = new StationDb(BENCH_DB, { durability: 'relaxed' })
  await db.open()
  let writing: Promise<void> = Promise.resolve()
  for (let from = start; from < end; from += chunk) {
    const to = Math.min(from + chunk, end)
    const { events, tickets } = rowsOf(from, to)
    await writing
    writing = db.transaction('rw', [db.events, db.tickets, db.meta], async () => {
      await Promise.all([
        db.events.bulkPut(events),
        db.tickets.bulkPut(tickets),
        db.meta.bulkPut([
          { key: 'cursor', value: to * 2 },
          { key: 'station', value: { code: 'A1', lastSequence: {} } },
        ]),
      ])
    })
  }
  await writing
  db.close()
}

async function ticketCount(): Promise<number> {
  const db = new StationDb(BENCH_DB)
  await db.open()
  const count = await db.tickets.count()
  db.close()
  return count
}

/** What `measureRecords` times, each lane in the same turns as the others. */
export interface RecordTimings {
  strict: number[]
  relaxed: number[]
  /** The bare write `store.record` is held against (`measureFloor`). */
  floor: number[]
  /** Of `strict`, the openings alone: they also write the new ticket's search words. */
  strictOpenings: number[]
  /** Of `strict`, the notes and field changes: no search word changes. */
  strictOthers: number[]
  /** Beside them, for the reader: a bare opening with its search words (`bareOpening`). */
  openingFloor: number[]
}

type Lane = 'strict' | 'relaxed' | 'floor' | 'openingFloor'
const LANES: readonly Lane[] = ['strict', 'relaxed', 'floor', 'openingFloor']

/**
 * Times `store.record` of one event and its projection, and beside it the bare writes, until each
 * lane has `rounds` timings. The lanes take turns in blocks, so none gets the warmer cache or a
 * quieter moment of the machine. Each durability is its own store instance, like two windows of
 * the app: the first record of a block finds the other instance's writes (its view of the clock
 * is stale, and it reads again), which is the multi-window case, not the station's normal one, so
 * the first write of every block is not timed. Openings take a number; notes and field changes
 * go to random existing tickets, read beforehand as the open ticket view has them.
 */
async function measureRecords(
  rounds: number,
  warmup: number,
  tickets: number,
  seed: number,
): Promise<RecordTimings> {
  const BLOCK = 25
  const random = seededRandom(seed)
  // Two windows of one station on one profile: one number authority.
  const numbers = memoryNumbers()
  const stores = {
    strict: await createStationStore(BENCH_DB, { durability: 'strict', numbers }),
    relaxed: await createStationStore(BENCH_DB, { durability: 'relaxed', numbers }),
  }
  const bare = new StationDb(BENCH_DB, { durability: 'strict' })
  await bare.open()
  const timings: RecordTimings = {
    strict: [],
    relaxed: [],
    floor: [],
    strictOpenings: [],
    strictOthers: [],
    openingFloor: [],
  }
  const agent = (ctx: { nextHlc(): string }): CommandContext => ({
    actor: 'agent1',
    station: 'A1',
    now: Date.now,
    newId: () => uuidv7(),
    nextHlc: ctx.nextHlc,
  })
  const made: Record<Lane, number> = { strict: 0, relaxed: 0, floor: 0, openingFloor: 0 }
  const maxBlocks = LANES.length * (Math.ceil((rounds + warmup) / (BLOCK - 1)) + 1)
  for (let block = 0; block < maxBlocks; block++) {
    const lane = LANES[block % LANES.length]!
    for (let i = 0; i < BLOCK && timings[lane].length < rounds; i++) {
      // Each lane's synthetic calls of its own, past the loaded ones and apart from the others'.
      const call = tickets + (LANES.indexOf(lane) * maxBlocks + block) * BLOCK + i
      let elapsed: number
      if (lane === 'floor') elapsed = await measureFloor(bare.backendDB(), tickets, call, random)
      else if (lane === 'openingFloor') elapsed = await timed(() => bareOpening(bare, call))
      else {
        const kind = made[lane] % 3
        elapsed = await timedRecord(stores[lane], kind, tickets, call, random, agent)
        if (lane === 'strict' && i > 0 && made[lane] >= warmup)
          (kind === 0 ? timings.strictOpenings : timings.strictOthers).push(elapsed)
      }
      made[lane] += 1
      if (i > 0 && made[lane] > warmup) timings[lane].push(elapsed)
    }
  }
  stores.strict.close()
  stores.relaxed.close()
  bare.close()
  for (const lane of LANES) {
    if (timings[lane].length < rounds)
      throw new Error(`bench made ${timings[lane].length} timed ${lane} writes, not ${rounds}`)
  }
  return timings
}

async function timed(write: () => Promise<void>): Promise<number> {
  const started = performance.now()
  await write()
  return performance.now() - started
}

/** One `store.record`: kind 0 opens call `call`, 1 adds a note, 2 changes a field. */
async function timedRecord(
  store: StationStore,
  kind: number,
  tickets: number,
  call: number,
  random: Random,
  agent: (ctx: { nextHlc(): string }) => CommandContext,
): Promise<number> {
  let command: (ctx: RecordContext) => CommandResult
  if (kind === 0)
    command = (ctx) => openTicket(syntheticCall(call).input, ctx.nextTicketNumber(), agent(ctx))
  else {
    const existing = await store.ticketByNumber(syntheticCall(random.int(tickets)).number)
    if (!existing) throw new Error('bench ticket missing: the profile is not loaded')
    command =
      kind === 1
        ? (ctx) => addTechNote(existing, `Bench note ${call}`, agent(ctx))
        : (ctx) => changeFields(existing, { urgency: existing.urgency === 1 ? 2 : 1 }, agent(ctx))
  }
  const started = performance.now()
  const result = await store.record(command)
  const elapsed = performance.now() - started
  if (!result.ok) throw new Error(`bench record refused: ${JSON.stringify(result.errors)}`)
  return elapsed
}

/**
 * The floor under `store.record` on this machine and profile: one IndexedDB transaction that adds
 * an event and puts a ticket row, with none of the store's reads, logic or derived rows (the
 * search words a ticket write adds count against the store), 'strict' durability.
 */
async function measureFloor(
  idb: IDBDatabase,
  tickets: number,
  call: number,
  random: Random,
): Promise<number> {
  const row = await new Promise<TicketRow | undefined>((resolve, reject) => {
    const tx = idb.transaction('tickets', 'readonly')
    const found = tx
      .objectStore('tickets')
      .index('number')
      .get(syntheticCall(random.int(tickets)).number)
    found.onsuccess = () => resolve(found.result as TicketRow | undefined)
    found.onerror = () => reject(found.error)
  })
  if (!row) throw new Error('bench ticket missing: the profile is not loaded')
  const [opening] = eventsOf(call)
  const event: StoredEvent = { ...opening!, ticketId: row.id, syncState: 'pending' }
  return timed(() => bareWrite(idb, event, row))
}

function bareWrite(
  idb: IDBDatabase,
  event: StoredEvent,
  row: TicketRow,
  words: readonly string[] = [],
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stores = words.length > 0 ? ['events', 'tickets', WORDS_TABLE] : ['events', 'tickets']
    const tx = idb.transaction(stores, 'readwrite', { durability: 'strict' })
    tx.objectStore('events').add(event)
    tx.objectStore('tickets').put(row)
    for (const key of words) tx.objectStore(WORDS_TABLE).put(0, key)
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error)
  })
}

/**
 * A bare opening: its event, the new ticket row and the row's search words (search-words.ts), all
 * requests issued at once, 'strict'. Not the floor: it shows what an opening's words cost anyway.
 */
function bareOpening(db: StationDb, call: number): Promise<void> {
  const [opening] = eventsOf(call)
  const row = ticketRow(foldTicket([opening!])!)
  return bareWrite(db.backendDB(), { ...opening!, syncState: 'pending' }, row, wordKeys(row))
}

/** `first_last`: a first-name and a last-name prefix together ("jam smi", "dana whit"), reported on its own. */
type QueryKind = 'number' | 'name' | 'phone' | 'title' | 'first_last'

/**
 * Times searches an agent types: a ticket number, a caller name prefix, a phone prefix and a
 * title word prefix, plus two-word name queries.
 */
/**
 * A two-word name query as agents type them, "jam smi" to "dana whit": three or four letters of
 * each word, taken in turn, so the other kinds' queries stay those of earlier runs.
 */
function twoWords(first: string, last: string, turn: number): string {
  return `${first.slice(0, 3 + (turn % 2))} ${last.slice(0, 3 + (Math.floor(turn / 2) % 2))}`
}

async function measureSearches(
  perKind: number,
  tickets: number,
  seed: number,
): Promise<Record<QueryKind, number[]>> {
  const random = seededRandom(seed)
  const store = await createStationStore(BENCH_DB, { numbers: memoryNumbers() })
  const timings: Record<QueryKind, number[]> = {
    number: [],
    name: [],
    phone: [],
    title: [],
    first_last: [],
  }
  const kinds: QueryKind[] = ['number', 'name', 'phone', 'title', 'first_last']
  for (let i = 0; i < perKind * kinds.length; i++) {
    const kind = kinds[i % kinds.length]!
    const call = syntheticCall(random.int(tickets))
    const query =
      kind === 'number'
        ? call.number
        : kind === 'name'
          ? (Math.floor(i / kinds.length) % 2 === 0 ? call.first : call.last).slice(
              0,
              3 + random.int(3),
            )
          : kind === 'phone'
            ? call.phone.slice(0, 6)
            : kind === 'title'
              ? call.what.slice(0, 4)
              : twoWords(call.first, call.last, Math.floor(i / kinds.length))
    const started = performance.now()
    const found = await store.search(query, kind === 'phone' ? 20 : 50)
    timings[kind].push(performance.now() - started)
    // The searched ticket itself matches, so an empty result means a missing profile.
    if (found.length === 0)
      throw new Error(`bench search "${query}" (${kind}) found nothing: is the profile loaded?`)
  }
  store.close()
  return timings
}

const storeBench = { loadRange, ticketCount, measureRecords, measureSearches }
export type StoreBench = typeof storeBench

declare global {
  interface Window {
    storeBench: StoreBench
  }
}

window.storeBench = storeBench
