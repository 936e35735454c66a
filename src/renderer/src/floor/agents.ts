/**
 * The floor by agent (issue 12, item 1): who is signed in where, what they hold, and whether they
 * are on a call, idle or offline. Pure: station presence (from the server) and the supervisor
 * queue's tickets go in, rows come out.
 *
 * What an agent holds: the open tickets they are working themselves — assigned to them by name,
 * or theirs as owner while the ticket is with the CSC. A ticket the owner escalated belongs to the
 * second-level team now (rule 4), so it is not counted against them.
 * On a call: a station of theirs reports an open call intake, or a phone-system call that their
 * extension answered and that has not ended.
 */
import type { User } from '../../../shared/directory'
import type { Ticket } from '../../../shared/incident/ticket'
import { CSC_TEAM_ID } from '../../../shared/incident/vocabulary'
import type { StationPresence } from '../../../shared/sync/wire'
import { isOpen } from '../queue/sla'

export type AgentState = 'on_call' | 'idle' | 'offline'

export interface AgentOnFloor {
  username: string
  state: AgentState
  /** Online stations where they are signed in now. */
  stations: string[]
  /** The station they were last signed in at, when offline. */
  lastStation: string | null
  held: number
  oldest: Pick<Ticket, 'id' | 'number' | 'title' | 'receivedAt'> | null
}

export function holds(ticket: Ticket, username: string): boolean {
  if (!isOpen(ticket)) return false
  return (
    ticket.assignee === username || (ticket.owner === username && ticket.teamId === CSC_TEAM_ID)
  )
}

const RANK: Record<AgentState, number> = { on_call: 0, idle: 1, offline: 2 }

/**
 * Every agent of the directory, and anyone else signed in at a station or holding work; on a
 * call first, then idle, then offline, each with the oldest held ticket first.
 */
export function agentsOnFloor(
  stations: readonly StationPresence[],
  tickets: Iterable<Ticket>,
  users: readonly Pick<User, 'username' | 'role'>[],
): AgentOnFloor[] {
  const agents = new Map<string, AgentOnFloor>()
  const agent = (username: string) => {
    let row = agents.get(username)
    if (!row) {
      row = { username, state: 'offline', stations: [], lastStation: null, held: 0, oldest: null }
      agents.set(username, row)
    }
    return row
  }
  for (const user of users) if (user.role === 'agent') agent(user.username)
  for (const station of stations) {
    if (!station.user) continue
    const row = agent(station.user)
    if (!station.online) {
      row.lastStation ??= station.stationCode
      continue
    }
    row.stations.push(station.stationCode)
    row.state = station.onCall || row.state === 'on_call' ? 'on_call' : 'idle'
  }
  for (const ticket of tickets) {
    const people = new Set([ticket.owner, ticket.assignee ?? ticket.owner])
    for (const username of people) {
      if (!holds(ticket, username)) continue
      const row = agent(username)
      row.held += 1
      if (!row.oldest || ticket.receivedAt < row.oldest.receivedAt) {
        row.oldest = {
          id: ticket.id,
          number: ticket.number,
          title: ticket.title,
          receivedAt: ticket.receivedAt,
        }
      }
    }
  }
  for (const row of agents.values()) {
    row.stations.sort()
    if (row.state !== 'offline') row.lastStation = null
  }
  return [...agents.values()].sort(
    (a, b) =>
      RANK[a.state] - RANK[b.state] ||
      (a.oldest?.receivedAt ?? Infinity) - (b.oldest?.receivedAt ?? Infinity) ||
      a.username.localeCompare(b.username),
  )
}
