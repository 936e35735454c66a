/**
 * The store in real Chromium, on real IndexedDB: what fake-indexeddb cannot prove (transaction
 * scheduling, version upgrades and durability as the browser implements them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { bundleForBrowser, launchChromium, servePage, type ServedPage } from '../support/chromium'
import type {} from './browser/harness'

let served: ServedPage
let browser: Browser
let page: Page

beforeAll(async () => {
  served = await servePage({ script: await bundleForBrowser('test/store/browser/harness.ts') })
  browser = await launchChromium()
  page = await browser.newPage()
  page.on('pageerror', (error) => console.error('page error:', error))
  await page.goto(served.url)
  await page.waitForFunction(() => window.storeHarness !== undefined)
})

afterAll(async () => {
  await browser?.close()
  await served?.close()
})

describe('the station store in Chromium (IndexedDB)', () => {
  it('records and projects in one transaction, and keeps numbers and events across a restart', async () => {
    const result = await page.evaluate(async () => {
      const { createStationStore, incident, fixtures, memoryNumbers } = window.storeHarness
      const numbers = memoryNumbers()
      const openCall = (store: Awaited<ReturnType<typeof createStationStore>>, phone: string) =>
        store.record((ctx) =>
          incident.openTicket(
            fixtures.phoneCall({ caller: { name: 'Jane Doe', phone } }),
            ctx.nextTicketNumber(),
            fixtures.agentAt(ctx),
          ),
        )
      let store = await createStationStore('restart', { durability: 'strict', numbers })
      await store.setStationCode('A1')
      const first = await openCall(store, '555 010 2233')
      await openCall(store, '555 020 0000')
      store.close()

      store = await createStationStore('restart', { durability: 'strict', numbers })
      const third = await openCall(store, '555 010 9999')
      if (!first.ok || !third.ok) throw new Error('refused')
      const ticket = await store.getTicket(first.tickets[0]!.id)
      const events = await store.ticketEvents(first.tickets[0]!.id)
      const refolded = incident.foldTicket(events.map(({ syncState: _s, ...event }) => event))
      const byPhone = await store.search('555010', 10)
      const byName = await store.search('jan', 10)
      const pending = await store.pendingCount()
      store.close()
      return {
        numbers: [first.tickets[0]!.number, third.tickets[0]!.number],
        sameAsFold: JSON.stringify(ticket) === JSON.stringify(refolded),
        byPhone: byPhone.map((t) => t.number).sort(),
        byName: byName.length,
        pending,
      }
    })
    const [first, third] = result.numbers
    expect(first).toBe('A1-1')
    // Numbers the window held unused when it closed are skipped, never handed out again.
    expect(Number(third!.split('-')[1])).toBeGreaterThan(2)
    expect(result).toEqual({
      numbers: [first, third],
      sameAsFold: true,
      byPhone: [first, third].sort(),
      byName: 3,
      pending: 3,
    })
  })

  it('does not start numbering again at 1 on a wiped profile: main goes on', async () => {
    const result = await page.evaluate(async () => {
      const { createStationStore, incident, fixtures, memoryNumbers } = window.storeHarness
      // Main's counter: it outlives the profile.
      const numbers = memoryNumbers()
      const logCall = async (store: Awaited<ReturnType<typeof createStationStore>>) => {
        const made = await store.record((ctx) =>
          incident.openTicket(fixtures.phoneCall(), ctx.nextTicketNumber(), fixtures.agentAt(ctx)),
        )
        if (!made.ok) throw new Error('refused')
        return made.tickets[0]!.number
      }
      let store = await createStationStore('wiped', { durability: 'strict', numbers })
      await store.setStationCode('A1')
      const before = [await logCall(store), await logCall(store)]
      store.close()
      await new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase('wiped')
        request.onsuccess = () => resolve()
        request.onerror = () => reject(request.error)
      })
      store = await createStationStore('wiped', { durability: 'strict', numbers })
      const wiped = { code: await store.stationCode(), pending: await store.pendingCount() }
      await store.setStationCode('A1')
      const after = await logCall(store)
      store.close()
      return { before, wiped, after }
    })
    expect(result.before).toEqual(['A1-1', 'A1-2'])
    expect(result.wiped).toEqual({ code: null, pending: 0 })
    expect(Number(result.after.split('-')[1])).toBeGreaterThan(2)
  })

  it('leaves no event behind when the projection fails (atomicity)', async () => {
    const result = await page.evaluate(async () => {
      const { createStationStore, fixtures, memoryNumbers } = window.storeHarness
      const store = await createStationStore('atomic', { numbers: memoryNumbers() })
      const [opening] = fixtures.remoteStation('A1', 'agent1').open()
      const broken = { ...opening!, id: '0190f0c0-0000-7000-8000-000000000001', hlc: 'yesterday' }
      const error = await store.recordEvents([opening!, broken]).then(
        () => null,
        (e: Error) => e.message,
      )
      const left = await store.ticketEvents(opening!.ticketId)
      const ticket = await store.getTicket(opening!.ticketId)
      const pending = await store.pendingCount()
      store.close()
      return { error, left: left.length, ticket: ticket ?? null, pending }
    })
    expect(result.error).toMatch(/hybrid logical clock/)
    expect(result).toMatchObject({ left: 0, ticket: null, pending: 0 })
  })

  it('applies a remote page and moves the cursor, then confirms pushed events', async () => {
    const result = await page.evaluate(async () => {
      const { createStationStore, incident, fixtures, memoryNumbers } = window.storeHarness
      const store = await createStationStore('sync', { numbers: memoryNumbers() })
      await store.setStationCode('A1')
      const remote = fixtures.remoteHistory(fixtures.remoteStation('B2', 'agent2'), 2)
      const page = await store.applyRemotePage(fixtures.pageOf(remote.slice(1), 0))
      const before = await store.getTicket(remote[0]!.ticketId)
      await store.applyRemotePage(fixtures.pageOf(remote.slice(0, 1), page.cursor))
      const after = await store.getTicket(remote[0]!.ticketId)
      const mine = await store.record((ctx) =>
        incident.addTechNote(after!, 'local note', fixtures.agentAt(ctx)),
      )
      if (!mine.ok) throw new Error('refused')
      await store.applyPushResults([{ id: mine.events[0]!.id, status: 'applied', seq: 99 }])
      const stored = await store.ticketEvents(remote[0]!.ticketId)
      const result = {
        before: before ?? null,
        sameAsFold: JSON.stringify(after) === JSON.stringify(incident.foldTicket(remote)),
        cursor: await store.getCursor(),
        pending: await store.pendingCount(),
        seqs: stored.map((e) => e.seq),
      }
      store.close()
      return result
    })
    expect(result).toEqual({
      before: null,
      sameAsFold: true,
      cursor: 4,
      pending: 0,
      seqs: [4, 1, 2, 3, 99],
    })
  })

  it('upgrades a version 1 database in place', async () => {
    const result = await page.evaluate(async () => {
      const { createStationStore, StationDb, ticketRow, incident, fixtures, memoryNumbers } =
        window.storeHarness
      const events = fixtures.remoteHistory(fixtures.remoteStation('A1', 'agent1'), 1)
      const v1 = new StationDb('upgrade', {}, 1)
      await v1.open()
      await v1.events.bulkAdd(events.map((e) => ({ ...e, syncState: 'pending' as const })))
      await v1.tickets.add(ticketRow(incident.foldTicket(events)!))
      v1.close()
      const store = await createStationStore('upgrade', { numbers: memoryNumbers() })
      const result = {
        pending: await store.pendingCount(),
        mine: (await store.ticketsByOwner('agent1')).map((t) => t.id),
      }
      store.close()
      return { ...result, ticketId: events[0]!.ticketId, count: events.length }
    })
    expect(result.pending).toBe(result.count)
    expect(result.mine).toEqual([result.ticketId])
  })

  it('removes the redacted text from IndexedDB, History, ticket row and search (rule 11)', async () => {
    const result = await page.evaluate(async () => {
      const { redaction } = window.storeHarness
      const arrives = await redaction.redactionArrives('redact-pulled', {})
      const early = await redaction.redactionBeforeNote('redact-early', {})
      const local = await redaction.redactedBeforePush('redact-local', {})
      return {
        secret: redaction.SECRET,
        before: arrives.before.database,
        after: [arrives.after, early, local].flatMap((t) => [t.database, t.history, t.ticket]),
        extra: [arrives.feed, local.pending],
        found: [arrives.after.found, early.found, local.found],
        earlyBody: early.body,
        redacted: redaction.REDACTED,
      }
    })
    expect(result.before).toContain(result.secret)
    for (const text of [...result.after, ...result.extra]) expect(text).not.toContain('#4821')
    expect(result.found).toEqual([0, 0, 0])
    expect(result.earlyBody).toBe(result.redacted)
  })
})
