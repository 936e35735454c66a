/**
 * A new station starts from the server's snapshot (issue 13), against the real central server
 * (PGlite) with the real station services and store (fake-indexeddb): the open tickets first,
 * then the history in the background, resumable after a restart, with events arriving meanwhile,
 * a ticket resolved while history loads, a redaction, and an event older than an adopted ticket.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import {
  addCustomerNote,
  addTechNote,
  openTicket,
  redactNote,
  resolve,
  type Ticket,
} from '../../src/shared/incident'
import type { CommandResult } from '../../src/shared/incident/rules'
import { completeResolution, phoneCall } from '../support/incident-fixtures'
import {
  enrollAndSignIn,
  hashTickets,
  openStation,
  settled,
  startCentral,
  type Central,
  type StationCommandContext,
  type TestStation,
} from './support/floor'
import { eventually, tempDir } from './support/station'

let dir: Awaited<ReturnType<typeof tempDir>>
let central: Central
const stations: TestStation[] = []

beforeAll(async () => {
  dir = await tempDir('bootstrap')
  central = await startCentral(`${dir.dir}/server`)
}, 180_000)

afterEach(async () => {
  for (const station of stations.splice(0)) await station.close()
})

afterAll(async () => {
  await central?.stop()
  await dir?.remove()
})

const LONG = 300_000

async function station(
  name: string,
  username: string,
  options: Pick<Parameters<typeof openStation>[0], 'bootstrap' | 'clock'> = {},
  role: 'agent' | 'supervisor' = 'agent',
): Promise<TestStation> {
  await central.createUser(username, role)
  const opened = await openStation({ name, baseDir: dir.dir, central, username, ...options })
  stations.push(opened)
  await enrollAndSignIn(opened, central)
  return opened
}

async function ticketOf(at: TestStation, id: string): Promise<Ticket> {
  return (await at.store.getTicket(id))!
}

/** Records `command` on the ticket as `at` holds it now. */
async function act(
  at: TestStation,
  id: string,
  command: (ticket: Ticket, ctx: StationCommandContext) => CommandResult,
): Promise<void> {
  const ticket = await ticketOf(at, id)
  expect(await at.record((ctx) => command(ticket, ctx))).not.toBeNull()
}

/** `count` calls logged at `at`, the first `resolved` of them resolved; their ticket ids. */
async function logCalls(at: TestStation, count: number, resolved: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const opened = await at.record((ctx) =>
      openTicket(phoneCall({ title: `Call ${i} at ${at.name}` }), ctx.nextTicketNumber(), ctx),
    )
    const id = opened![0]!.ticketId
    ids.push(id)
    if (i < resolved) await act(at, id, (t, ctx) => resolve(t, completeResolution(), ctx))
  }
  return ids
}

async function expectSameAsServer(at: TestStation): Promise<void> {
  expect(hashTickets(await at.tickets()), `${at.name}'s tickets`).toBe(
    hashTickets(await central.projection()),
  )
}

const bootstrapDone = (at: TestStation) =>
  eventually(`${at.name} to load its history`, async () => {
    await at.sync.pull()
    return (await at.store.bootstrapState())?.phase === 'done'
  })

it(
  'a new station takes the open tickets, then all history, without the log; later events and its own calls land on top',
  async () => {
    const ann = await station('B1', 'bann')
    const ids = await logCalls(ann, 24, 18)
    await settled(ann)

    const bob = await station('B2', 'bbob', { bootstrap: { pageSize: 5, chunkSize: 2 } })
    await bootstrapDone(bob)
    await expectSameAsServer(bob)
    // Adopted, not folded: the station holds none of the events from before it started.
    for (const id of ids) expect(await bob.store.ticketEvents(id)).toEqual([])
    expect(await bob.store.getCursor()).toBeGreaterThan(0)

    // Events after the snapshot apply to the adopted tickets, and bob's own calls sync.
    const open = ids[ids.length - 1]!
    await act(ann, open, (t, ctx) => addTechNote(t, 'Called back, still failing', ctx))
    await settled(ann)
    await act(bob, open, (t, ctx) => addTechNote(t, 'Escalating tomorrow', ctx))
    await act(bob, ids[20]!, (t, ctx) => resolve(t, completeResolution(), ctx))
    await settled(bob)
    await settled(ann)
    await settled(bob)
    expect((await ticketOf(bob, open)).notes.map((n) => n.body)).toEqual([
      'Called back, still failing',
      'Escalating tomorrow',
    ])
    await expectSameAsServer(bob)
    await expectSameAsServer(ann)
  },
  LONG,
)

it(
  'a restart mid-history goes on from the last page written; a ticket resolved meanwhile ends resolved',
  async () => {
    const ann = await station('C1', 'cann')
    const ids = await logCalls(ann, 30, 10)
    await settled(ann)

    const bob = await station('C2', 'cbob', { bootstrap: { pageSize: 4, chunkSize: 2 } })
    await eventually('bob to be part-way through his history', async () => {
      const state = await bob.store.bootstrapState()
      return state?.phase === 'history' && state.loaded > 0
    })
    await bob.link.cut()
    // Open while history loads: resolved elsewhere, and the resolution pulled before its page.
    const moving = ids[ids.length - 1]!
    await act(ann, moving, (t, ctx) => resolve(t, completeResolution(), ctx))
    await settled(ann)

    await bob.restart()
    const resumed = (await bob.store.bootstrapState())!
    expect(resumed.phase).toBe('history')
    expect(resumed.loaded).toBeGreaterThan(0)
    expect(resumed.after).not.toBeNull()
    const total = (await central.projection()).length
    expect(resumed.total).toBe(total)

    await bob.link.restore()
    await bootstrapDone(bob)
    const done = (await bob.store.bootstrapState())!
    expect(done).toMatchObject({ phase: 'done', loaded: total, total })
    expect((await ticketOf(bob, moving)).state).toBe('resolved')
    await expectSameAsServer(bob)
  },
  LONG,
)

it(
  'a redaction after the snapshot removes the text from the adopted ticket; an event older than an adopted ticket makes it ask the server again',
  async () => {
    const sue = await station('D1', 'dsue', {}, 'supervisor')
    // A station whose clock runs a minute behind: its events sort before the others'.
    const late = await station('D2', 'dlate', { clock: () => Date.now() - 60_000 })
    const [id] = await logCalls(sue, 1, 0)
    await act(sue, id!, (t, ctx) =>
      addCustomerNote(t, 'Door code is 4821 zulu', { customer: false, cc: [] }, ctx),
    )
    await settled(sue)
    await settled(late)
    await late.link.cut()
    await act(sue, id!, (t, ctx) => addTechNote(t, 'Still locked out', ctx))
    await settled(sue)

    const bob = await station('D3', 'dbob')
    await bootstrapDone(bob)
    expect((await ticketOf(bob, id!)).notes).toHaveLength(2)

    const secret = (await ticketOf(sue, id!)).notes[0]!
    await act(sue, id!, (t, ctx) =>
      redactNote(t, secret.id, 'Door code is [redacted]', 'A door code', ctx),
    )
    await settled(sue)
    // Older than the adopted ticket's last event: bob cannot fold it without the events before.
    await act(late, id!, (t, ctx) => addTechNote(t, 'Reset done on site', ctx))
    await late.link.restore()
    await settled(late)
    await settled(sue)
    await eventually('bob to have the ticket as the server has it', async () => {
      await bob.sync.pull()
      return (
        (await bob.store.staleTickets()).length === 0 &&
        hashTickets([await ticketOf(bob, id!)]) ===
          hashTickets((await central.projection()).filter((t) => t.id === id))
      )
    })
    const ticket = await ticketOf(bob, id!)
    expect(JSON.stringify(ticket)).not.toContain('4821')
    expect(ticket.notes.map((n) => n.body)).toContain('Reset done on site')
  },
  LONG,
)
