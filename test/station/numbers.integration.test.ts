/**
 * Ticket numbers end to end: real station services (main), the real store on fake-indexeddb and
 * the real central server. A wiped profile does not restart the sequence; a station whose counter
 * fell behind the server (restored from a backup, or upgraded from the version that numbered in the
 * renderer) gets `number_taken`, renumbers the ticket, and the number read to the caller still
 * finds it; sign-in raises the counter to what the server holds.
 */
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { addTechNote, openTicket, type Ticket } from '../../src/shared/incident'
import { phoneCall } from '../support/incident-fixtures'
import { PASSWORD, foldAll, hashTickets, settled, type TestStation } from './support/floor'
import { eventually } from './support/station'
import { useFloor } from './support/use-floor'

const floor = useFloor('numbers-e2e', { stations: 'per-test' })

const LONG = 120_000

async function station(name: string): Promise<TestStation> {
  return floor.station(name, `agent-${name}`)
}

async function logCall(at: TestStation, title: string): Promise<Ticket> {
  const [opening] = (await at.record((ctx) =>
    openTicket(phoneCall({ title }), ctx.nextTicketNumber(), ctx),
  ))!
  return (await at.store.getTicket(opening!.ticketId))!
}

/** Forgets main's counter, as a data directory restored from an old backup would. */
async function loseCounter(at: TestStation): Promise<void> {
  await rm(path.join(floor.dir, at.name, 'ticket-numbers.json'), { force: true })
}

async function serverNumbers(): Promise<string[]> {
  return (await floor.central.projection()).map((ticket) => ticket.number)
}

describe('ticket numbers across profiles, restarts and the server', () => {
  it(
    'goes on numbering after the profile is wiped, because main holds the sequence',
    async () => {
      const desk = await station('wipe')
      const before = [await logCall(desk, 'First'), await logCall(desk, 'Second')]
      await settled(desk)
      await desk.restart({ wipeProfile: true })
      expect(await desk.store.stationCode()).toBe(before[0]!.number.split('-')[0])
      const after = await logCall(desk, 'After the wipe')
      await settled(desk)
      expect(Number(after.number.split('-')[1])).toBeGreaterThan(2)
      const numbers = await serverNumbers()
      expect(new Set(numbers).size).toBe(numbers.length)
      expect(numbers).toEqual(expect.arrayContaining([...before, after].map((t) => t.number)))
    },
    LONG,
  )

  it(
    'renumbers a ticket whose number the server gave to another, and keeps the old one findable',
    async () => {
      const desk = await station('behind')
      const held = [await logCall(desk, 'Held one'), await logCall(desk, 'Held two')]
      await settled(desk)
      // The counter and the profile are gone; the session (main's) survives the restart.
      await loseCounter(desk)
      await desk.link.cut()
      await desk.restart({ wipeProfile: true })
      const reissued = await logCall(desk, 'Read out as a taken number')
      expect(reissued.number).toBe(held[0]!.number)
      // Recorded behind the opening before the server had a say.
      await desk.record((ctx) => addTechNote(reissued, 'Asked the caller to restart', ctx))
      await desk.link.restore()
      await desk.sync.pull(true)

      const renumbered = await eventually('the ticket to be renumbered', async () => {
        const ticket = await desk.store.getTicket(reissued.id)
        return ticket && ticket.number !== reissued.number ? ticket : null
      })
      await settled(desk)
      // Above everything the server holds for the station, in one step.
      expect(Number(renumbered.number.split('-')[1])).toBe(3)
      expect(renumbered.previousNumbers).toEqual([reissued.number])

      const server = await floor.central.projection()
      const onServer = server.find((t) => t.id === reissued.id)!
      expect(onServer).toMatchObject({
        number: renumbered.number,
        previousNumbers: [reissued.number],
      })
      expect(onServer.notes.map((n) => n.body)).toEqual(['Asked the caller to restart'])
      expect(onServer.conflicts).toEqual([])
      const numbers = server.map((t) => t.number)
      expect(new Set(numbers).size).toBe(numbers.length)

      // The number read to the caller finds both tickets that carried it.
      const found = (await desk.store.search(reissued.number)).map((t) => t.id)
      expect(found).toEqual(expect.arrayContaining([held[0]!.id, reissued.id]))
      // Station, server projection and the server's log fold to the same tickets.
      await settled(desk)
      const serverHash = hashTickets(await floor.central.projection())
      expect(hashTickets(foldAll((await floor.central.pullAll()).map((r) => r.event)))).toBe(
        serverHash,
      )
      expect(hashTickets(await desk.tickets())).toBe(serverHash)
    },
    LONG,
  )

  it(
    'raises main’s counter to the server’s highest number at sign-in',
    async () => {
      const desk = await station('signin')
      await logCall(desk, 'One')
      await logCall(desk, 'Two')
      await logCall(desk, 'Three')
      await settled(desk)
      await loseCounter(desk)
      // Nothing left to raise it but the server: the window reserves 1-3 again before sign-in.
      await desk.restart({ wipeProfile: true })
      await desk.api.session.login({ username: desk.username, password: PASSWORD })
      expect((await logCall(desk, 'Four')).number.split('-')[1]).toBe('4')
      await settled(desk)
      const numbers = await serverNumbers()
      expect(new Set(numbers).size).toBe(numbers.length)
    },
    LONG,
  )
})
