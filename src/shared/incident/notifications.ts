/**
 * What an agent is told about, as badges in the app and as desktop notifications: a ticket of
 * theirs a second-level team returned (rule 7), a customer contact that is due (rule 9), and a
 * customer's reply. One pure function over the tickets the station holds, so every window and
 * every replica derives the same list, and a notification's key is the fact it reports (the event
 * that made it news): told once, however often the list is recomputed.
 */
import { DEFAULT_PRIORITY_POLICY, type PriorityPolicy } from './priority'
import { inactiveAt, needsCallBack } from './follow-up'
import type { Ticket } from './ticket'

export type NotificationKind = 'returned_to_me' | 'contact_due' | 'customer_reply'

export interface DeskNotification {
  /** The fact reported: the same on every run, so a notification is raised once. */
  key: string
  kind: NotificationKind
  ticketId: string
  number: string
  title: string
  body: string
  /** When it became news (epoch ms). */
  at: number
  rule: string
}

export interface ContactDue {
  reason: 'call_back' | 'no_answer'
  /** From when the customer is owed the contact. */
  owedSince: number
  /** By when it should happen. */
  dueAt: number
}

const working = (ticket: Ticket) => ticket.state === 'open' || ticket.state === 'on_hold'

/**
 * Rule 9, the next contact the customer is owed: an incident that came in by email gets a phone
 * call back (due within its first-response target); a customer silent for a business day after
 * an attempt gets the follow-up that ends in an "inactive ticket" resolution. Null when none.
 */
export function customerContactDue(
  ticket: Ticket,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): ContactDue | null {
  if (!working(ticket)) return null
  if (needsCallBack(ticket))
    return { reason: 'call_back', owedSince: ticket.receivedAt, dueAt: ticket.firstAssignmentDueAt }
  const silentDay = inactiveAt(ticket, policy)
  return silentDay === null ? null : { reason: 'no_answer', owedSince: silentDay, dueAt: silentDay }
}

/** One kind of news about one ticket for one user; each kind of notification is one of these. */
type Notice = (
  ticket: Ticket,
  user: string,
  nowMs: number,
  policy: PriorityPolicy,
) => DeskNotification | null

/** Rule 7: the ticket is back with its owner; the return itself is the news. */
const returnedToMe: Notice = (ticket, user) => {
  if (ticket.owner !== user || !ticket.returnedToCsc || !working(ticket)) return null
  const returned = ticket.assignments.findLast((a) => a.via === 'return_to_owner')
  if (!returned) return null
  return {
    key: `returned:${returned.eventId}`,
    kind: 'returned_to_me',
    ticketId: ticket.id,
    number: ticket.number,
    title: `${ticket.number} returned to you`,
    body: `${ticket.title}: back for follow-up with the customer, further escalation, or resolution.`,
    at: returned.at,
    rule: 'rule 7',
  }
}

/** Rule 9: a contact the customer is owed, from the moment it is owed. */
const contactDue: Notice = (ticket, user, nowMs, policy) => {
  if (ticket.owner !== user && ticket.assignee !== user) return null
  const due = customerContactDue(ticket, policy)
  if (!due || due.owedSince > nowMs) return null
  const who = ticket.caller.name
  return {
    key: `contact:${ticket.id}:${due.reason}:${due.owedSince}`,
    kind: 'contact_due',
    ticketId: ticket.id,
    number: ticket.number,
    title:
      due.reason === 'call_back'
        ? `Call ${who} back about ${ticket.number}`
        : `${who} has not answered for a business day (${ticket.number})`,
    body:
      due.reason === 'call_back'
        ? `${ticket.title}: it came in by email, and an email incident gets a phone call back.`
        : `${ticket.title}: try once more, or resolve it as an inactive ticket.`,
    at: due.owedSince,
    rule: 'rule 9',
  }
}

/**
 * A customer's email that answers the desk (email in, rule 6: customer communication goes by
 * email): news until someone on the desk writes to the customer or contacts them after it. The
 * email that opened an incident is its description, not a reply.
 */
const customerReply: Notice = (ticket, user) => {
  if (ticket.owner !== user && ticket.assignee !== user) return null
  if (ticket.state === 'closed') return null
  const fromCustomer = ticket.notes.filter((n) => n.fromCustomer)
  const last = fromCustomer.at(-1)
  if (!last?.fromCustomer || (ticket.source === 'email' && fromCustomer.length === 1)) return null
  const answered =
    ticket.notes.some((n) => n.kind === 'customer' && !n.fromCustomer && n.at > last.at) ||
    ticket.contacts.some((c) => c.at > last.at)
  if (answered) return null
  return {
    key: `reply:${last.id}`,
    kind: 'customer_reply',
    ticketId: ticket.id,
    number: ticket.number,
    title: `${ticket.caller.name} replied on ${ticket.number}`,
    body: `${last.fromCustomer.subject || ticket.title}: read it on the Customer notes tab.`,
    at: last.at,
    rule: 'rule 6',
  }
}

const NOTICES: readonly Notice[] = [returnedToMe, contactDue, customerReply]

/** The user's notifications, newest first. */
export function notificationsFor(
  user: string,
  tickets: readonly Ticket[],
  nowMs: number,
  policy: PriorityPolicy = DEFAULT_PRIORITY_POLICY,
): DeskNotification[] {
  const found: DeskNotification[] = []
  for (const ticket of tickets) {
    for (const notice of NOTICES) {
      const notification = notice(ticket, user, nowMs, policy)
      if (notification) found.push(notification)
    }
  }
  return found.sort((a, b) => b.at - a.at || (a.key < b.key ? -1 : 1))
}
