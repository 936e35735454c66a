/**
 * A push read and folded before the event-log lock (events/commit.ts), on PGlite and PostgreSQL:
 * its write checks under the lock that what it was folded against still holds, and writes nothing
 * when another commit got there first; group commit then commits it under the lock as a serial
 * run would.
 */
import { beforeAll, expect, it } from 'vitest'
import type { Queryable } from '../../src/server/db/database'
import { recordDefaultCalendar } from '../../src/server/directory-store'
import { commitEvents, prepareCommit, writePlan } from '../../src/server/events/commit'
import { withEventLog } from '../../src/server/events/event-log'
import { groupCommit } from '../../src/server/events/group-commit'
import { applyEvent, type EventOf, type TicketEvent } from '../../src/shared/incident'
import { openTicket } from '../../src/shared/incident/rules'
import { accepted, phoneCall } from '../support/incident-fixtures'
import { customerNote, openedTicket, redaction, stationAuthor, ticketHistory } from './events'
import { forEachBackend, station } from './harness'

forEachBackend((backend) => {
  let code: string
  beforeAll(async () => {
    code = await station(backend().db)
    await recordDefaultCalendar(backend().db, 'UTC')
  })
  const author = () => stationAuthor('checker', code)
  const underLock = (events: TicketEvent[]) =>
    withEventLog(backend().db, (tx, policy) => commitEvents(tx, events, Date.now(), policy))
  const planOf = async (events: TicketEvent[]) => (await prepareCommit(backend().db, events))!
  const stored = async (ids: string[]) =>
    (
      await backend().db.query<{ n: number }>(
        'SELECT count(*)::int4 AS n FROM events WHERE id = ANY($1::uuid[])',
        [ids],
      )
    )[0]!.n

  it('writes a plan whose read still holds, seqs in the order of its events', async () => {
    const events = ticketHistory(author(), 3)
    const outcome = await writePlan(backend().db, await planOf(events), Date.now())
    const seqs = events.map((e) => {
      const result = outcome!.results.get(e.id)
      return result?.status === 'applied' ? result.seq : NaN
    })
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i))
    expect(outcome!.maxSeq).toBe(seqs[3])
  })

  it('writes nothing when another commit moved one of its tickets since the read', async () => {
    const [opened, first, second] = ticketHistory(author(), 2)
    await underLock([opened!])
    const plan = await planOf([first!])
    await underLock([second!])
    expect(await writePlan(backend().db, plan, Date.now())).toBeNull()
    expect(await stored([first!.id])).toBe(0)
    // Committed under the lock instead, folded over what is stored now.
    const outcome = await groupCommit(backend().db)([first!], Date.now())
    expect(outcome.results.get(first!.id)).toMatchObject({ status: 'applied' })
    const [ticket] = await backend().db.query<{ notes: number }>(
      `SELECT jsonb_array_length(body->'notes') AS notes FROM tickets WHERE id = $1::uuid`,
      [opened!.ticketId],
    )
    expect(ticket!.notes).toBe(2)
  })

  it('writes nothing when one of its events was stored since the read', async () => {
    const events = ticketHistory(author(), 1)
    const plan = await planOf(events)
    await underLock([events[0]!])
    expect(await writePlan(backend().db, plan, Date.now())).toBeNull()
    expect(await stored([events[1]!.id])).toBe(0)
  })

  it('writes nothing when a number it claims was taken since the read', async () => {
    const number = `${code}-900`
    const open = () => accepted(openTicket(phoneCall(), number, author()))[0] as EventOf<'opened'>
    const [late, early] = [open(), open()]
    const plan = await planOf([late])
    await underLock([early])
    expect(await writePlan(backend().db, plan, Date.now())).toBeNull()
    const outcome = await groupCommit(backend().db)([late], Date.now())
    expect(outcome.results.get(late.id)).toMatchObject({
      status: 'rejected',
      code: 'number_taken',
      highestSequence: 900,
    })
  })

  it('writes nothing when the priority policy was stored again since the read', async () => {
    const events = ticketHistory(author(), 0)
    const plan = await planOf(events)
    // The same value again: a new row version, which is all the check can see.
    await backend().db.query(`UPDATE settings SET value = value WHERE key = 'business_calendar'`)
    expect(await writePlan(backend().db, plan, Date.now())).toBeNull()
    expect(await stored([events[0]!.id])).toBe(0)
  })

  it('commits under the lock though the priority policy is stored again after its read', async () => {
    const events = ticketHistory(author(), 0)
    const outcome = await withEventLog(backend().db, (tx, policy) => {
      // Settings are written without the event-log lock, so an import can land between the read
      // and the write. PGlite is one connection: there the write can only come inside the
      // transaction, which stands for it.
      const importer = backend().kind === 'postgres' ? backend().db : tx
      const racing: Queryable = {
        async query(sql, params, options) {
          const rows = await tx.query(sql, params, options)
          if (options?.name === 'warmline_commit_read')
            await importer.query(
              `UPDATE settings SET value = value WHERE key = 'business_calendar'`,
            )
          return rows as never
        },
      }
      return commitEvents(racing, events, Date.now(), policy)
    })
    expect(outcome.results.get(events[0]!.id)).toMatchObject({ status: 'applied' })
    expect(await stored([events[0]!.id])).toBe(1)
  })

  it('plans a customer note before the lock, but leaves a redaction of a stored note to the lock', async () => {
    const ctx = author()
    const { event: opened, ticket } = openedTicket(ctx)
    const note = customerNote(ctx, ticket, 'Your date of birth is 1990-01-01.')
    expect(await prepareCommit(backend().db, [opened, note])).not.toBeNull()
    await underLock([opened, note])
    const redacted = redaction(ctx, applyEvent(ticket, note)!, note.payload.noteId)
    expect(await prepareCommit(backend().db, [redacted])).toBeNull()
    const outcome = await groupCommit(backend().db)([redacted], Date.now())
    expect(outcome.results.get(redacted.id)).toMatchObject({ status: 'applied' })
    const [row] = await backend().db.query<{ body: string }>(
      `SELECT body->'payload'->>'body' AS body FROM events WHERE id = $1::uuid`,
      [note.id],
    )
    expect(row!.body).not.toContain('1990')
  })
})
