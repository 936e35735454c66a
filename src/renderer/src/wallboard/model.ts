/**
 * The floor's big screen (issue 12, item 3) as figures: queue length per team, the oldest ticket
 * waiting, the P1 list, SLA breaches today and the stations offline. Pure: the supervisor queue's
 * tickets (open ones and those touched today), station presence, the day's start and now go in.
 */
import type { Ticket } from '../../../shared/incident/ticket'
import type { StationPresence } from '../../../shared/sync/wire'
import { stationStatus } from '../floor/model'
import { breachesBetween } from '../metrics/model'
import { isOpen, slaOf, type SlaStatus } from '../queue/sla'

export type WaitingTicket = Pick<Ticket, 'id' | 'number' | 'title' | 'teamId' | 'receivedAt'>

export interface TeamLine {
  teamId: string
  waiting: number
  oldestReceivedAt: number
}

export interface P1Line extends WaitingTicket {
  sla: SlaStatus
  /** Until the next target falls due (negative: overdue); null when no target runs. */
  remainingMs: number | null
}

export interface TicketBoard {
  waiting: number
  teams: TeamLine[]
  oldest: WaitingTicket | null
  p1: P1Line[]
  breachesToday: number
}

const waitingOf = ({ id, number, title, teamId, receivedAt }: Ticket): WaitingTicket => ({
  id,
  number,
  title,
  teamId,
  receivedAt,
})

/** Teams with the longest queue first; the P1s oldest first. */
export function ticketBoard(tickets: Iterable<Ticket>, dayStart: number, now: number): TicketBoard {
  const teams = new Map<string, TeamLine>()
  const p1: P1Line[] = []
  let waiting = 0
  let oldest: Ticket | null = null
  let breachesToday = 0
  for (const ticket of tickets) {
    breachesToday += breachesBetween(ticket, dayStart, now).length
    if (!isOpen(ticket)) continue
    waiting += 1
    const team = teams.get(ticket.teamId)
    if (team) {
      team.waiting += 1
      team.oldestReceivedAt = Math.min(team.oldestReceivedAt, ticket.receivedAt)
    } else {
      teams.set(ticket.teamId, {
        teamId: ticket.teamId,
        waiting: 1,
        oldestReceivedAt: ticket.receivedAt,
      })
    }
    if (!oldest || ticket.receivedAt < oldest.receivedAt) oldest = ticket
    if (ticket.priority === 'P1') {
      const sla = slaOf(ticket, now)
      p1.push({
        ...waitingOf(ticket),
        sla: sla.status,
        remainingMs: sla.target ? sla.remainingMs : null,
      })
    }
  }
  return {
    waiting,
    teams: [...teams.values()].sort(
      (a, b) =>
        b.waiting - a.waiting ||
        a.oldestReceivedAt - b.oldestReceivedAt ||
        a.teamId.localeCompare(b.teamId),
    ),
    oldest: oldest ? waitingOf(oldest) : null,
    p1: p1.sort((a, b) => a.receivedAt - b.receivedAt || a.number.localeCompare(b.number)),
    breachesToday,
  }
}

/** Stations that were connected and are not now; a station enrolled but never seen is not news. */
export function offlineStations(stations: readonly StationPresence[]): string[] {
  return stations
    .filter((s) => stationStatus(s) === 'offline')
    .map((s) => s.stationCode)
    .sort()
}
