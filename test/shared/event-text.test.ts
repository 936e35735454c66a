/**
 * Every text member of every event goes through the one text schema (ARCHITECTURE.md "Text"):
 * PRODUCT.md rule 2's logged fields, the notes of rule 6, the warm transfer of rule 4, the
 * guidance of rule 5, the redaction of rule 11 — text no replica can store is refused with the
 * field named, so a station finds out while the agent is still on the form.
 */
import { describe, expect, it } from 'vitest'
import { parseTicketEvent } from '../../src/shared/incident/events'
import { textProblem } from '../../src/shared/text'
import {
  eventMaker,
  everyEventType,
  textPathsOf,
  UNSTORABLE,
  withStringAt,
} from '../support/hostile-text'

const make = eventMaker('agent1', 'S1', Date.parse('2026-11-27T09:00:00.000Z'))
const events = everyEventType(make)

describe('event text (ARCHITECTURE.md "Text"; PRODUCT.md rule 2)', () => {
  it('accepts one event of every type with every text member filled in', () => {
    for (const event of events) {
      const parsed = parseTicketEvent(event)
      expect(parsed.ok ? 'ok' : parsed.message, event.type).toBe('ok')
    }
  })

  it('refuses a lone surrogate or NUL in any string of any event, naming that field', () => {
    let checked = 0
    for (const event of events) {
      for (const path of textPathsOf(event)) {
        for (const [kind, bad] of Object.entries(UNSTORABLE)) {
          const parsed = parseTicketEvent(withStringAt(event, path, bad))
          const where = `${event.type} ${path.join('.')} (${kind})`
          expect(parsed.ok, where).toBe(false)
          if (!parsed.ok) expect(parsed.message, where).toContain(`${path.join('.')}: `)
          checked++
        }
      }
    }
    // Every payload's text is in: the opening alone has more than twenty strings.
    expect(checked).toBeGreaterThan(3 * 80)
  })

  it('refuses control characters in one-line fields, and keeps line breaks in prose', () => {
    const opened = events.find((e) => e.type === 'opened')!
    const broken = parseTicketEvent(withStringAt(opened, ['payload', 'title'], 'VPN\ndown'))
    expect(broken.ok || broken.message).toMatch(/^payload\.title: .*control character/)
    expect(parseTicketEvent(withStringAt(opened, ['payload', 'title'], 'VPN\tdown')).ok).toBe(true)
    const prose = parseTicketEvent(
      withStringAt(opened, ['payload', 'description'], 'Line one\r\nLine two\tindented'),
    )
    expect(prose.ok).toBe(true)
  })

  it('answers an event of any shape with a verdict, never an exception', () => {
    const opened = events.find((e) => e.type === 'opened')!
    const hostile: unknown[] = [
      null,
      42,
      'opened',
      [opened],
      { ...opened, schemaVersion: { toString: 1 } },
      { ...opened, schemaVersion: [{ toString: 1 }] },
      { ...opened, schemaVersion: '\uD800' },
      { ...opened, id: { toString: 1 } },
      { ...opened, type: { toString: 1 } },
      { ...opened, payload: [] },
      { ...opened, payload: { ...opened.payload, caller: { toString: 1, valueOf: 1 } } },
    ]
    for (const input of hostile) {
      const parsed = parseTicketEvent(input)
      expect(parsed.ok).toBe(false)
      if (!parsed.ok) expect(textProblem(parsed.message, true)).toBeNull()
    }
  })

  it('keeps a redacted body exactly as written, and trims the rest', () => {
    const redaction = events.find((e) => e.type === 'note_redacted')!
    const parsed = parseTicketEvent(
      withStringAt(redaction, ['payload', 'redactedBody'], '  [redacted]  '),
    )
    expect(parsed.ok && parsed.event.type === 'note_redacted' && parsed.event.payload).toEqual(
      expect.objectContaining({ redactedBody: '  [redacted]  ' }),
    )
    const opened = events.find((e) => e.type === 'opened')!
    const padded = parseTicketEvent(withStringAt(opened, ['payload', 'caller', 'name'], '  Dana '))
    expect(padded.ok && padded.event.type === 'opened' && padded.event.payload.caller.name).toBe(
      'Dana',
    )
  })
})
