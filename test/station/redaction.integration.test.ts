/**
 * Rule 11 end to end: the real central server (PGlite), real station services and stores. An
 * agent's station writes a customer note with a password; a supervisor at another station
 * redacts it. Every replica then loses the text — the author's station, the supervisor's, the
 * server, and a station that joins afterwards — and all still converge.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { expect, it } from 'vitest'
import { addCustomerNote, openTicket, redactNote, type Ticket } from '../../src/shared/incident'
import { phoneCall } from '../support/incident-fixtures'
import { hashTickets, settled, type TestStation } from './support/floor'
import { useFloor } from './support/use-floor'

const SECRET = 'Tmp#4821-Blue'
const REDACTED = 'Your account is unlocked; I set your password to [redacted].'

const floor = useFloor('redaction')

const station = (name: string, username: string, role: 'agent' | 'supervisor') =>
  floor.station(name, username, { role })

/** Everything a station shows or keeps of the ticket, and main's files, as text. */
async function replicaText(at: TestStation, ticketId: string): Promise<string> {
  const files = await readdir(path.join(floor.dir, at.name), { recursive: true })
  const contents = await Promise.all(
    files.map((file) => readFile(path.join(floor.dir, at.name, file), 'utf8').catch(() => '')),
  )
  return JSON.stringify([
    await at.store.ticketEvents(ticketId),
    await at.store.getTicket(ticketId),
    await at.tickets(),
    contents,
  ])
}

it("a supervisor redacts at one station: the author's station, the server and a later station lose the text", async () => {
  const agent = await station('R1', 'ria', 'agent')
  const supervisor = await station('R2', 'sam', 'supervisor')

  const opened = await agent.record((ctx) => openTicket(phoneCall(), ctx.nextTicketNumber(), ctx))
  const ticketId = opened![0]!.ticketId
  const fresh = (await agent.store.getTicket(ticketId))!
  await agent.record((ctx) =>
    addCustomerNote(
      fresh,
      `Your account is unlocked; I set your password to ${SECRET}.`,
      { customer: false, cc: [] },
      ctx,
    ),
  )
  await settled(agent)
  await settled(supervisor)
  const seen: Ticket = (await supervisor.store.getTicket(ticketId))!
  expect(seen.notes[0]!.body).toContain(SECRET)
  expect(await replicaText(agent, ticketId)).toContain(SECRET)

  const redacted = await supervisor.record((ctx) =>
    redactNote(seen, seen.notes[0]!.id, REDACTED, 'A password in a customer note', ctx),
  )
  expect(redacted).not.toBeNull()
  await settled(supervisor)
  await settled(agent)

  const late = await station('R3', 'rex', 'agent')
  await settled(late)
  for (const at of [agent, supervisor, late]) {
    const text = await replicaText(at, ticketId)
    expect(text, at.name).not.toContain('#4821')
    expect([...(await at.store.search('tmp')), ...(await at.store.search('blue'))]).toEqual([])
    expect((await at.store.getTicket(ticketId))!.notes[0], at.name).toMatchObject({
      body: REDACTED,
      author: 'ria',
      redactions: [{ by: 'sam', reason: 'A password in a customer note' }],
    })
  }
  expect(JSON.stringify(await floor.central.pullAll())).not.toContain('#4821')
  expect(JSON.stringify(await floor.central.projection())).not.toContain('#4821')
  const target = hashTickets(await floor.central.projection())
  for (const at of [agent, supervisor, late]) expect(hashTickets(await at.tickets())).toBe(target)
}, 480_000)
