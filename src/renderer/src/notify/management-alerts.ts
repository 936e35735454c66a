/**
 * Rule 10: the person a ticket is escalated to — the service desk manager, then the director of
 * IT service management — hears of it by a desktop notification on their station. Once per
 * escalation; one older than a few minutes when it reaches the station (a catch-up) is history.
 */
import type { Ticket } from '../../../shared/incident/ticket'

/** A desktop notification to raise (through `station.notify.show`). */
export interface OwnerAlert {
  ticketId: string
  title: string
  body: string
}

export const RECENT_ESCALATION_MS = 15 * 60 * 1000

export class ManagementAlertWatch {
  /** Escalations seen per ticket, so a later edit of the ticket is not a second alert. */
  private readonly seen = new Map<string, number>()

  constructor(private readonly username: string) {}

  changed(tickets: readonly Ticket[], now: number): OwnerAlert[] {
    const alerts: OwnerAlert[] = []
    for (const ticket of tickets) {
      const escalations = ticket.managementEscalations ?? []
      const before = this.seen.get(ticket.id) ?? 0
      this.seen.set(ticket.id, escalations.length)
      for (const e of escalations.slice(before)) {
        if (e.to !== this.username || now - e.at > RECENT_ESCALATION_MS) continue
        alerts.push({
          ticketId: ticket.id,
          title: `${ticket.number} escalated to you`,
          body: `${ticket.title} — ${e.reason}`,
        })
      }
    }
    return alerts
  }
}
