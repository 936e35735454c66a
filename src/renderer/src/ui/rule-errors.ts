import type { RuleError } from '../../../shared/incident/rules'
import { plainIssue, sentence } from '../../../shared/plain-words'

/**
 * A refusal as the form shows it: the words, and the PRODUCT.md rule behind them for a tooltip
 * (the agent reads what to do; the rule number is there for whoever asks why).
 */
export interface Refusal {
  text: string
  rule?: string
}

/** A command's refusals, sorted to the form fields they belong to. */
export interface FormRefusals {
  /** Keyed by the command's field path, e.g. `classification.rootCause`. */
  byField: Readonly<Record<string, Refusal>>
  /** Refusals of the whole action, or of a field the form does not show. */
  general: readonly Refusal[]
}

export const NO_REFUSALS: FormRefusals = { byField: {}, general: [] }

/** Under its field a refusal needs no name; anywhere else it is named as a person knows it. */
const refusalOf = (error: RuleError, path: string | null): Refusal => ({
  text:
    path === null ? sentence(error.message) : plainIssue({ field: path, message: error.message }),
  ...(error.rule ? { rule: error.rule } : {}),
})

/** A ticket's own fields, in the order both the intake and the ticket's Details show them. */
export const TICKET_DETAIL_FIELDS = [
  'title',
  'description',
  'service',
  'category',
  'subcategory',
  'impact',
  'urgency',
] as const

/**
 * `shownFields` are the paths the form renders; anything else is shown at the top, named as a
 * person knows the field, so a refusal is never swallowed because no field claims it. A path
 * matches a shown field when it is the field or lies under it (`caller.name` under `caller`); the
 * most specific field wins.
 */
export function sortRefusals(
  errors: readonly RuleError[],
  shownFields: readonly string[],
): FormRefusals {
  const byField: Record<string, Refusal> = {}
  const general: Refusal[] = []
  for (const error of errors) {
    // A payload the schema refused names its fields under `payload.`; the form knows them bare.
    const path = error.field.replace(/^payload\./, '')
    const field = shownFields
      .filter((f) => path === f || path.startsWith(`${f}.`))
      .reduce<string | undefined>(
        (best, f) => (best && best.length >= f.length ? best : f),
        undefined,
      )
    if (field && !byField[field]) byField[field] = refusalOf(error, null)
    else if (!field) general.push(refusalOf(error, path))
  }
  return { byField, general }
}
