/**
 * Event Management's alert intake. An alert opens an incident (source: monitoring) carrying the
 * alert key; while a ticket with that key is still open, a repeat of the alert becomes a Tech Note
 * on it instead of a new ticket, so a flapping alert does not open forty tickets.
 *
 * The server writes its own events (these, and closures after the reopen window) as actor
 * `event-management`, station `SRV`, with ticket numbers `SRV-<n>` from a database sequence (unique
 * across server processes) and the server's own hybrid logical clock.
 */
import type { z } from 'zod'
import { uuidv7 } from '../shared/ids'
import {
  EVENT_SCHEMA_VERSION,
  formatTicketNumber,
  ticketEventSchema,
  type CommandContext,
  type Ticket,
  type TicketEvent,
} from '../shared/incident'
import { createClock, formatHlc, receive, tick, type HlcState } from '../shared/sync/hlc'
import type { monitoringAlertResponseSchema, monitoringAlertSchema } from '../shared/sync/wire'
import { SERVER_ACTOR, SERVER_STATION } from './accounts'
import type { Database, Queryable } from './db/database'
import { commitEvents, withEventLog, type CommitOutcome } from './events/event-log'

export type MonitoringAlert = z.output<typeof monitoringAlertSchema>
export type MonitoringAlertResponse = z.output<typeof monitoringAlertResponseSchema>

/** The server's clock; it merges the ticket's last clock so its note sorts after what came before. */
export function createServerClock(): (now: number, after?: string) => string {
  let clock: HlcState = createClock(SERVER_STATION)
  return (now, after) => {
    if (after) clock = receive(clock, after, now).clock
    clock = tick(clock, now)
    return formatHlc(clock)
  }
}

/** A command context for the server's own events on `ticket`, its clock after the ticket's last event. */
export function serverContext(
  ticket: Ticket,
  now: number,
  nextHlc: (now: number, after?: string) => string,
): CommandContext {
  const after = ticket.lastEventKey.split('|')[0]
  return {
    actor: SERVER_ACTOR,
    station: SERVER_STATION,
    now: () => now,
    nextHlc: () => nextHlc(now, after),
    newId: () => uuidv7(now),
  }
}

/** `SRV-<n>`: the numbers of tickets the server opens itself, unique across server processes. */
export async function nextServerNumber(tx: Queryable): Promise<string> {
  const [next] = await tx.query<{ n: number }>(`SELECT nextval('server_ticket_seq')::int8 AS n`)
  return formatTicketNumber(SERVER_STATION, Number(next!.n))
}

export function serverEvent(
  type: TicketEvent['type'],
  ticketId: string,
  hlc: string,
  payload: unknown,
  now: number,
): TicketEvent {
  return ticketEventSchema.parse({
    id: uuidv7(now),
    ticketId,
    type,
    actor: SERVER_ACTOR,
    station: SERVER_STATION,
    hlc,
    schemaVersion: EVENT_SCHEMA_VERSION,
    payload,
  })
}

async function openTicketWithKey(tx: Queryable, alertKey: string): Promise<Ticket | null> {
  const [row] = await tx.query<{ body: Ticket }>(
    `SELECT body FROM tickets WHERE alert_key = $1 AND state IN ('open', 'on_hold') ORDER BY updated_at DESC LIMIT 1`,
    [alertKey],
  )
  return row?.body ?? null
}

export async function raiseAlert(
  db: Database,
  alert: MonitoringAlert,
  now: number,
  nextHlc: (now: number, after?: string) => string,
): Promise<{ response: MonitoringAlertResponse; commit: CommitOutcome }> {
  // Looked up under the event-log lock: two copies of one alert arriving together open one ticket.
  return withEventLog(db, async (tx, policy) => {
    const open = await openTicketWithKey(tx, alert.alertKey)
    const at = new Date(now).toISOString()
    let event: TicketEvent
    let number: string
    if (open) {
      number = open.number
      const lastHlc = open.lastEventKey.split('|')[0]
      event = serverEvent(
        'tech_note_added',
        open.id,
        nextHlc(now, lastHlc),
        {
          noteId: uuidv7(now),
          body: `Alert repeated at ${at}: ${alert.title}${alert.description ? `\n\n${alert.description}` : ''}`,
        },
        now,
      )
    } else {
      number = await nextServerNumber(tx)
      event = serverEvent(
        'opened',
        uuidv7(now),
        nextHlc(now),
        {
          number,
          kind: 'incident',
          source: 'monitoring',
          caller: { name: 'Event Management' },
          title: alert.title,
          description: alert.description,
          service: alert.service,
          category: alert.category,
          impact: alert.impact,
          urgency: alert.urgency,
          priorityIncrease: false,
          receivedAt: at,
          alertKey: alert.alertKey,
        },
        now,
      )
    }
    const commit = await commitEvents(tx, [event], now, policy)
    const result = commit.results.get(event.id)
    if (result?.status !== 'applied')
      throw new Error(`The server's own event was not applied: ${JSON.stringify(result)}`)
    return {
      response: {
        outcome: open ? 'repeated' : 'opened',
        ticketId: event.ticketId,
        number,
        seq: result.seq,
      },
      commit,
    }
  })
}
