/**
 * The resolve form (rule 8) and its refusals. The rules in `resolve` judge completeness; the form
 * only adds what a select cannot express (nothing chosen yet) so every gap is named at once.
 */
import {
  resolve,
  type CommandContext,
  type CommandResult,
  type ResolveInput,
  type RuleError,
} from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import type { AgreementMethod, ResolutionCode } from '../../../shared/incident/vocabulary'

export interface ResolveForm {
  resolutionNotes: string
  service: string
  category: string
  subcategory: string
  rootCause: string
  resolutionCode: ResolutionCode | ''
  agreement: AgreementMethod | ''
  agreementDetail: string
  firstContactResolution: boolean
  /** Minutes as typed; null while the field follows the running call timer. */
  timeSpent: string | null
}

const MAX_MINUTES = 60 * 24 * 30

/** The ticket's classification is the starting point; root cause is the agent's to state. */
export function initialResolveForm(ticket: Ticket, talkMinutes: number | null = null): ResolveForm {
  const escalated = ticket.assignments.some((a) => a.via === 'escalation')
  return {
    resolutionNotes: '',
    service: ticket.service,
    category: ticket.category,
    subcategory: ticket.subcategory,
    rootCause: '',
    resolutionCode: '',
    agreement: '',
    agreementDetail: '',
    // Rule 8: first contact means resolved before the call ended. Only the phone system knows
    // the call is still on (its call, no hang-up reported); otherwise the agent says so.
    firstContactResolution: !escalated && Boolean(ticket.callId) && talkMinutes === null,
    // The phone system's talk time is the better figure when the call was answered through it.
    timeSpent: talkMinutes === null ? null : String(talkMinutes),
  }
}

/** The call timer in whole minutes, a started minute counting as one. */
export function timerMinutes(receivedAt: number, nowMs: number): number {
  return Math.min(MAX_MINUTES, Math.max(1, Math.ceil((nowMs - receivedAt) / 60_000)))
}

export function timeSpentOf(form: ResolveForm, receivedAt: number, nowMs: number): number {
  return form.timeSpent === null ? timerMinutes(receivedAt, nowMs) : Number(form.timeSpent)
}

function inputOf(form: ResolveForm, minutes: number): ResolveInput {
  return {
    resolutionNotes: form.resolutionNotes,
    classification: {
      service: form.service,
      category: form.category,
      subcategory: form.subcategory,
      rootCause: form.rootCause,
    },
    // Stand-ins for an unchosen select, so the rules still judge every other field; the form's
    // own refusal for the empty choice replaces whatever the rules say about the stand-in.
    resolutionCode: form.resolutionCode || 'fixed',
    customerAgreement: { method: form.agreement || 'verbal', detail: form.agreementDetail },
    firstContactResolution: form.firstContactResolution,
    timeSpentMinutes: minutes,
  }
}

export function resolveTicket(
  ticket: Ticket,
  form: ResolveForm,
  ctx: CommandContext,
): CommandResult {
  const minutes = timeSpentOf(form, ticket.receivedAt, ctx.now())
  const unchosen: RuleError[] = []
  if (!form.resolutionCode)
    unchosen.push({ field: 'resolutionCode', message: 'Choose the resolution code.' })
  if (!form.agreement) {
    unchosen.push({
      field: 'customerAgreement.method',
      rule: 'rule 8',
      message: 'Record how the customer agreed to the resolution.',
    })
  }
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > MAX_MINUTES) {
    unchosen.push({
      field: 'timeSpentMinutes',
      message: 'Time spent is a whole number of minutes.',
    })
  }
  const result = resolve(ticket, inputOf(form, Number.isInteger(minutes) ? minutes : 0), ctx)
  if (unchosen.length === 0) return result
  const claimed = new Set(unchosen.map((e) => e.field))
  const others = result.ok
    ? []
    : result.errors.filter((e) => !claimed.has(e.field.replace(/^payload\./, '')))
  return { ok: false, errors: [...unchosen, ...others] }
}

/** Every field of the form a refusal can point at. */
export const RESOLVE_FIELDS = [
  'resolutionNotes',
  'classification.service',
  'classification.category',
  'classification.subcategory',
  'classification.rootCause',
  'resolutionCode',
  'customerAgreement.method',
  'customerAgreement.detail',
  'firstContactResolution',
  'timeSpentMinutes',
] as const
