import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  foldTicket,
  hold,
  openTicket,
  phoneDigits,
  searchTokens,
  type Level,
  type Ticket,
} from '../../src/shared/incident'
import type { CallerRecord } from '../../src/shared/directory'
import { createStationStore, type QueueKey, type StationStore } from '../../src/renderer/src/store'
import { runSeed, seededRandom, type Random } from '../support/random'
import { agentAt, manualClock, pageOf, phoneCall, remoteStation } from './fixtures'
import { privateIndexedDb } from './private-indexeddb'
import { memoryNumbers } from '../support/ticket-numbers'

/** More keys than a query's first page of one word's range, so the store reads on. */
const MANY_KEYS = 512

const FIRST = ['Jane', 'John', 'Joan', 'Maria', 'Mario', 'Aisha', 'Chen', 'Olga', 'Pierre', 'Zoë']
const LAST = ['Doe', 'Dorsey', 'Smith', 'Smythe', 'Okafor', 'Li', 'Ivanova', 'Martin', 'Müller']
const TITLE = [
  'printer',
  'password',
  'VPN',
  'wifi',
  'email',
  'outlook',
  'laptop',
  'projector',
  'print',
]
const level = (random: Random) => (1 + random.int(4)) as Level

function phoneOf(random: Random): string {
  const digits = Array.from({ length: 7 }, () => random.int(10)).join('')
  return random.chance(0.5) ? `+1 (555) ${digits.slice(0, 3)}-${digits.slice(3)}` : `1555${digits}`
}

const seed = runSeed('store queries')
const random = seededRandom(seed)
const clock = manualClock()
let store: StationStore
/** The oracle: every ticket the store holds, as the fold made it. */
const tickets = new Map<string, Ticket>()

beforeAll(async () => {
  store = await createStationStore('queries', {
    ...privateIndexedDb(),
    numbers: memoryNumbers(),
    now: clock.now,
  })
  await store.setStationCode('A1')
  store.onTicketsChanged(({ updated }) => {
    for (const ticket of updated) tickets.set(ticket.id, ticket)
  })
  for (let i = 0; i < 120; i++) {
    clock.advance(1000 + random.int(60_000))
    const name = `${random.pick(FIRST)} ${random.pick(LAST)}`
    const input = phoneCall({
      caller: {
        name,
        phone: random.chance(0.9) ? phoneOf(random) : '',
        username: name.toLowerCase().replace(/[^a-z]+/g, '.'),
      },
      title: `${random.pick(TITLE)} ${random.pick(TITLE)} not working`,
      impact: level(random),
      urgency: level(random),
    })
    const actor = random.pick(['agent1', 'agent2'])
    const opened = await store.record((ctx) =>
      openTicket(input, ctx.nextTicketNumber(), agentAt(ctx, actor, 'A1', clock.now)),
    )
    if (!opened.ok) throw new Error(JSON.stringify(opened.errors))
    if (random.chance(0.2)) {
      await store.record((ctx) =>
        hold(opened.tickets[0]!, 'waiting for the caller', agentAt(ctx, actor, 'A1', clock.now)),
      )
    }
  }
  // Tickets of another station, escalated there to the network team, arrive by pull.
  const b2 = remoteStation('B2', 'agent2', clock.now())
  const remote = Array.from({ length: 6 }, () => {
    const opening = b2.open(phoneCall({ title: 'wifi drops in the east wing' }))
    return [...opening, ...b2.escalate(foldTicket(opening)!, 'network')]
  }).flat()
  await store.applyRemotePage(pageOf(remote, 0))
})

afterAll(() => store.close())

function expectMatches(found: Ticket[], matches: (ticket: Ticket) => boolean, limit: number) {
  const expected = [...tickets.values()].filter(matches).map((t) => t.id)
  const ids = found.map((t) => t.id)
  expect(new Set(ids).size, `duplicates in results (seed ${seed})`).toBe(ids.length)
  if (expected.length <= limit) expect(new Set(ids), `seed ${seed}`).toEqual(new Set(expected))
  else {
    expect(ids, `seed ${seed}`).toHaveLength(limit)
    for (const id of ids) expect(expected, `seed ${seed}`).toContain(id)
  }
}

const prefixesSomeToken = (ticket: Ticket, words: string[]) => {
  const tokens = searchTokens(ticket)
  return words.every((w) => tokens.some((t) => t.startsWith(w)))
}

describe('search: index lookups with a limit, never scans (PERFORMANCE-NOTES.md)', () => {
  it('finds a ticket by its number, exact, whatever the case and spacing', async () => {
    const some = [...tickets.values()][17]!
    const found = await store.search(`  ${some.number.toLowerCase()} `)
    expect(found[0]).toEqual(some)
    expect(await store.ticketByNumber(some.number)).toEqual(some)
    expect(await store.ticketByNumber('A1-999999')).toBeUndefined()
  })

  it('lists the exact number first, then the numbers it begins', async () => {
    const found = await store.search('A1-1', 50)
    expect(found[0]!.number).toBe('A1-1')
    expectMatches(found, (t) => t.number.toLowerCase().startsWith('a1-1'), 50)
  })

  it.each([3, 5, 7])(
    'finds tickets by a caller phone prefix of %i digits, however it is written',
    async (n) => {
      const withPhone = [...tickets.values()].filter((t) => t.caller.phone)
      const digits = phoneDigits(random.pick(withPhone).caller.phone!).slice(0, n)
      const typed =
        n > 4 ? `${digits.slice(0, 1)} (${digits.slice(1, 4)}) ${digits.slice(4)}` : digits
      const found = await store.search(typed, 10)
      expectMatches(found, (t) => phoneDigits(t.caller.phone ?? '').startsWith(digits), 10)
    },
  )

  it.each(['jo', 'Mari', 'smy', 'ZOE', 'müll', 'print', 'pass', 'wif'])(
    'finds tickets by a word prefix of the caller name or title: %s',
    async (query) => {
      const found = await store.search(query, 15)
      const word = query
        .toLowerCase()
        .normalize('NFKD')
        .replace(/[\u0300-\u036f]/g, '')
      expectMatches(found, (t) => prefixesSomeToken(t, [word]), 15)
    },
  )

  it('needs every word of a query to match', async () => {
    const some = random.pick([...tickets.values()])
    const [first, last] = some.caller.name.toLowerCase().split(' ') as [string, string]
    const titleWord = some.title.split(' ')[0]!.toLowerCase()
    const words = [first.slice(0, 3), last.slice(0, 2), titleWord]
    const found = await store.search(words.join(' '), 100)
    expectMatches(
      found,
      (t) =>
        prefixesSomeToken(
          t,
          words.map((w) => w.normalize('NFKD').replace(/[\u0300-\u036f]/g, '')),
        ),
      100,
    )
    expect(found.map((t) => t.id)).toContain(some.id)
  })

  it('finds nothing for an empty query or a limit of zero', async () => {
    expect(await store.search('   ')).toEqual([])
    expect(await store.search('jane', 0)).toEqual([])
  })
})

describe('queue queries', () => {
  const byQueueOrder = (a: Ticket, b: Ticket) =>
    a.priority.localeCompare(b.priority) || a.updatedAt - b.updatedAt || (a.id < b.id ? -1 : 1)

  it('pages the open queue by priority, then longest untouched first', async () => {
    const expected = [...tickets.values()].filter((t) => t.state === 'open').sort(byQueueOrder)
    const pages: Ticket[] = []
    let after: QueueKey | undefined
    for (let i = 0; i <= expected.length; i++) {
      const page = await store.queueWindow('open', { ...(after ? { after } : {}), limit: 20 })
      const last = page[page.length - 1]
      if (!last) break
      pages.push(...page)
      after = ['open', last.priority, last.updatedAt]
    }
    expect(pages.map((t) => t.id)).toEqual(expected.map((t) => t.id))
    const onHold = await store.queueWindow('on_hold', { limit: 500 })
    expect(onHold.map((t) => t.id)).toEqual(
      [...tickets.values()]
        .filter((t) => t.state === 'on_hold')
        .sort(byQueueOrder)
        .map((t) => t.id),
    )
  })

  it("lists a team's working tickets and an owner's, longest untouched first", async () => {
    const network = await store.ticketsByTeam('network')
    expect(network).toHaveLength(6)
    expect(network.map((t) => t.updatedAt)).toEqual(
      network.map((t) => t.updatedAt).sort((a, b) => a - b),
    )

    const mine = await store.ticketsByOwner('agent1', { limit: 1000 })
    const expected = [...tickets.values()].filter(
      (t) => t.owner === 'agent1' && (t.state === 'open' || t.state === 'on_hold'),
    )
    expect(new Set(mine.map((t) => t.id))).toEqual(new Set(expected.map((t) => t.id)))
    expect(await store.ticketsByOwner('agent1', { states: ['on_hold'], limit: 3 })).toEqual(
      expected
        .filter((t) => t.state === 'on_hold')
        .sort((a, b) => a.updatedAt - b.updatedAt)
        .slice(0, 3),
    )
  })
})

describe('directory: the caller and the team contacts at hand offline (rules 2 and 4)', () => {
  const callers: CallerRecord[] = [
    {
      id: 'c1',
      name: 'Jane Doe',
      phone: '(555) 010-2233',
      email: 'jane@example.edu',
      username: 'jdoe',
      department: 'Library',
      role: 'Staff',
    },
    {
      id: 'c2',
      name: 'John Dorsey',
      phone: '555-010-9999',
      email: '',
      username: 'jdorsey',
      department: '',
      role: '',
    },
    {
      id: 'c3',
      name: 'Maria José Okafor',
      phone: '',
      email: '',
      username: 'mokafor',
      department: '',
      role: 'Student',
    },
  ]

  it('replaces the directory and finds callers by phone prefix, name words or username', async () => {
    await store.replaceDirectory({
      teams: [
        {
          id: 'network',
          name: 'Network',
          tier: 2,
          warmTransferPhone: '555-0100',
          email: '',
          hours: '',
          description: '',
        },
      ],
      routingGuidance: [],
      users: [{ username: 'agent1', displayName: 'Agent One', role: 'agent' }],
      callers,
      templates: [],
    })
    const ids = async (q: string) => (await store.findCallers(q)).map((c) => c.id).sort()
    expect(await ids('555010')).toEqual(['c1', 'c2'])
    expect(await ids('555 010 22')).toEqual(['c1'])
    expect(await ids('jo')).toEqual(['c2', 'c3'])
    expect(await ids('jd')).toEqual(['c1', 'c2'])
    expect(await ids('jos oka')).toEqual(['c3'])
    expect(await ids('jdor')).toEqual(['c2'])
    expect(await store.findCallers('jane')).toEqual([callers[0]])
    expect((await store.teams()).map((t) => t.id)).toEqual(['network'])
    expect(await store.users()).toHaveLength(1)

    await store.replaceDirectory({ teams: [], routingGuidance: [], callers: [] })
    expect(await store.findCallers('jo')).toEqual([])
    expect(await store.teams()).toEqual([])
    expect(await store.users()).toHaveLength(1)
  })
})

describe('search with words too common to list completely', () => {
  it('still finds every ticket matching all words, and only those', async () => {
    const common = await createStationStore('common-words', {
      ...privateIndexedDb(),
      numbers: memoryNumbers(),
    })
    try {
      const b2 = remoteStation('B2', 'agent2')
      const all: Ticket[] = []
      // More tickets with "printer" than the store lists for one word.
      const pages = Math.ceil((MANY_KEYS * 4 + 200) / 200)
      for (let page = 0; page < pages; page++) {
        const events = Array.from({ length: 200 }, (_, i) =>
          b2.open(
            phoneCall({
              caller: { name: (page * 200 + i) % 97 === 0 ? 'Janet Quill' : 'Sam Porter' },
              title: 'Printer jammed',
            }),
          ),
        ).flat()
        all.push(...events.map((e) => foldTicket([e])!))
        await common.applyRemotePage(pageOf(events, page * 200))
      }
      const matching = (words: string[]) =>
        all.filter((t) => prefixesSomeToken(t, words)).map((t) => t.id)
      const ids = async (q: string, limit: number) =>
        (await common.search(q, limit)).map((t) => t.id)

      const janets = matching(['printer', 'janet'])
      expect(janets.length).toBeGreaterThan(5)
      expect(new Set(await ids('printer janet', 50))).toEqual(new Set(janets))
      expect(new Set(await ids('pr jan', 50))).toEqual(new Set(janets))
      const both = await ids('printer pr', 30)
      expect(both).toHaveLength(30)
      expect(new Set(both).size).toBe(30)
      for (const id of both) expect(matching(['printer', 'pr'])).toContain(id)
      expect(await ids('printer', 40)).toHaveLength(40)
    } finally {
      common.close()
    }
  })

  it('fills the limit with distinct tickets when one ticket matches through several tokens', async () => {
    const store = await createStationStore('many-tokens', {
      ...privateIndexedDb(),
      numbers: memoryNumbers(),
    })
    try {
      const b2 = remoteStation('B2', 'agent2')
      const events = Array.from({ length: 12 }, () =>
        b2.open(phoneCall({ title: 'print printer printing printed' })),
      ).flat()
      await store.applyRemotePage(pageOf(events, 0))
      const found = await store.search('print', 10)
      expect(new Set(found.map((t) => t.id)).size).toBe(10)
    } finally {
      store.close()
    }
  })
})
