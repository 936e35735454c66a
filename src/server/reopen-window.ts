/**
 * Rule 9: a resolved ticket can be reopened by the customer for 7 days, then it closes. The server
 * closes it, not a station: the owner's station may be off for the weekend, and the rule holds
 * anyway. The closure is an ordinary `closed` event made by the shared `close` command, so every
 * station folds it like any other and the history says who closed it (the server) and why. The
 * server's scheduler (scheduler.ts) runs it.
 */
import { REOPEN_WINDOW_DAYS, close, type Ticket, type TicketEvent } from '../shared/incident'
import type { Database } from './db/database'
import { commitEvents, withEventLog, type CommitOutcome } from './events/event-log'
import { serverContext } from './monitoring'

const DAY_MS = 24 * 60 * 60 * 1000
/** One sweep closes at most this many; the next sweep takes the rest. */
const SWEEP_LIMIT = 200

export async function closeElapsedResolutions(
  db: Database,
  now: number,
  nextHlc: (now: number, after?: string) => string,
): Promise<{ closed: string[]; commit: CommitOutcome | null }> {
  return withEventLog(db, async (tx, policy) => {
    const rows = await tx.query<{ body: Ticket }>(
      `SELECT body FROM tickets
       WHERE state = 'resolved' AND (body->'resolution'->>'at')::float8 < $1
       ORDER BY updated_at LIMIT $2`,
      [now - REOPEN_WINDOW_DAYS * DAY_MS, SWEEP_LIMIT],
    )
    const events: TicketEvent[] = []
    for (const { body: ticket } of rows) {
      // After the ticket's last event, so the closure sorts after its resolution.
      const result = close(ticket, null, serverContext(ticket, now, nextHlc))
      if (result.ok) events.push(...result.events)
    }
    if (events.length === 0) return { closed: [], commit: null }
    const commit = await commitEvents(tx, events, now, policy)
    return { closed: events.map((e) => e.ticketId), commit }
  })
}
