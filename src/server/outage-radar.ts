/**
 * The outage radar on the server (rule 10). When events commit, it looks at the working tickets
 * touched in the last minutes and records what `detectOutages` finds as `outage_suspected` events:
 * ordinary ticket events, so they reach every station over the live channel as any save does, a
 * station that was offline gets them on catch-up, each call's history shows them, and the
 * supervisor's accept or dismiss is an ordinary event too. Exactly once across server processes:
 * the look and the write happen under the event-log lock (`withEventLog`), so a second process
 * finds the calls already carrying the proposal and proposes nothing. It runs as one of the
 * scheduler's jobs (scheduler.ts): after commits, and once a minute.
 */
import { uuidv7 } from '../shared/ids'
import {
  detectOutages,
  EVENT_SCHEMA_VERSION,
  type Ticket,
  type TicketEvent,
} from '../shared/incident'
import { SERVER_ACTOR, SERVER_STATION } from './accounts'
import type { Database } from './db/database'
import { majorIncidentSettings } from './directory-store'
import { commitEvents, withEventLog, type CommitOutcome } from './events/event-log'

const MINUTE = 60_000
/** A sweep looks at no more tickets than this: an outage shows in far fewer. */
const LOOK_LIMIT = 2000

export async function runOutageRadar(
  db: Database,
  now: number,
  nextHlc: (now: number, after?: string) => string,
): Promise<{ proposals: string[]; commit: CommitOutcome | null }> {
  const settings = await majorIncidentSettings(db)
  const rule = settings.outageRadar
  return withEventLog(db, async (tx, policy) => {
    // A call received in the window was opened, so last touched, no earlier than it was received;
    // a pending proposal's calls were touched when it was made.
    const rows = await tx.query<{ body: Ticket }>(
      `SELECT body FROM tickets
        WHERE state IN ('open', 'on_hold') AND updated_at >= $1 AND body IS NOT NULL
        ORDER BY updated_at DESC LIMIT $2`,
      [now - rule.minutes * MINUTE, LOOK_LIMIT],
    )
    const findings = detectOutages(
      rows.map((r) => r.body),
      rule,
      now,
    )
    const events: TicketEvent[] = []
    for (const finding of findings) {
      const proposalId = finding.proposalId ?? uuidv7(now)
      for (const ticket of finding.add) {
        events.push({
          id: uuidv7(now),
          ticketId: ticket.id,
          type: 'outage_suspected',
          actor: SERVER_ACTOR,
          station: SERVER_STATION,
          // After the ticket's last event, so the proposal sorts after what the radar saw.
          hlc: nextHlc(now, ticket.lastEventKey.split('|')[0]),
          schemaVersion: EVENT_SCHEMA_VERSION,
          payload: {
            proposalId,
            service: finding.service,
            candidateTicketIds: finding.candidateTicketIds.slice(0, 200),
            calls: rule.calls,
            minutes: rule.minutes,
          },
        })
      }
    }
    if (events.length === 0) return { proposals: [], commit: null }
    const commit = await commitEvents(tx, events, now, policy)
    const proposals = [
      ...new Set(events.map((e) => (e.type === 'outage_suspected' ? e.payload.proposalId : ''))),
    ]
    return { proposals, commit }
  })
}
