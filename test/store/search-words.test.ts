/**
 * What a query of several words means, pinned against an oracle over every ticket, so a faster
 * search (search.ts over the `words` store) keeps giving the same answers: a ticket is found
 * when every word starts one of its tokens (caller name, username, title word, its number or a
 * number it had before renumbering), whatever the order of the words, and only then. Names
 * come with hyphens, middle words, a digit, two letters or a word of the titles, so each way
 * search.ts reads (a pair of name words, a common title word beside a name, the rarest word's
 * ranges, one word) meets the cases that key layout could miss.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  changeFields,
  foldTicket,
  normalizeSearchText,
  searchTokens,
  type Ticket,
  type TicketEvent,
} from '../../src/shared/incident'
import { createStationStore, type StationStore } from '../../src/renderer/src/store'
import { StationDb, ticketRow } from '../../src/renderer/src/store/db'
import { PAIR_LETTERS, wordKeys } from '../../src/renderer/src/store/search-words'
import { planSearch } from '../../src/renderer/src/store/query'
import { runSeed, seededRandom } from '../support/random'
import { memoryNumbers } from '../support/ticket-numbers'
import { accepted, pageOf, phoneCall, remoteStation } from './fixtures'
import { privateIndexedDb } from './private-indexeddb'

/** More keys than a query's first page of one word's range, so the store reads on. */
const MANY_KEYS = 512

const FIRST = [
  'Jane',
  'Janet',
  'James',
  'Jamal',
  'Dana',
  'Daniel',
  'Zoë',
  'Smitty',
  'Mary-Jane',
  'Jo',
]
const LAST = [
  'Smith',
  'Smithers',
  'Smythe',
  'White',
  'Whitaker',
  'James',
  'Danes',
  'Van Dyke',
  'Printer',
  'R2d2',
]
/** Now and then a middle name, so a name has more words than one pair. */
const MIDDLE = ['Ann', 'Jamie', 'Wifi']
const WHAT = ['print', 'password', 'vpn', 'wifi', 'jammed', 'white']
/**
 * Half the tickets are about a printer, the other half about a smartboard, and a few about both:
 * two words common alone and rare together, whose answer lies past the first page of either.
 */
const device = (i: number) =>
  i % 499 === 7 ? 'printer smartboard' : i % 2 === 0 ? 'printer' : 'smartboard'

const seed = runSeed('multi-word search')
const random = seededRandom(seed)
let store: StationStore
const idb = privateIndexedDb()
const b2 = remoteStation('B2', 'agent2')
/** The oracle: every ticket as the fold made it, kept by the change feed. */
const tickets = new Map<string, Ticket>()

function matchesAll(ticket: Ticket, query: string): boolean {
  const words = normalizeSearchText(query).split(/\s+/).filter(Boolean)
  const tokens = searchTokens(ticket)
  return words.every((word) => tokens.some((token) => token.startsWith(word)))
}

async function expectAnswer(query: string, limit: number): Promise<Ticket[]> {
  const found = await store.search(query, limit)
  const ids = found.map((t) => t.id)
  const expected = [...tickets.values()].filter((t) => matchesAll(t, query)).map((t) => t.id)
  expect(new Set(ids).size, `duplicates for "${query}" (seed ${seed})`).toBe(ids.length)
  if (expected.length <= limit) {
    expect(new Set(ids), `"${query}" (seed ${seed})`).toEqual(new Set(expected))
  } else {
    expect(ids, `"${query}" (seed ${seed})`).toHaveLength(limit)
    for (const id of ids) expect(expected, `"${query}" (seed ${seed})`).toContain(id)
  }
  return found
}

beforeAll(async () => {
  store = await createStationStore('multi-word', { ...idb, numbers: memoryNumbers() })
  store.onTicketsChanged(({ updated, removed }) => {
    for (const ticket of updated) tickets.set(ticket.id, ticket)
    for (const id of removed) tickets.delete(id)
  })
  const events: TicketEvent[] = []
  // More tickets than one page of a word's keys, so common words are read over several pages.
  for (let i = 0; i < MANY_KEYS * 3; i++) {
    const first = random.pick(FIRST)
    const last = random.pick(LAST)
    const middle = random.chance(0.1) ? `${random.pick(MIDDLE)} ` : ''
    const [opening] = b2.open(
      phoneCall({
        caller: {
          name: `${first} ${middle}${last}`,
          username: `${first[0]}${last}`.toLowerCase().replace(' ', ''),
        },
        title: `${device(i)} ${random.pick(WHAT)} in room ${1 + random.int(30)}`,
      }),
    ) as [TicketEvent]
    // Every tenth ticket was renumbered: its first number stays one of its tokens.
    events.push(
      i % 10 === 0 && opening.type === 'opened'
        ? { ...opening, payload: { ...opening.payload, previousNumbers: [`C3-${i + 1}`] } }
        : opening,
    )
  }
  await store.applyRemotePage(pageOf(events, 0))
})

afterAll(() => store.close())

describe('a query of several words', () => {
  it.each([
    'jam smi',
    'smi jam',
    'dana whit',
    'jan smith',
    'sm jam',
    'zoe white',
    'ZOË SMY',
    'print jam',
    'printer print',
    'printer smartboard',
    'smart printe',
    'whi whi',
    'jam smi printer',
    'smith wifi vpn room',
    'jsmith smi',
    'c3-1 jan',
    'b2-1 smi',
    'mar jan',
    'mary-jane dyk',
    'van dyk',
    'dyk jam',
    'r2d jam',
    'printer jam',
    'prin smit',
    'jo smi',
    'jam jame',
    'jame jamb',
    'ann whi wifi',
    'jamie jam',
  ])('finds every ticket matching every word as a prefix, and only those: %s', async (query) => {
    await expectAnswer(query, 50)
    await expectAnswer(query, 5)
  })

  it('agrees with the oracle on random queries of two and three word prefixes', async () => {
    const vocabulary = [...tickets.values()].flatMap(searchTokens)
    const draw = () =>
      Array.from({ length: 2 + random.int(2) }, () => {
        const token = random.pick(vocabulary)
        return token.slice(0, 1 + random.int(token.length))
      }).join(' ')
    for (let i = 0; i < 40; i++) {
      // Digits alone ("2 22", seed 1727934599) are a phone number to the planner, not words.
      let query = draw()
      for (let tries = 0; planSearch(query).kind !== 'words' && tries < 100; tries++) query = draw()
      await expectAnswer(query, 20)
    }
  })

  it('agrees with the oracle on random pairs of caller-name prefixes, beside a title word or not', async () => {
    const nameWords = [...tickets.values()].flatMap((t) =>
      normalizeSearchText(t.caller.name).split(/[^a-z0-9]+/),
    )
    const titleWords = [...tickets.values()].flatMap((t) => normalizeSearchText(t.title).split(' '))
    const prefix = (word: string) =>
      word.slice(0, PAIR_LETTERS + random.int(Math.max(1, word.length - PAIR_LETTERS + 1)))
    for (let i = 0; i < 40; i++) {
      const words = [random.pick(nameWords), random.pick(nameWords)]
      if (random.chance(0.3)) words.push(random.pick(titleWords))
      const query = random.shuffle(words.map(prefix)).join(' ')
      if (planSearch(query).kind === 'words') await expectAnswer(query, 20)
    }
  })

  it('reads digits alone as the start of a phone number, not as words (seed 1727934599)', () => {
    expect(planSearch('2 22')).toEqual({ kind: 'phone', digits: '222' })
  })

  it('finds a renumbered ticket by its earlier number together with a name', async () => {
    const renumbered = [...tickets.values()].find((t) => t.previousNumbers?.length)!
    const [first] = renumbered.caller.name.toLowerCase().split(' ')
    const found = await expectAnswer(`${renumbered.previousNumbers![0]} ${first}`, 50)
    expect(found.map((t) => t.id)).toContain(renumbered.id)
    expect((await store.ticketByNumber(renumbered.previousNumbers![0]!))?.id).toBe(renumbered.id)
  })

  it('follows a retitle: the old title words no longer find the ticket, the new ones do', async () => {
    const before = [...tickets.values()].find((t) => t.title.includes(' vpn '))!
    const retitled = b2.retitle(before, 'Quokka badge reader')
    await store.applyRemotePage(pageOf(retitled, MANY_KEYS * 3))
    const [first] = before.caller.name.toLowerCase().split(' ')
    expect(tickets.get(before.id)!.title).toBe('Quokka badge reader')
    const withOld = await expectAnswer(`${first} vpn`, 1000)
    expect(withOld.map((t) => t.id)).not.toContain(before.id)
    const withNew = await expectAnswer(`quok ${first}`, 50)
    expect(withNew.map((t) => t.id)).toEqual([before.id])
  })

  it('follows a rename: the old name pair no longer finds the ticket, the new one does', async () => {
    const before = [...tickets.values()].find((t) => t.caller.name === 'Jane Smith')!
    const renamed = accepted(
      changeFields(before, { caller: { ...before.caller, name: 'Quinta Yarrow' } }, b2.ctx),
    )
    await store.applyRemotePage(pageOf(renamed, MANY_KEYS * 3 + 1))
    expect(tickets.get(before.id)!.caller.name).toBe('Quinta Yarrow')
    expect((await expectAnswer('jan smi', 1000)).map((t) => t.id)).not.toContain(before.id)
    expect((await expectAnswer('yar quin', 50)).map((t) => t.id)).toEqual([before.id])
  })

  it('keeps exactly the keys of the tokens each ticket has, after a retitle and a note', async () => {
    const b2Note = b2.note(tickets.get([...tickets.keys()][5]!)!, 'called back')
    await store.applyRemotePage(pageOf(b2Note, MANY_KEYS * 3 + 2))
    const db = new StationDb('multi-word', idb)
    try {
      const held = new Set(await db.words.toCollection().primaryKeys())
      const expected = new Set([...tickets.values()].flatMap((t) => wordKeys(ticketRow(t))))
      expect(held).toEqual(expected)
    } finally {
      db.close()
    }
  })

  it('lists the matches of a word newest first', async () => {
    const found = await store.search('quok', 10)
    expect(found).toHaveLength(1)
    const smithers = await store.search('smithers jam', 1000)
    const ids = smithers.map((t) => t.id)
    expect(ids, `seed ${seed}`).toEqual([...ids].sort().reverse())
  })
})

describe('a query of several words over a ticket pulled in pages', () => {
  it('finds tickets whichever page brought them', async () => {
    const b3 = remoteStation('B3', 'agent3')
    const late = b3.open(phoneCall({ caller: { name: 'Jamal Whitaker' }, title: 'Wifi drops' }))
    await store.applyRemotePage(pageOf(late, MANY_KEYS * 3 + 3))
    expect(tickets.has(foldTicket(late)!.id)).toBe(true)
    const found = await expectAnswer('wif jamal whit', 50)
    expect(found.map((t) => t.id)).toContain(foldTicket(late)!.id)
  })
})
