import { afterEach, describe, expect, it, vi } from 'vitest'
import { AlertWatch, describeAlert } from '../../src/renderer/src/queue/alerts'
import { createTicker } from '../../src/renderer/src/queue/clock'
import { QueueModel } from '../../src/renderer/src/queue/model'
import { HOUR, MINUTE, T0, ticket, touched } from './tickets'

const DAY_START = Date.parse('2026-11-27T00:00:00.000Z')

describe('desktop alerts: a new P1, a breached target; once each, none for what was so at load', () => {
  const p1 = ticket({ priority: 'P1', firstAssignedAt: T0, resolutionDueAt: T0 + 2 * HOUR })
  const p3 = ticket({ priority: 'P3', firstAssignedAt: T0, resolutionDueAt: T0 + 8 * HOUR })
  const unassigned = ticket({
    priority: 'P2',
    firstAssignedAt: null,
    firstAssignmentDueAt: T0 + HOUR,
    resolutionDueAt: T0 + 4 * HOUR,
  })

  function loaded(now = T0) {
    const model = new QueueModel(DAY_START)
    model.apply([p1, p3, unassigned].map((t) => ({ ticket: t, unsynced: false })))
    const watch = new AlertWatch()
    watch.seed(model.rows(), now)
    return { model, watch }
  }

  it('stays quiet about the P1s and breaches already there at load', () => {
    const { model, watch } = loaded(T0 + 3 * HOUR)
    expect(watch.tick(model.rows(), T0 + 3 * HOUR)).toEqual([])
  })

  it('alerts once when a ticket becomes P1, not again when it is reopened', () => {
    const { model, watch } = loaded()
    const upgraded = model.apply([{ ticket: touched(p3, { priority: 'P1' }), unsynced: false }])
    expect(watch.changed(upgraded, T0).map((a) => [a.kind, a.ticketId])).toEqual([
      ['new_p1', p3.id],
    ])
    const resolved = model.apply([
      { ticket: touched(p3, { priority: 'P1', state: 'resolved' }), unsynced: false },
    ])
    const reopened = model.apply([
      { ticket: touched(p3, { priority: 'P1', state: 'open' }), unsynced: false },
    ])
    expect([...watch.changed(resolved, T0), ...watch.changed(reopened, T0)]).toEqual([])
  })

  it('alerts for each target as it falls due, once', () => {
    const { model, watch } = loaded()
    expect(watch.tick(model.rows(), T0 + 59 * MINUTE)).toEqual([])
    expect(watch.tick(model.rows(), T0 + HOUR).map((a) => [a.kind, a.ticketId])).toEqual([
      ['first_assignment_breached', unassigned.id],
    ])
    expect(watch.tick(model.rows(), T0 + HOUR + MINUTE)).toEqual([])
    expect(watch.tick(model.rows(), T0 + 2 * HOUR).map((a) => [a.kind, a.ticketId])).toEqual([
      ['resolution_breached', p1.id],
    ])
  })

  it('words a notification with the ticket number first', () => {
    expect(
      describeAlert({ kind: 'new_p1', ticketId: p1.id, number: 'A1-7', title: 'Core switch down' }),
    ).toEqual({
      title: 'New P1: A1-7',
      body: 'Core switch down',
    })
    expect(
      describeAlert({ kind: 'resolution_breached', ticketId: p1.id, number: 'A1-7', title: 'x' })
        .title,
    ).toBe('Resolution target breached: A1-7')
  })
})

describe('the shared ticking clock', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('ticks every subscriber with one `now`, and runs only while someone listens', () => {
    vi.useFakeTimers({ now: T0 })
    const ticker = createTicker(Date.now, 1000)
    const seen: number[][] = [[], []]
    const offs = seen.map((list) => ticker.subscribe((now) => list.push(now)))
    vi.advanceTimersByTime(3000)
    expect(seen[0]).toEqual([T0 + 1000, T0 + 2000, T0 + 3000])
    expect(seen[1]).toEqual(seen[0])
    expect(ticker.now()).toBe(T0 + 3000)
    offs.forEach((off) => off())
    expect(vi.getTimerCount()).toBe(0)
  })
})
