import type { RuleError } from '../../../shared/incident/rules'

/** A command's refusals, sorted to the form fields they belong to. */
export interface FormRefusals {
  /** Keyed by the command's field path, e.g. `classification.rootCause`. */
  byField: Readonly<Record<string, string>>
  /** Refusals of the whole action, or of a field the form does not show. */
  general: readonly string[]
}

export const NO_REFUSALS: FormRefusals = { byField: {}, general: [] }

/** Schema messages are fragments ("is required"); under a field they read as sentences. */
function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1)
  return /[.!?]$/.test(text) ? text : `${text}.`
}

const withRule = (error: RuleError) =>
  error.rule ? `${sentence(error.message)} (${error.rule})` : sentence(error.message)

/**
 * `shownFields` are the paths the form renders; anything else is shown at the top, so a refusal
 * is never swallowed because no field claims it. A path matches a shown field when it is the field
 * or lies under it (`caller.name` under `caller`); the most specific field wins.
 */
export function sortRefusals(
  errors: readonly RuleError[],
  shownFields: readonly string[],
): FormRefusals {
  const byField: Record<string, string> = {}
  const general: string[] = []
  for (const error of errors) {
    // A payload the schema refused names its fields under `payload.`; the form knows them bare.
    const path = error.field.replace(/^payload\./, '')
    const field = shownFields
      .filter((f) => path === f || path.startsWith(`${f}.`))
      .reduce<string | undefined>(
        (best, f) => (best && best.length >= f.length ? best : f),
        undefined,
      )
    if (field && !byField[field]) byField[field] = withRule(error)
    else if (!field) general.push(path ? `${path}: ${withRule(error)}` : withRule(error))
  }
  return { byField, general }
}
