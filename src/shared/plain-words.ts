/**
 * Refusals in words for people. A schema names a field by its path (`password`,
 * `warmTransfer.acceptedBy`, `callers.2.id`) and says what is wrong in a fragment ("use at least
 * 10 characters"); a person reads "Password: use at least 10 characters." The path stays beside
 * the words (`FieldIssue.field`) for forms to place the message and for logs; it is never the
 * message's prefix. The rule numbers of PRODUCT.md are the same: a reference, not the message.
 */
import type { z } from 'zod'

/** One field's problem: where (the schema's path) and what (a fragment or a sentence). */
export interface FieldIssue {
  field: string
  message: string
}

/** Names a person knows a field by, where the path's own words would not do. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  username: 'User name',
  displayName: 'Display name',
  stationCode: 'Station code',
  code: 'Enrollment code',
  callerId: 'Caller',
  teamId: 'Team',
  contactUsed: 'Number dialled',
  acceptedBy: 'Accepted by',
  acceptedAt: 'Time of the transfer',
  warmTransfer: 'Warm transfer',
  offGuidanceReason: 'Why this team',
  cc: 'Copy to',
  sendEmailTo: 'Send Email To',
}

const words = (segment: string) =>
  segment
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase()

/**
 * "password" → "Password", "caller.email" → "Caller email", "callers.2.id" → "Callers, entry 3,
 * id". A known last segment wins: "warmTransfer.acceptedBy" → "Accepted by".
 */
export function fieldName(path: string): string {
  const segments = path.split('.').filter(Boolean)
  if (segments[0] === 'payload') segments.shift()
  if (segments.length === 0) return ''
  const last = segments[segments.length - 1]!
  if (FIELD_NAMES[last]) return FIELD_NAMES[last]
  const name = segments
    .map((s) => (/^\d+$/.test(s) ? `, entry ${Number(s) + 1},` : ` ${words(s)}`))
    .join('')
    .replace(/,$/, '')
    .trim()
  return name.charAt(0).toUpperCase() + name.slice(1)
}

const stopped = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`)

/** A fragment ("is required") as a sentence ("Is required."); a sentence stays as it is. */
export function sentence(message: string): string {
  return stopped(message.charAt(0).toUpperCase() + message.slice(1))
}

/** The issue as a person reads it, named by its field: "Password: use at least 10 characters." */
export function plainIssue({ field, message }: FieldIssue): string {
  const name = fieldName(field)
  return name ? `${name}: ${stopped(message)}` : sentence(message)
}

export function plainIssues(issues: readonly FieldIssue[]): string {
  return issues.map(plainIssue).join(' ')
}

/** A schema's refusal as field issues. A field that is missing altogether "is required". */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.map(String).join('.'),
    message:
      issue.code === 'invalid_type' && /received undefined$/.test(issue.message)
        ? 'is required'
        : issue.message,
  }))
}

/** What the rule number means where it is shown as a tooltip. */
export function ruleTooltip(rule: string): string {
  return `Service desk process ${rule}`
}
