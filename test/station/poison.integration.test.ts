/**
 * A batch the central server keeps failing on must not stall the station (ARCHITECTURE.md "Sync":
 * a rejected event is acknowledged and cannot block the queue; only a real outage retries
 * unchanged). The fault is real: a PostgreSQL trigger on the server's `events` table raises for
 * one chosen event id (or for every event), so the server answers 500 for any push that holds it.
 * A sequence, which no rollback undoes, counts the pushes the trigger failed.
 */
import { mkdir, rmdir } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openTicket } from '../../src/shared/incident'
import { ROUTES, stationPresenceSchema } from '../../src/shared/sync/wire'
import { phoneCall } from '../support/incident-fixtures'
import { settled, type TestStation } from './support/floor'
import { eventually } from './support/station'
import { useFloor } from './support/use-floor'

const floor = useFloor('poison', {
  stations: 'per-test',
  // A trigger that refuses chosen events: the fault is the database's own, as real as it comes.
  async setUp(central) {
    await central.query('CREATE TABLE poison (id text PRIMARY KEY)')
    await central.query('CREATE SEQUENCE poison_failures')
    await central.query(`CREATE FUNCTION poison_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM poison WHERE poison.id = NEW.id::text OR poison.id = '*') THEN
        PERFORM nextval('poison_failures');
        RAISE EXCEPTION 'test fault: the server cannot store event %', NEW.id;
      END IF;
      RETURN NEW;
    END $$`)
    await central.query(
      'CREATE TRIGGER poison_event BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION poison_event()',
    )
  },
})

// Before the floor closes this test's stations: the server back up, no event poisoned.
afterEach(async () => {
  await floor.central.start()
  await floor.central.query('DELETE FROM poison')
})

const station = (name: string, username: string) => floor.station(name, username)

async function recordCalls(at: TestStation, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const events = await at.record((ctx) =>
      openTicket(phoneCall({ title: `Call ${i} at ${at.name}` }), ctx.nextTicketNumber(), ctx),
    )
    ids.push(...events!.map((event) => event.id))
  }
  return ids
}

const failedPushes = async () =>
  Number(
    (
      await floor.central.query<{ n: string }>('SELECT last_value::text AS n FROM poison_failures')
    )[0]!.n,
  )

async function floorEntry(stationCode: string) {
  const response = await fetch(`${floor.central.url}${ROUTES.stations}`, {
    headers: { authorization: `Bearer ${floor.central.adminToken}` },
  })
  const { stations: listed } = (await response.json()) as { stations: unknown[] }
  return listed
    .map((s) => stationPresenceSchema.parse(s))
    .find((s) => s.stationCode === stationCode)
}

describe('a batch the server keeps failing on', () => {
  it('is narrowed down: the good events land, the bad one is set aside as rejected, visible, and can be sent again', async () => {
    const ann = await station('P', 'pia')
    const stationCode = (await ann.store.stationCode())!
    // Written while the station is cut off, so that they travel in one batch when it is back.
    await ann.link.cut()
    const ids = await recordCalls(ann, 9)
    const poisoned = ids[4]!
    await floor.central.query('INSERT INTO poison (id) VALUES ($1)', [poisoned])
    await ann.link.restore()

    const good = ids.filter((id) => id !== poisoned)
    const landed = await eventually('the good events behind the bad one to land', async () => {
      const held = new Set((await floor.central.pullAll()).map((row) => row.event.id))
      return good.every((id) => held.has(id)) && held
    })
    expect(landed.has(poisoned)).toBe(false)
    await eventually('the bad one to be set aside', async () => {
      const status = await ann.api.sync.status({})
      return status.pending === 0 && status.setAside === 1
    })

    // The agent sees it, with the reason; the desk does not call the station offline.
    await eventually('the renderer to hold it as rejected', async () => {
      const rejected = await ann.store.rejectedEvents(10)
      return rejected.length === 1 && rejected[0]!.id === poisoned
    })
    const [rejected] = await ann.store.rejectedEvents(10)
    expect(rejected!.rejection).toMatchObject({
      code: 'server_error',
      reason: expect.stringMatching(/failed on this event .*set aside/),
    })
    await eventually(
      'the renderer to have nothing pending',
      async () => (await ann.store.pendingCount()) === 0,
    )
    const status = await ann.api.sync.status({})
    expect(status).toMatchObject({ lastError: null, setAside: 1 })
    expect(status.connection).not.toBe('offline')

    // A supervisor sees which station holds set-aside work.
    await eventually(
      'the floor to count the set-aside event',
      async () => (await floorEntry(stationCode))?.setAside === 1,
    )

    // Work written afterwards is not held up.
    const later = await recordCalls(ann, 2)
    await settled(ann)
    expect((await floor.central.pullAll()).map((row) => row.event.id)).toEqual(
      expect.arrayContaining(later),
    )

    // Once the server is fixed, "send again" delivers it and the desk shows it applied.
    await floor.central.query('DELETE FROM poison')
    await ann.api.sync.sendSetAsideAgain({})
    await eventually(
      'the set-aside event to land',
      async () =>
        (await ann.api.sync.status({})).setAside === 0 &&
        (await ann.store.rejectedEvents(10)).length === 0,
    )
    expect((await floor.central.pullAll()).map((row) => row.event.id)).toContain(poisoned)
    await eventually(
      'the floor to clear the count',
      async () => (await floorEntry(stationCode))?.setAside === 0,
    )
  }, 240_000)

  it('is set aside even with nothing behind it: an event the server holds, sent again, vouches for the server', async () => {
    const dee = await station('S', 'sam')
    await recordCalls(dee, 1)
    await settled(dee)
    await dee.link.cut()
    const [lone] = await recordCalls(dee, 1)
    await floor.central.query('INSERT INTO poison (id) VALUES ($1)', [lone])
    await dee.link.restore()
    await eventually('the lone bad event to be set aside', async () => {
      const status = await dee.api.sync.status({})
      return status.pending === 0 && status.setAside === 1
    })
    await eventually('the renderer to hold it as rejected', async () => {
      const rejected = await dee.store.rejectedEvents(10)
      return rejected.length === 1 && rejected[0]!.id === lone
    })
  }, 240_000)

  it('a server that fails on every event sets nothing aside, and delivers everything once it recovers', async () => {
    const bea = await station('Q', 'quin')
    await floor.central.query(`INSERT INTO poison (id) VALUES ('*')`)
    const before = await failedPushes()
    const ids = await recordCalls(bea, 4)
    // Enough failed pushes for every event to have been tried alone, held, and tried again.
    await eventually(
      'the server to fail many pushes',
      async () => (await failedPushes()) >= before + 20,
    )
    const status = await bea.api.sync.status({})
    expect(status).toMatchObject({ pending: 4, setAside: 0 })
    expect(await bea.store.rejectedEvents(10)).toEqual([])

    await floor.central.query('DELETE FROM poison')
    await settled(bea)
    expect((await floor.central.pullAll()).map((row) => row.event.id)).toEqual(
      expect.arrayContaining(ids),
    )
    expect(await bea.store.rejectedEvents(10)).toEqual([])
    expect((await bea.api.sync.status({})).setAside).toBe(0)
  }, 240_000)

  it('a real outage (the server stopped) backs off and delivers everything after the restart', async () => {
    const cy = await station('R', 'rory')
    await floor.central.stop()
    const ids = await recordCalls(cy, 6)
    const offline = await eventually('the station to back off, offline', async () => {
      const status = await cy.api.sync.status({})
      return status.connection === 'offline' && status.nextRetryAt !== null && status
    })
    expect(offline).toMatchObject({ pending: 6, setAside: 0 })
    await floor.central.start()
    await settled(cy)
    expect((await floor.central.pullAll()).map((row) => row.event.id)).toEqual(
      expect.arrayContaining(ids),
    )
    expect(await cy.store.rejectedEvents(10)).toEqual([])
    expect((await cy.api.sync.status({})).setAside).toBe(0)
  }, 240_000)

  it('a set-aside the station cannot write to disk says so, is retried, and lands once the disk takes it', async () => {
    const eve = await station('T', 'tess')
    await eve.link.cut()
    const ids = await recordCalls(eve, 3)
    const poisoned = ids[1]!
    await floor.central.query('INSERT INTO poison (id) VALUES ($1)', [poisoned])
    // A real write failure: a directory where the set-aside file's new version is written
    // before it is renamed into place (durable-file.ts), so that write fails with EISDIR.
    const blocked = `${path.join(eve.dataDir, 'set-aside.json')}.${process.pid}.tmp`
    await mkdir(blocked)
    await eve.link.restore()

    await eventually('the failed write to show in the status', async () => {
      const status = await eve.api.sync.status({})
      return /could not write its sync files .*EISDIR/.test(status.lastError ?? '') && status
    })
    expect((await eve.api.sync.status({})).setAside).toBe(0)
    const good = ids.filter((id) => id !== poisoned)
    const held = new Set((await floor.central.pullAll()).map((row) => row.event.id))
    expect(good.filter((id) => held.has(id))).toEqual(good)

    await rmdir(blocked)
    await eventually('the bad event to be set aside after all', async () => {
      const status = await eve.api.sync.status({})
      return status.pending === 0 && status.setAside === 1 && status.lastError === null
    })
  }, 240_000)
})
