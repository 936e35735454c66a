/**
 * The escalation form (rules 4 and 5): which team the routing guidance suggests, the contact the
 * agent warm-transfers to, and the form's answers turned into the `escalate` command's input.
 */
import { suggestRouting, type RoutingGuidance, type Team } from '../../../shared/directory'
import type { EscalationInput } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { CSC_TEAM_ID } from '../../../shared/incident/vocabulary'

export interface Suggestion {
  guidance: RoutingGuidance
  team: Team | undefined
}

export type TransferOutcome = 'completed' | 'not_possible' | 'not_applicable'

export interface EscalationForm {
  teamId: string
  offGuidanceReason: string
  /** Null until the agent says how the transfer went: nothing is claimed before it happened. */
  transfer: TransferOutcome | null
  /** The number dialled; the chosen team's warm-transfer phone unless the agent used another. */
  contactUsed: string
  acceptedBy: string
  notPossibleReason: string
  /** When the phone system reported the transfer; the acceptance time then, not the save's. */
  transferredAt: number | null
}

/** What the phone system reported: the call was transferred to `to` at `at`. */
export interface PbxTransfer {
  to: string
  at: number
}

const digitsOf = (phone: string) => phone.replace(/\D/g, '')

/** Rule 5: the guidance for the ticket's service and category, most specific first, one per team. */
export function suggestionsFor(
  ticket: Pick<Ticket, 'service' | 'category'>,
  guidance: readonly RoutingGuidance[],
  teams: readonly Team[],
): Suggestion[] {
  const seen = new Set<string>()
  return suggestRouting(guidance, ticket.service, ticket.category)
    .filter((g) => !seen.has(g.teamId) && seen.add(g.teamId))
    .map((g) => ({ guidance: g, team: teams.find((t) => t.id === g.teamId) }))
}

/** Teams a ticket can be escalated to: second and third level, not where it already is. */
export function escalationTeams(teams: readonly Team[], currentTeamId: string): Team[] {
  return teams
    .filter((t) => t.id !== CSC_TEAM_ID && t.tier > 1 && t.id !== currentTeamId)
    .sort((a, b) => a.name.localeCompare(b.name))
}

/**
 * Starts at the first suggested team the ticket is not with already. Rule 4: a phone call is
 * warm-transferred, but whether this one was is the agent's to say (or the phone system's, when
 * it reported the transfer): the form claims no transfer nobody has made. Only a ticket that
 * came in another way starts at "no call to transfer", which is simply true.
 */
export function initialForm(
  ticket: Pick<Ticket, 'source' | 'teamId'>,
  suggestions: readonly Suggestion[],
  pbx: { transfer: PbxTransfer; teams: readonly Team[] } | null = null,
): EscalationForm {
  const first = suggestions.find((s) => s.guidance.teamId !== ticket.teamId)
  const form: EscalationForm = {
    teamId: first?.guidance.teamId ?? '',
    offGuidanceReason: '',
    transfer: ticket.source === 'phone' ? null : 'not_applicable',
    contactUsed: first?.team?.warmTransferPhone ?? '',
    acceptedBy: '',
    notPossibleReason: '',
    transferredAt: null,
  }
  if (!pbx) return form
  // The phone system knows where the call went: that number, and the team it belongs to.
  const dialled = digitsOf(pbx.transfer.to)
  const team = pbx.teams.find(
    (t) => t.id !== ticket.teamId && dialled !== '' && digitsOf(t.warmTransferPhone) === dialled,
  )
  return {
    ...form,
    ...(team ? { teamId: team.id } : {}),
    transfer: 'completed',
    contactUsed: pbx.transfer.to,
    transferredAt: pbx.transfer.at,
  }
}

/** Choosing a team puts its warm-transfer number in the contact field. */
export function chooseTeam(form: EscalationForm, team: Team | undefined): EscalationForm {
  return { ...form, teamId: team?.id ?? '', contactUsed: team?.warmTransferPhone ?? '' }
}

export function isOffGuidance(form: EscalationForm, suggestions: readonly Suggestion[]): boolean {
  return form.teamId !== '' && !suggestions.some((s) => s.guidance.teamId === form.teamId)
}

export function escalationInput(
  form: EscalationForm,
  suggestions: readonly Suggestion[],
  teams: readonly Team[],
  nowMs: number,
): EscalationInput {
  const team = teams.find((t) => t.id === form.teamId)
  const followed = suggestions.find((s) => s.guidance.teamId === form.teamId)
  const contactUsed = form.contactUsed.trim()
  return {
    teamId: form.teamId,
    tier: team?.tier === 3 ? 3 : 2,
    suggestedTeamIds: suggestions.map((s) => s.guidance.teamId),
    routingGuidanceId: followed?.guidance.id ?? null,
    offGuidanceReason: form.offGuidanceReason,
    // No outcome chosen records no transfer, which the rules refuse for a phone incident.
    warmTransfer:
      form.transfer === 'completed'
        ? {
            status: 'completed',
            contactUsed,
            acceptedBy: form.acceptedBy,
            acceptedAt: new Date(form.transferredAt ?? nowMs).toISOString(),
          }
        : form.transfer === 'not_possible'
          ? {
              status: 'not_possible',
              reason: form.notPossibleReason,
              ...(contactUsed ? { contactUsed } : {}),
            }
          : { status: 'not_applicable' },
  }
}

/** The form fields the command's refusals land on. */
export const ESCALATION_FIELDS = {
  teamId: 'teamId',
  offGuidanceReason: 'offGuidanceReason',
  warmTransfer: 'warmTransfer',
  contactUsed: 'warmTransfer.contactUsed',
  acceptedBy: 'warmTransfer.acceptedBy',
  notPossibleReason: 'warmTransfer.reason',
} as const
