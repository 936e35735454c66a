/**
 * When the supervisor gets a desktop notification: a new P1 appears in the queue, or a running
 * target (first assignment, resolution) is breached. Once per ticket and kind, and never for what
 * was already so when the queue loaded — a supervisor opening the app wants the queue, not forty
 * notifications. Pure: the caller shows the alerts (through `station.notify.show`).
 */
import type { QueueRow, RowChange } from './model'
import { isOpen, runningTargets, TARGET_LABELS, type TargetKind } from './sla'

export type AlertKind = 'new_p1' | `${TargetKind}_breached`

export interface Alert {
  kind: AlertKind
  ticketId: string
  number: string
  title: string
}

export class AlertWatch {
  private readonly sent = new Set<string>()
  /** No running target falls due before this: ticks until then cost nothing. */
  private nextDueAt = Infinity

  /** What is already so at load time is not news: remembered as sent. */
  seed(rows: Iterable<QueueRow>, now: number): void {
    for (const row of rows) {
      if (isP1(row)) this.sent.add(key('new_p1', row.id))
      this.breaches(row, now)
    }
  }

  /** Alerts for tickets that changed: a P1 that was not one (or not open) before, a breach. */
  changed(changes: readonly RowChange[], now: number): Alert[] {
    const alerts: Alert[] = []
    for (const { before, after } of changes) {
      if (!after) continue
      const newlyP1 = isP1(after) && !(before && isP1(before))
      if (newlyP1 && this.once('new_p1', after.id)) alerts.push(alertOf('new_p1', after))
      alerts.push(...this.breaches(after, now))
    }
    return alerts
  }

  /** Breaches that happened since the last look. */
  tick(rows: Iterable<QueueRow>, now: number): Alert[] {
    if (now < this.nextDueAt) return []
    this.nextDueAt = Infinity
    const alerts: Alert[] = []
    for (const row of rows) alerts.push(...this.breaches(row, now))
    return alerts
  }

  private breaches(row: QueueRow, now: number): Alert[] {
    const alerts: Alert[] = []
    for (const target of runningTargets(row.ticket)) {
      const kind = `${target.kind}_breached` as const
      if (now < target.dueAt) this.nextDueAt = Math.min(this.nextDueAt, target.dueAt)
      else if (this.once(kind, row.id)) alerts.push(alertOf(kind, row))
    }
    return alerts
  }

  private once(kind: AlertKind, ticketId: string): boolean {
    const k = key(kind, ticketId)
    if (this.sent.has(k)) return false
    this.sent.add(k)
    return true
  }
}

const key = (kind: AlertKind, ticketId: string) => `${kind}:${ticketId}`

function isP1(row: QueueRow): boolean {
  return isOpen(row.ticket) && row.ticket.priority === 'P1'
}

function alertOf(kind: AlertKind, row: QueueRow): Alert {
  return { kind, ticketId: row.id, number: row.ticket.number, title: row.ticket.title }
}

/** The notification's words: the number first, as the floor says it. */
export function describeAlert(alert: Alert): { title: string; body: string } {
  if (alert.kind === 'new_p1') return { title: `New P1: ${alert.number}`, body: alert.title }
  const target =
    TARGET_LABELS[alert.kind === 'first_assignment_breached' ? 'first_assignment' : 'resolution']
  return { title: `${target} target breached: ${alert.number}`, body: alert.title }
}
