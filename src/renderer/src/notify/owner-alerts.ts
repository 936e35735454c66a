/**
 * The agent's own desktop notification: a ticket they own came back from a second-level team
 * (rule 7, "returned to the CSC"). Supervisors get theirs from the queue (queue/alerts.ts). Told
 * once per return; a return older than a few minutes when it reaches the station (a catch-up
 * after a night off) is history, not news.
 */
import type { Ticket } from '../../../shared/incident/ticket'

export const RECENT_RETURN_MS = 15 * 60 * 1000

export interface OwnerAlert {
  ticketId: string
  title: string
  body: string
}

export class OwnerAlertWatch {
  /** Returns seen per ticket, so a later edit of a returned ticket is not a second alert. */
  private readonly seen = new Map<string, number>()

  constructor(private readonly owner: string) {}

  changed(tickets: readonly Ticket[], now: number): OwnerAlert[] {
    const alerts: OwnerAlert[] = []
    for (const ticket of tickets) {
      const before = this.seen.get(ticket.id) ?? 0
      this.seen.set(ticket.id, ticket.returnedToCscCount)
      if (ticket.owner !== this.owner || !ticket.returnedToCsc) continue
      if (ticket.returnedToCscCount <= before) continue
      const returned = ticket.assignments.findLast((a) => a.via === 'return_to_owner')
      if (!returned || now - returned.at > RECENT_RETURN_MS) continue
      alerts.push({
        ticketId: ticket.id,
        title: `${ticket.number} returned to you`,
        body: `${ticket.title} — back for follow-up with the customer, further escalation, or resolution.`,
      })
    }
    return alerts
  }
}
