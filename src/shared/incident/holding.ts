/**
 * Who holds a ticket now, and what that asks of the person acting on it (rules 4 and 8). A ticket
 * escalated to a second-level team is that team's work: its state is "with the team since …", not
 * plain "open", and the ticket owner who resolves it anyway takes it out of the team's hands, which
 * is confirmed and its reason recorded on the resolution.
 */
import type { PayloadOf } from './events'
import type { RuleError } from './rules'
import type { Ticket } from './ticket'
import { CSC_TEAM_ID } from './vocabulary'

export interface Holder {
  teamId: string
  /** When the ticket came to this team: a later assignment to a person in it does not count. */
  since: number
  /** A second-level team rather than the CSC (rule 4: tickets go to teams). */
  secondLevel: boolean
}

type HeldTicket = Pick<Ticket, 'teamId' | 'assignments' | 'receivedAt' | 'state'>

export function heldBy(ticket: HeldTicket): Holder {
  let since = ticket.receivedAt
  for (let i = ticket.assignments.length - 1; i >= 0; i--) {
    const record = ticket.assignments[i]!
    if (record.teamId !== ticket.teamId) break
    since = record.at
  }
  return { teamId: ticket.teamId, since, secondLevel: ticket.teamId !== CSC_TEAM_ID }
}

/**
 * Rules 4 and 8: resolving a working ticket that a second-level team holds takes it from them;
 * the resolver confirms it and says why (the team may be mid-fix).
 */
export function resolvingTakesFromTeam(ticket: HeldTicket): boolean {
  return (ticket.state === 'open' || ticket.state === 'on_hold') && heldBy(ticket).secondLevel
}

export type TakenFromTeam = NonNullable<PayloadOf<'resolved'>['takenFromTeam']>

/** The refusal `resolve` gives when the confirmation is missing, or names a team that let go. */
export function takenFromTeamRefusal(
  ticket: HeldTicket,
  taken: TakenFromTeam | undefined,
): RuleError | null {
  if (!resolvingTakesFromTeam(ticket)) {
    return taken
      ? {
          field: 'takenFromTeam',
          rule: 'rule 4',
          message:
            'The ticket is no longer with a second-level team: resolve it without taking it over.',
        }
      : null
  }
  if (!taken?.reason.trim()) {
    return {
      field: 'takenFromTeam.reason',
      rule: 'rule 4',
      message:
        'A second-level team holds this ticket: confirm you resolve it for them, and say why.',
    }
  }
  if (taken.teamId !== ticket.teamId) {
    return {
      field: 'takenFromTeam',
      rule: 'rule 4',
      message: 'The ticket has moved to another team meanwhile: check who holds it now.',
    }
  }
  return null
}
