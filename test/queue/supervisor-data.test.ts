/**
 * Issue 12: the data behind the supervisor's charts, the floor by agent and the wallboard — pure
 * functions over folded tickets and station presence, tested without a screen.
 */
import { describe, expect, it } from 'vitest'
import { foldTicket } from '../../src/shared/incident'
import type { Ticket } from '../../src/shared/incident/ticket'
import type { StationPresence } from '../../src/shared/sync/wire'
import { agentsOnFloor } from '../../src/renderer/src/floor/agents'
import { hourSeries, teamSeries } from '../../src/renderer/src/metrics/chart-data'
import { offlineStations, ticketBoard } from '../../src/renderer/src/wallboard/model'
import { phoneCall, remoteStation, T0 } from '../store/fixtures'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
/** T0 is 09:00 UTC; the desk's day starts at midnight UTC here. */
const DAY_START = T0 - 9 * HOUR
const NOW = T0 + 3 * HOUR
const at = (ms: number) => new Date(ms).toISOString()

function floor() {
  const b2 = remoteStation('B2', 'agent2', T0)
  const c3 = remoteStation('C3', 'agent3', T0)
  const printer = foldTicket(b2.open(phoneCall({ receivedAt: at(T0) })))!
  const wifi = foldTicket(
    b2.open(
      phoneCall({ receivedAt: at(T0 + 5 * MINUTE), impact: 1, urgency: 1, title: 'Wi-Fi down' }),
    ),
  )!
  const vpnOpened = c3.open(phoneCall({ receivedAt: at(T0 + 150 * MINUTE), title: 'VPN drops' }))
  const vpn = foldTicket([...vpnOpened, ...c3.escalate(foldTicket(vpnOpened)!, 'network')])!
  return { printer, wifi, vpn, tickets: [printer, wifi, vpn] as Ticket[] }
}

const presence = (overrides: Partial<StationPresence>): StationPresence => ({
  stationCode: 'A1',
  user: null,
  connectedAt: T0 - HOUR,
  pending: 0,
  lastSyncAt: T0,
  online: true,
  setAside: 0,
  onCall: false,
  ...overrides,
})

describe('chart data', () => {
  it('puts each call in its hour, from eight hours back to now, with the tickets behind each bar', () => {
    const { printer, wifi, vpn, tickets } = floor()
    const calls = hourSeries(tickets, 'calls', DAY_START, NOW)
    expect(calls.title).toBe('Calls per hour')
    expect(calls.empty).toBe(false)
    expect(calls.bars.map((b) => b.label)).toEqual(['05', '06', '07', '08', '09', '10', '11', '12'])
    expect(calls.bars.map((b) => b.value)).toEqual([0, 0, 0, 0, 2, 0, 1, 0])
    const nine = calls.bars[4]!
    expect(nine.description).toBe('09:00–10:00: 2 calls')
    expect([...nine.ticketIds].sort()).toEqual([printer.id, wifi.id].sort())
    expect(calls.bars[6]).toMatchObject({ description: '11:00–12:00: 1 call', ticketIds: [vpn.id] })
  })

  it('says so when a chart has nothing to draw, and counts escalations and breaches once per ticket', () => {
    const { wifi, vpn, tickets } = floor()
    const resolved = hourSeries(tickets, 'resolved', DAY_START, NOW)
    expect(resolved.empty).toBe(true)
    expect(resolved.emptyText).toBe('Nothing resolved today yet.')
    expect(hourSeries([], 'calls', DAY_START, NOW).emptyText).toBe('No calls logged today yet.')

    const escalated = hourSeries(tickets, 'escalated', DAY_START, NOW)
    expect(escalated.bars.flatMap((b) => b.ticketIds)).toEqual([vpn.id])
    // The P1 was due resolved by 11:05 and is not: one breach, in that hour.
    const breaches = hourSeries(tickets, 'breaches', DAY_START, NOW)
    expect(breaches.bars.find((b) => b.value > 0)).toMatchObject({
      label: '11',
      ticketIds: [wifi.id],
      description: '11:00–12:00: 1 ticket breached',
    })
  })

  it('breaks the open tickets and the breaches down by team, the largest first', () => {
    const { printer, wifi, vpn, tickets } = floor()
    const name = (id: string) => ({ csc: 'Service Desk', network: 'Network' })[id] ?? id
    const open = teamSeries(tickets, 'open', name, DAY_START, NOW)
    expect(open.bars.map((b) => [b.label, b.value])).toEqual([
      ['Service Desk', 2],
      ['Network', 1],
    ])
    expect([...open.bars[0]!.ticketIds].sort()).toEqual([printer.id, wifi.id].sort())
    expect(open.bars[1]).toMatchObject({
      description: 'Network: 1 open ticket',
      ticketIds: [vpn.id],
    })
    expect(teamSeries(tickets, 'breaches', name, DAY_START, NOW).bars).toHaveLength(1)
    expect(teamSeries([], 'open', name, DAY_START, NOW)).toMatchObject({
      empty: true,
      emptyText: 'No open tickets.',
    })
  })
})

describe('the floor by agent', () => {
  it('shows who is on a call, idle or offline, where, and the oldest ticket each holds', () => {
    const { printer, tickets } = floor()
    const agents = agentsOnFloor(
      [
        presence({ stationCode: 'B2', user: 'agent2', onCall: true }),
        presence({ stationCode: 'C3', user: 'agent3', online: false }),
        presence({ stationCode: 'D4', user: 'agent4' }),
      ],
      tickets,
      [
        { username: 'agent2', role: 'agent' },
        { username: 'agent5', role: 'agent' },
        { username: 'super1', role: 'supervisor' },
      ],
    )
    expect(agents.map((a) => [a.username, a.state, a.stations, a.lastStation, a.held])).toEqual([
      ['agent2', 'on_call', ['B2'], null, 2],
      ['agent4', 'idle', ['D4'], null, 0],
      // agent3's ticket went to Network (rule 4): it is the team's now, not theirs.
      ['agent3', 'offline', [], 'C3', 0],
      ['agent5', 'offline', [], null, 0],
    ])
    expect(agents[0]!.oldest).toMatchObject({ id: printer.id, number: printer.number })
  })
})

describe('the wallboard', () => {
  it('counts the queue per team, the oldest waiting, the P1s, the breaches today and the stations offline', () => {
    const { printer, wifi, tickets } = floor()
    const board = ticketBoard(tickets, DAY_START, NOW)
    expect(board.waiting).toBe(3)
    expect(board.teams.map((t) => [t.teamId, t.waiting, t.oldestReceivedAt])).toEqual([
      ['csc', 2, T0],
      ['network', 1, T0 + 150 * MINUTE],
    ])
    expect(board.oldest?.id).toBe(printer.id)
    expect(board.p1).toEqual([expect.objectContaining({ id: wifi.id, sla: 'breached' })])
    expect(board.breachesToday).toBe(1)
    expect(
      offlineStations([
        presence({ stationCode: 'B2', online: false }),
        presence({ stationCode: 'A1' }),
        presence({ stationCode: 'N9', online: false, connectedAt: 0 }),
      ]),
    ).toEqual(['B2'])
  })
})
