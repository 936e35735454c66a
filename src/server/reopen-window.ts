/**
 * Rule 9: a resolved ticket can be reopened by the customer for 7 days, then it closes. The server
 * closes it, not a station: the owner's station may be off for the weekend, and the rule holds
 * anyway. The closure is an ordinary `closed` event made by the shared `close` command, so every
 * station folds it like any other and the history says who closed it (the server) and why.
 */
import { uuidv7 } from '../shared/ids'
import { REOPEN_WINDOW_DAYS, close, type Ticket, type TicketEvent } from '../shared/incident'
import { SERVER_ACTOR, SERVER_STATION } from './accounts'
import type { Database } from './db/database'
import { commitEvents, withEventLog, type CommitOutcome } from './events/event-log'
import { errorFields, type Logger } from './log'

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
      const result = close(ticket, null, {
        actor: SERVER_ACTOR,
        station: SERVER_STATION,
        now: () => now,
        // After the ticket's last event, so the closure sorts after its resolution.
        nextHlc: () => nextHlc(now, ticket.lastEventKey.split('|')[0]),
        newId: () => uuidv7(now),
      })
      if (result.ok) events.push(...result.events)
    }
    if (events.length === 0) return { closed: [], commit: null }
    const commit = await commitEvents(tx, events, now, policy)
    return { closed: events.map((e) => e.ticketId), commit }
  })
}

/** Sweeps now and then every `intervalMs`; a failed sweep is logged and tried again next time. */
export function startReopenWindowSweeper(options: {
  db: Database
  now: () => number
  nextHlc: (now: number, after?: string) => string
  logger: Logger
  committed(commit: CommitOutcome): void
  intervalMs?: number
}): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve()
  const sweep = () => {
    running = running.then(async () => {
      try {
        const { closed, commit } = await closeElapsedResolutions(
          options.db,
          options.now(),
          options.nextHlc,
        )
        if (commit) options.committed(commit)
        if (closed.length)
          options.logger.log('info', 'closed after the reopen window', { tickets: closed.length })
      } catch (error) {
        options.logger.log('error', 'reopen-window sweep failed', errorFields(error))
      }
    })
  }
  sweep()
  const timer = setInterval(sweep, options.intervalMs ?? 10 * 60 * 1000)
  timer.unref()
  return {
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
