/**
 * What a chaos seed is judged by, once the floor has settled: no event lost (every event a
 * station recorded is in the server's log, or was rejected with a reason the station shows), none
 * in the log twice, no ticket opened twice or listed twice, every replica's tickets equal to the
 * server's (and the server's projection equal to the fold of its own log), every number unique.
 */
import type { Ticket, TicketEvent } from '../../src/shared/incident'
import { canonical, foldAll, hashTickets, type TestStation } from '../station/support/floor'

export interface Verdict {
  /** Ids recorded at a station that are neither in the server's log nor rejected. */
  lost: string[]
  /** Event ids in the log more than once, tickets opened or listed more than once. */
  duplicated: string[]
  /** Replicas (station names, or "server" for its projection against its log) that differ. */
  divergent: string[]
  /** Ticket numbers held by more than one of the server's tickets. */
  duplicateNumbers: string[]
  /** Rejections the stations show, by code. */
  rejected: Record<string, number>
  /** For the report: the first ticket a divergent replica holds differently. */
  firstDifference: string | null
}

const repeated = (values: readonly string[]): string[] => {
  const seen = new Set<string>()
  const twice = new Set<string>()
  for (const value of values) (seen.has(value) ? twice : seen).add(value)
  return [...twice]
}

export async function judge(input: {
  stations: readonly TestStation[]
  recorded: ReadonlySet<string>
  log: readonly { seq: number; event: TicketEvent }[]
  serverTickets: readonly Ticket[]
}): Promise<Verdict> {
  const { stations, recorded, log, serverTickets } = input
  const logIds = log.map((row) => row.event.id)
  const inLog = new Set(logIds)
  const rejectedIds = new Set<string>()
  const rejected: Record<string, number> = {}
  const duplicated = repeated(logIds).map((id) => `event ${id}`)
  duplicated.push(
    ...repeated(
      log.filter((row) => row.event.type === 'opened').map((row) => row.event.ticketId),
    ).map((id) => `opening of ticket ${id}`),
  )

  const serverHash = hashTickets(serverTickets)
  const serverById = new Map(serverTickets.map((t) => [t.id, canonical(t)]))
  const divergent: string[] = []
  let firstDifference: string | null = null
  const folded = foldAll(log.map((row) => row.event))
  if (hashTickets(folded) !== serverHash) {
    divergent.push('server')
    const mine = new Map(folded.map((t) => [t.id, canonical(t)]))
    const differing = [...mine.keys()].find((id) => mine.get(id) !== serverById.get(id))
    if (differing)
      firstDifference = `server's fold ${differing}: ${mine.get(differing)} / server: ${serverById.get(differing) ?? 'missing'}`
  }

  for (const station of stations) {
    for (const stored of await station.store.rejectedEvents(100_000)) {
      if (rejectedIds.has(stored.id)) continue
      rejectedIds.add(stored.id)
      const code = stored.rejection?.code ?? 'unknown'
      rejected[code] = (rejected[code] ?? 0) + 1
    }
    const tickets = await station.tickets()
    duplicated.push(
      ...repeated(tickets.map((t) => t.id)).map((id) => `${station.name} lists ${id}`),
    )
    if (hashTickets(tickets) === serverHash) continue
    divergent.push(station.name)
    if (firstDifference) continue
    const mine = new Map(tickets.map((t) => [t.id, canonical(t)]))
    const ids = new Set([...mine.keys(), ...serverById.keys()])
    const differing = [...ids].find((id) => mine.get(id) !== serverById.get(id))
    if (differing)
      firstDifference = `${station.name} ${differing}: ${mine.get(differing) ?? 'missing'} / server: ${serverById.get(differing) ?? 'missing'}`
  }

  const lost = [...recorded].filter((id) => !inLog.has(id) && !rejectedIds.has(id))
  const byNumber = new Map<string, number>()
  for (const ticket of serverTickets)
    byNumber.set(ticket.number, (byNumber.get(ticket.number) ?? 0) + 1)
  const duplicateNumbers = [...byNumber].filter(([, n]) => n > 1).map(([number]) => number)
  return { lost, duplicated, divergent, duplicateNumbers, rejected, firstDifference }
}
