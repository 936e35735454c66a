/**
 * Rule 11, the one sanctioned rewrite of the log (ARCHITECTURE.md "Data"). Folding a redaction
 * hides the text on screen but leaves it in the stored note event, so every replica also keeps
 * a note's events in their *redacted form*: a pure function of the set of that note's events,
 * the same whatever order they arrived in, which every replica applies as events reach it.
 *
 * - The customer note carries the text of the note's latest redaction (in fold order), and
 *   `redactedBy` names that redaction.
 * - Every earlier redaction of the note carries the same text, and `supersededBy` names the
 *   latest: what a second redaction removed must not survive in the first one's text.
 * - The latest redaction stays as its author wrote it.
 * The rest stays: who wrote the note, when and to whom it was emailed; who redacted it, when, why.
 * Only a redaction of the same ticket counts, and only customer notes are rewritten (the fold
 * refuses to redact a Tech Note, so the log keeps it too).
 */
import { compareEvents, type EventOf, type TicketEvent } from './events'

/** A note event's body must not be empty; a redaction that removed everything leaves this. */
export const REDACTED_PLACEHOLDER = '[redacted]'

type NoteEvent = EventOf<'customer_note_added'> | EventOf<'note_redacted'>

function noteEvent(event: TicketEvent): NoteEvent | null {
  return event.type === 'customer_note_added' || event.type === 'note_redacted' ? event : null
}

/** The note an event concerns, keyed with its ticket; null for events a redaction never touches. */
export function redactionKey(event: TicketEvent): string | null {
  const note = noteEvent(event)
  return note ? `${note.ticketId}|${note.payload.noteId}` : null
}

/** Whether any of `events` can change, or be changed by, a note's redacted form. */
export function concernsRedaction(events: readonly TicketEvent[]): boolean {
  return events.some((event) => redactionKey(event) !== null)
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * The redacted forms of `events` (one version per event id, typically everything a replica holds
 * of some notes plus what just arrived): the events whose stored form must change, by id.
 */
export function redactedForms(events: readonly TicketEvent[]): Map<string, TicketEvent> {
  const groups = new Map<string, Map<string, NoteEvent>>()
  for (const event of events) {
    const note = noteEvent(event)
    const key = redactionKey(event)
    if (!note || !key) continue
    const group = groups.get(key) ?? new Map<string, NoteEvent>()
    groups.set(key, group)
    // One version per id: the first given (what the replica holds) wins over a repeat.
    if (!group.has(note.id)) group.set(note.id, note)
  }
  const changed = new Map<string, TicketEvent>()
  for (const versions of groups.values()) {
    const group = [...versions.values()]
    const redactions = group
      .filter((e): e is EventOf<'note_redacted'> => e.type === 'note_redacted')
      .sort(compareEvents)
    const latest = redactions[redactions.length - 1]
    if (!latest) continue
    const text = latest.payload.redactedBody
    // A latest redaction that says it was superseded carries a redaction this replica lacks yet.
    const by = latest.payload.supersededBy ?? latest.id
    for (const event of group) {
      if (event.id === latest.id) continue
      const form: TicketEvent =
        event.type === 'customer_note_added'
          ? {
              ...event,
              // The schema trims a note's body and requires one.
              payload: {
                ...event.payload,
                body: text.trim() || REDACTED_PLACEHOLDER,
                redactedBy: by,
              },
            }
          : { ...event, payload: { ...event.payload, redactedBody: text, supersededBy: by } }
      if (!sameJson(form, event)) changed.set(event.id, form)
    }
  }
  return changed
}

const marked = (event: TicketEvent): boolean =>
  (event.type === 'customer_note_added' && event.payload.redactedBy !== undefined) ||
  (event.type === 'note_redacted' && event.payload.supersededBy !== undefined)

/** The event without the text a redaction may rewrite, and without the mark saying it did. */
function withoutRedactableText(event: TicketEvent): unknown {
  if (event.type === 'customer_note_added') {
    const { body: _body, redactedBy: _by, ...payload } = event.payload
    return { ...event, payload }
  }
  if (event.type === 'note_redacted') {
    const { redactedBody: _body, supersededBy: _by, ...payload } = event.payload
    return { ...event, payload }
  }
  return event
}

/**
 * Whether two versions of one event id are the same event: equal (key order aside), or equal
 * apart from the text a redaction rewrote in one of them. A station pushing again a note it wrote
 * before the redaction (or one its own outbox redacted) repeats that note; it is not another one.
 */
export function sameEventApartFromRedaction(a: TicketEvent, b: TicketEvent): boolean {
  if (sameJson(canonical(a), canonical(b))) return true
  return (
    (marked(a) || marked(b)) &&
    sameJson(canonical(withoutRedactableText(a)), canonical(withoutRedactableText(b)))
  )
}

/** JSON with sorted keys, so key order (jsonb reorders them) never makes two events differ. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    )
  }
  return value
}
