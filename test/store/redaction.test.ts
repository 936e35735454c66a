/**
 * Rule 11 on the station's store (fake-indexeddb; the same scenarios run in Chromium in
 * chromium.test.ts): once a redaction reaches the station, the redacted text is gone from its
 * stored events, ticket row, search tokens, History and change feed — whether the redaction came
 * in a pull page, before the note, or was recorded here before the note was pushed.
 */
import { describe, expect, it } from 'vitest'
import { privateIndexedDb } from './private-indexeddb'
import {
  REDACTED,
  SECRET,
  redactedBeforePush,
  redactionArrives,
  redactionBeforeNote,
} from './redaction-scenarios'

const gone = (text: string) => {
  expect(text).not.toContain(SECRET)
  expect(text).not.toContain('#4821')
}

describe('rule 11: a redaction removes the text from the station, not only from the screen', () => {
  it('a pulled redaction rewrites the stored note; the log keeps who redacted it and why', async () => {
    const { before, after, feed, redaction } = await redactionArrives('s', privateIndexedDb())
    // The scenario can see the secret when it is there.
    expect(before.database).toContain(SECRET)
    expect(before.history).toContain(SECRET)
    for (const text of [after.database, after.history, after.ticket, feed]) gone(text)
    expect(after.found).toBe(0)
    const history = JSON.parse(after.history) as {
      type: string
      payload: Record<string, unknown>
    }[]
    expect(history.map((e) => e.type)).toEqual(['opened', 'customer_note_added', 'note_redacted'])
    expect(history[1]!.payload).toMatchObject({ body: REDACTED, redactedBy: redaction.id })
    expect(history[2]).toMatchObject({
      actor: 'super1',
      payload: { reason: redaction.payload.reason },
    })
    expect(JSON.parse(after.ticket)).toMatchObject({
      notes: [{ body: REDACTED, author: 'agent2', redactions: [{ by: 'super1' }] }],
    })
  })

  it('a redaction that arrives before its note: the note is stored redacted', async () => {
    const result = await redactionBeforeNote('s', privateIndexedDb())
    for (const text of [result.database, result.history, result.ticket]) gone(text)
    expect(result.body).toBe(REDACTED)
  })

  it('a note redacted here before it was pushed hands over the redacted text only', async () => {
    const result = await redactedBeforePush('s', privateIndexedDb())
    for (const text of [result.database, result.history, result.ticket, result.pending]) gone(text)
    expect(result.pendingCount).toBe(2)
    expect(result.pending).toContain(REDACTED)
  })
})
