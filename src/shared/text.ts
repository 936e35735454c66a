/**
 * The one text schema for every piece of user text: in events, in every route's body and query,
 * in the station API. PostgreSQL's `jsonb` and `text` refuse NUL and lone UTF-16 surrogates, and
 * IndexedDB stores them without complaint, so text that one replica could hold and another could
 * not must be refused where it enters — with the field named — never discovered as a 5xx later.
 *
 * - `line`: one line (a name, a title, a phone number): no line breaks or other control
 *   characters; a tab is kept, since agents paste titles from spreadsheets and the paste keeps it.
 * - `block`: multi-line prose (a description, a note): tab, line feed and carriage return allowed.
 * Both refuse lone surrogates and the noncharacters U+FFFE/U+FFFF, trim (unless told not to), and
 * are bounded in UTF-16 code units (what zod's `max` counts, and what the UI's maxLength counts).
 */
import { z } from 'zod'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
// eslint-disable-next-line no-control-regex
const CONTROL_IN_LINE = /[\u0000-\u0008\u000A-\u001F\u007F\uFFFE\uFFFF]/
// eslint-disable-next-line no-control-regex
const CONTROL_IN_BLOCK = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\uFFFE\uFFFF]/

export type TextProblem = 'lone_surrogate' | 'control_character'

/** What is wrong with `value` as stored text, or null: usable anywhere, not only in zod. */
export function textProblem(value: string, multiline: boolean): TextProblem | null {
  if (LONE_SURROGATE.test(value)) return 'lone_surrogate'
  if ((multiline ? CONTROL_IN_BLOCK : CONTROL_IN_LINE).test(value)) return 'control_character'
  return null
}

const PROBLEM_MESSAGES: Record<TextProblem, string> = {
  lone_surrogate: 'is not well-formed Unicode (a lone UTF-16 surrogate)',
  control_character: 'contains a control character (such as NUL)',
}

export interface TextOptions {
  /** Longest accepted length in UTF-16 code units, after trimming. */
  max: number
  /** Shortest accepted length after trimming; 1 makes the field required. Default 0. */
  min?: number
  /** Default true: surrounding white space is removed before the length checks. */
  trim?: boolean
}

function textSchema(multiline: boolean, { max, min = 0, trim = true }: TextOptions) {
  let schema = z.string()
  if (trim) schema = schema.trim()
  if (min > 0)
    schema = schema.min(min, min === 1 ? 'is required' : `use at least ${min} characters`)
  return schema.max(max, `use at most ${max} characters`).superRefine((value, ctx) => {
    const problem = textProblem(value, multiline)
    if (problem) ctx.addIssue({ code: 'custom', message: PROBLEM_MESSAGES[problem] })
  })
}

/** One line of user text (names, titles, codes typed by people). */
export const line = (options: TextOptions) => textSchema(false, options)

/** Multi-line user text (descriptions, notes, reasons). */
export const block = (options: TextOptions) => textSchema(true, options)

/**
 * Deep check of any JSON value (keys included) for text no replica can store: for inputs that are
 * not user text fields yet must reach SQL (an opaque event, a directory entry's extra field).
 * Returns the path of the first offending string, or null. Iterative, so a hostile body nested
 * thousands of levels deep is judged like any other instead of overflowing the stack.
 */
export function findUnstorableText(value: unknown): string | null {
  interface Visit {
    value: unknown
    key: string | number | null
    parent: Visit | null
  }
  const pathOf = (visit: Visit, last?: string) => {
    const keys: (string | number)[] = last === undefined ? [] : [last]
    for (let at: Visit | null = visit; at && at.key !== null; at = at.parent) keys.push(at.key)
    return keys.reverse().join('.') || '(value)'
  }
  const stack: Visit[] = [{ value, key: null, parent: null }]
  while (stack.length > 0) {
    const visit = stack.pop()!
    const item = visit.value
    if (typeof item === 'string') {
      if (textProblem(item, true)) return pathOf(visit)
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--)
        stack.push({ value: item[i], key: i, parent: visit })
    } else if (typeof item === 'object' && item !== null) {
      const entries = Object.entries(item)
      for (const [key] of entries) if (textProblem(key, false)) return pathOf(visit, key)
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, member] = entries[i]!
        stack.push({ value: member, key, parent: visit })
      }
    }
  }
  return null
}

/**
 * Text from outside that must be kept, not refused (an email as the customer sent it): made
 * storable instead. Lone surrogates and noncharacters become U+FFFD, other control characters
 * (line breaks too, for a line) a space, and the result is cut to `max` without splitting a
 * surrogate pair, so what comes out always passes `line`/`block` of that length.
 */
export function storableText(value: string, multiline: boolean, max: number): string {
  const wellFormed = value
    .replace(new RegExp(LONE_SURROGATE.source, 'g'), '\uFFFD')
    .replace(/[\uFFFE\uFFFF]/g, '\uFFFD')
  const replaced = (multiline ? wellFormed.replace(/\r\n?/g, '\n') : wellFormed)
    .replace(new RegExp((multiline ? CONTROL_IN_BLOCK : CONTROL_IN_LINE).source, 'g'), ' ')
    .trim()
  if (replaced.length <= max) return replaced
  const cut = /[\uD800-\uDBFF]/.test(replaced[max - 1]!) ? max - 1 : max
  return replaced.slice(0, cut).trim()
}
