/** The queue's rows, the process rules they surface (flags), and the model that holds them. */
import { normalizeSearchText } from '../../../../shared/incident/search'
import type { Ticket } from '../../../../shared/incident/ticket'
import { parseTicketNumber } from '../../../../shared/incident/ticket-number'
import { isOpen, nextDueAt } from '../sla'

export interface QueueInput {
  ticket: Ticket
  /** The station holds events of this ticket the server has not accepted yet. */
  unsynced: boolean
}

export interface QueueRow {
  readonly id: string
  readonly ticket: Ticket
  readonly unsynced: boolean
  /** Rule 10: tickets linked to this one as their parent, among those this station holds. */
  readonly linkedCalls: number
  /** The earliest running target's due time (Infinity when none runs). */
  readonly dueAt: number
  /** Sort keys computed once per row rather than once per comparison. */
  readonly numberKey: string
  readonly titleKey: string
  readonly callerKey: string
  readonly searchText: string
}

export interface RowChange {
  before: QueueRow | null
  after: QueueRow | null
}

// ---------------------------------------------------------------------------------------------
// The process rules the queue surfaces

/** Rule 5: a ticket reassigned between second-level teams twice or more has bounced. */
export const BOUNCE_THRESHOLD = 2
export function isBounced(ticket: Pick<Ticket, 'reassignmentCount'>): boolean {
  return ticket.reassignmentCount >= BOUNCE_THRESHOLD
}

/** Rule 7: a second-level team sent it back and it is with its owner now. */
export function isReturnedToCsc(ticket: Pick<Ticket, 'returnedToCsc'>): boolean {
  return ticket.returnedToCsc
}

/**
 * Unassigned: nobody has taken the ticket yet — it came in without a person on the line (email,
 * voicemail, self-service, monitoring, a vendor, technical staff), it is still with the CSC and
 * no one has assigned or escalated it. Its first-assignment target is running. A phone call or
 * walk-in is taken by the agent who logs it, so it is never unassigned; a ticket at a second-level
 * team without a named person is not either, because tickets go to teams (rule 4).
 */
export function isUnassigned(ticket: Pick<Ticket, 'firstAssignedAt'>): boolean {
  return ticket.firstAssignedAt === null
}

/** Rule 10: a major incident is the parent that other calls are linked to, or one promoted to be. */
export function isMajorIncident(row: Pick<QueueRow, 'linkedCalls' | 'ticket'>): boolean {
  return row.linkedCalls > 0 || row.ticket.major !== undefined
}

export const QUEUE_FLAGS = ['unassigned', 'bounced', 'returned', 'major', 'unsynced'] as const
export type QueueFlag = (typeof QUEUE_FLAGS)[number]

export const FLAG_TESTS: Record<QueueFlag, (row: QueueRow) => boolean> = {
  unassigned: (row) => isUnassigned(row.ticket),
  bounced: (row) => isBounced(row.ticket),
  returned: (row) => isReturnedToCsc(row.ticket),
  // Rule 10: the major incident together with its linked calls.
  major: (row) => isMajorIncident(row) || row.ticket.parentTicketId !== null,
  unsynced: (row) => row.unsynced,
}

// ---------------------------------------------------------------------------------------------
// Rows

function numberKey(ticket: Ticket): string {
  const parsed = parseTicketNumber(ticket.number)
  return parsed
    ? `${parsed.stationCode.padEnd(12, ' ')}${String(parsed.sequence).padStart(9, '0')}`
    : ticket.number
}

function makeRow(ticket: Ticket, unsynced: boolean, linkedCalls: number): QueueRow {
  const { caller } = ticket
  return {
    id: ticket.id,
    ticket,
    unsynced,
    linkedCalls,
    dueAt: nextDueAt(ticket),
    numberKey: numberKey(ticket),
    titleKey: ticket.title.toLowerCase(),
    callerKey: caller.name.toLowerCase(),
    searchText: normalizeSearchText(
      [
        ticket.number,
        ticket.title,
        caller.name,
        caller.username ?? '',
        caller.phone ?? '',
        ticket.owner,
        ticket.teamId,
        ticket.service,
        ticket.category,
      ].join(' '),
    ),
  }
}

/** Writes to the model's rows, remembering each row's state before the batch. */
class Batch {
  private readonly before = new Map<string, QueueRow | null>()
  constructor(private readonly rows: Map<string, QueueRow>) {}

  set(id: string, after: QueueRow | null): void {
    if (!this.before.has(id)) this.before.set(id, this.rows.get(id) ?? null)
    if (after) this.rows.set(id, after)
    else this.rows.delete(id)
  }

  changes(): RowChange[] {
    return [...this.before].flatMap(([id, before]) => {
      const after = this.rows.get(id) ?? null
      return before === after ? [] : [{ before, after }]
    })
  }
}

export class QueueModel {
  private readonly byId = new Map<string, QueueRow>()
  /** Parent id → ids of held tickets linked to it; the parent itself may not be held. */
  private readonly childrenOf = new Map<string, Set<string>>()

  /** Tickets that are no longer open are kept only if touched at or after `retainSince`. */
  constructor(private retainSince: number) {}

  get size(): number {
    return this.byId.size
  }

  get(id: string): QueueRow | undefined {
    return this.byId.get(id)
  }

  rows(): IterableIterator<QueueRow> {
    return this.byId.values()
  }

  *tickets(): Generator<Ticket> {
    for (const row of this.byId.values()) yield row.ticket
  }

  linkedCallsOf(parentId: string): QueueRow[] {
    return [...(this.childrenOf.get(parentId) ?? [])].flatMap((id) => this.byId.get(id) ?? [])
  }

  /**
   * Adds or replaces tickets. Returns one change per ticket whose row changed — a parent whose
   * count of linked calls moved included — with the row before the batch and after it.
   */
  apply(inputs: Iterable<QueueInput>): RowChange[] {
    const batch = new Batch(this.byId)
    for (const { ticket, unsynced } of inputs) {
      const previous = this.byId.get(ticket.id)
      const unchanged =
        previous?.ticket.lastEventKey === ticket.lastEventKey && previous.unsynced === unsynced
      if (unchanged) continue
      const keep = isOpen(ticket) || ticket.updatedAt >= this.retainSince
      this.relink(
        ticket.id,
        previous?.ticket.parentTicketId ?? null,
        keep ? ticket.parentTicketId : null,
        batch,
      )
      const linked = this.childrenOf.get(ticket.id)?.size ?? 0
      batch.set(ticket.id, keep ? makeRow(ticket, unsynced, linked) : null)
    }
    return batch.changes()
  }

  /** Tickets that left the store's projection (the server refused their opening). */
  remove(ids: Iterable<string>): RowChange[] {
    const batch = new Batch(this.byId)
    for (const id of ids) {
      const row = this.byId.get(id)
      if (!row) continue
      this.relink(id, row.ticket.parentTicketId, null, batch)
      batch.set(id, null)
    }
    return batch.changes()
  }

  get retainedSince(): number {
    return this.retainSince
  }

  /** A new day: drops tickets that have left the queue and were last touched before `since`. */
  retain(since: number): RowChange[] {
    this.retainSince = since
    const stale = [...this.byId.values()].filter(
      (row) => !isOpen(row.ticket) && row.ticket.updatedAt < since,
    )
    return this.remove(stale.map((row) => row.id))
  }

  private relink(id: string, from: string | null, to: string | null, batch: Batch): void {
    if (from === to) return
    if (from) {
      const siblings = this.childrenOf.get(from)
      siblings?.delete(id)
      if (siblings?.size === 0) this.childrenOf.delete(from)
    }
    if (to) {
      const siblings = this.childrenOf.get(to) ?? new Set<string>()
      siblings.add(id)
      this.childrenOf.set(to, siblings)
    }
    for (const parentId of [from, to]) {
      const parent = parentId ? this.byId.get(parentId) : undefined
      if (parent) {
        const linked = this.childrenOf.get(parent.id)?.size ?? 0
        batch.set(parent.id, { ...parent, linkedCalls: linked })
      }
    }
  }
}
