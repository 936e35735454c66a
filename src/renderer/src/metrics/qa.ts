/**
 * The quality review list, from the process rules:
 *  - rule 5: tickets that bounced between second-level teams (reassigned twice or more);
 *  - rule 7: tickets a second-level team returned to the CSC (ever, not only while they are back);
 *  - rule 8: resolutions without a complete classification. The resolve command already refuses
 *    a resolution without a root-cause classification, so what review catches in practice is a
 *    resolved ticket whose own service / category / subcategory — what reports and routing
 *    guidance group by — was left empty at logging and never completed.
 */
import type { Ticket } from '../../../shared/incident/ticket'
import { isBounced } from '../queue/model'

export type QaReason = 'bounced' | 'returned' | 'classification'

export const QA_REASON_LABELS: Record<QaReason, string> = {
  bounced: 'Bounced between teams',
  returned: 'Returned to the CSC',
  classification: 'Resolved without complete classification',
}

/** The process rule each reason comes from, for the tooltip beside the words. */
export const QA_REASON_RULES: Record<QaReason, string> = {
  bounced: 'rule 5',
  returned: 'rule 7',
  classification: 'rule 8',
}

export interface QaItem {
  ticket: Ticket
  reasons: QaReason[]
}

const blank = (value: string | undefined) => !value?.trim()

export function classificationIncomplete(ticket: Ticket): boolean {
  if (!ticket.resolution) return false
  const { classification } = ticket.resolution
  return [
    ticket.service,
    ticket.category,
    ticket.subcategory,
    classification.service,
    classification.category,
    classification.subcategory,
    classification.rootCause,
  ].some(blank)
}

export function qaReasons(ticket: Ticket): QaReason[] {
  const reasons: QaReason[] = []
  if (isBounced(ticket)) reasons.push('bounced')
  if (ticket.returnedToCscCount > 0) reasons.push('returned')
  if (classificationIncomplete(ticket)) reasons.push('classification')
  return reasons
}

/** What review should look at, most recently touched first. */
export function qaReview(tickets: Iterable<Ticket>): QaItem[] {
  const items: QaItem[] = []
  for (const ticket of tickets) {
    const reasons = qaReasons(ticket)
    if (reasons.length > 0) items.push({ ticket, reasons })
  }
  return items.sort(
    (a, b) => b.ticket.updatedAt - a.ticket.updatedAt || (a.ticket.id < b.ticket.id ? -1 : 1),
  )
}
