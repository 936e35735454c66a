/**
 * Rule 11 on the server: a redaction removes the text from the stored log, not only from the
 * projection (shared/incident/redaction.ts says what the redacted form of a note's events is).
 * Stored events are rewritten only inside the event-log lock, in the transaction that stores the
 * events, so no reader (a pull page, the mailer) ever sees a redaction committed while the text it
 * removed is still stored; a note that arrives after its redaction is stored redacted from the
 * start. A plan that rewrites nothing has only read, and may be made before the lock (commit.ts).
 */
import {
  concernsRedaction,
  redactedForms,
  redactionKey,
  type TicketEvent,
} from '../../shared/incident'
import type { Queryable } from '../db/database'

export interface RedactionPlan {
  /** The events to insert, in their stored form (in the order given). */
  events: TicketEvent[]
  /**
   * Writes the stored events whose form changed, in the transaction that inserts the events. Null
   * when none did: then the plan was only read, and holds for as long as the batch's tickets are
   * as read.
   */
  rewriteStored: (() => Promise<void>) | null
}

/**
 * `events` are new to the batch (unique ids). Reads the stored events of the notes they concern
 * — one statement, only for batches that hold customer notes or redactions — and works out the
 * redacted form of everything involved.
 */
export async function planRedactions(
  tx: Queryable,
  events: readonly TicketEvent[],
): Promise<RedactionPlan> {
  if (!concernsRedaction(events)) return { events: [...events], rewriteStored: null }
  const keys = new Set(events.flatMap((event) => redactionKey(event) ?? []))
  const noteIds = [...keys].map((key) => key.split('|')[1]!)
  const noteEvents = events.filter((event) => redactionKey(event) !== null)
  const ticketIds = [...new Set(noteEvents.map((event) => event.ticketId))]
  // Also every note event of the batch that is stored already, wherever: the insert will skip
  // those ids, so they must not count as new members of a note (a repeat is judged on its own).
  // Two indexed lookups: an OR of the two makes the planner scan the whole log.
  const rows = await tx.query<{ id: string; body: TicketEvent }>(
    `SELECT id, body FROM events
      WHERE ticket_id = ANY($1::uuid[])
        AND body->>'type' IN ('customer_note_added', 'note_redacted')
        AND body->'payload'->>'noteId' = ANY($2::text[])
     UNION ALL
     SELECT id, body FROM events WHERE id = ANY($3::uuid[])`,
    [ticketIds, noteIds, noteEvents.map((event) => event.id)],
  )
  // A row both lookups find comes twice.
  const stored = new Map(rows.map((row) => [row.id, row.body]))
  const fresh = events.filter((event) => !stored.has(event.id))
  const forms = redactedForms([
    ...[...stored.values()].filter((event) => keys.has(redactionKey(event) ?? '')),
    ...fresh,
  ])
  const rewrites = [...forms.values()].filter((event) => stored.has(event.id))
  return {
    events: events.map((event) => (stored.has(event.id) ? event : (forms.get(event.id) ?? event))),
    rewriteStored: rewrites.length
      ? async () => {
          await tx.query(
            `UPDATE events SET body = u.body
               FROM unnest($1::uuid[], $2::jsonb[]) AS u(id, body) WHERE events.id = u.id`,
            [rewrites.map((event) => event.id), rewrites.map((event) => JSON.stringify(event))],
          )
        }
      : null,
  }
}
