import { appendFile, mkdir, readFile, rmdir } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Outbox } from '../../src/main/station/outbox'
import { uuidv7 } from '../../src/shared/ids'
import { addCustomerNote, foldTicket, openTicket, redactNote } from '../../src/shared/incident'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'
import { tempDir } from './support/station'

const event = (actor = 'agent1') => ({ id: uuidv7(), actor, type: 'opened' })

/**
 * A real write failure: a directory where the outbox writes its new file before renaming it
 * into place (durable-file.ts), so opening that file fails with EISDIR. Returns the unblock.
 */
async function blockRewrites(file: string): Promise<() => Promise<void>> {
  const temp = `${file}.${process.pid}.tmp`
  await mkdir(temp)
  return () => rmdir(temp)
}

describe('the outbox of handed-over events', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>
  let file: string
  beforeEach(async () => {
    dir = await tempDir('outbox')
    file = path.join(dir.dir, 'outbox.jsonl')
  })
  afterEach(() => dir.remove())

  it('keeps every acknowledged event across a restart, in hand-over order', async () => {
    const outbox = await Outbox.open(file)
    const events = [event(), event(), event()]
    expect(await outbox.add(events)).toBe(3)
    await outbox.settle([events[1]!.id])
    // No close: a crash leaves the log as the last fsync'd append left it.
    const reopened = await Outbox.open(file)
    expect(reopened.batchFor('agent1', 10).map((e) => e.id)).toEqual([events[0]!.id, events[2]!.id])
    await reopened.close()
    await outbox.close()
  })

  it('holds an event once however often it is handed over', async () => {
    const outbox = await Outbox.open(file)
    const one = event()
    expect(await outbox.add([one, one])).toBe(1)
    expect(await outbox.add([one])).toBe(0)
    expect(outbox.size).toBe(1)
    await outbox.close()
  })

  it('batches per actor, because only the signed-in user can push their events', async () => {
    const outbox = await Outbox.open(file)
    await outbox.add([event('ann'), event('bob'), event('ann')])
    expect(outbox.batchFor('ann', 10)).toHaveLength(2)
    expect(outbox.countFor('bob')).toBe(1)
    expect(outbox.batchFor('ann', 1)).toHaveLength(1)
    await outbox.close()
  })

  it('ignores a torn last line (a crash mid-append that was never acknowledged)', async () => {
    const outbox = await Outbox.open(file)
    const kept = event()
    await outbox.add([kept])
    await outbox.close()
    await appendFile(file, '{"add":{"id":"0190')
    const reopened = await Outbox.open(file)
    expect(reopened.batchFor('agent1', 10).map((e) => e.id)).toEqual([kept.id])
    await reopened.close()
  })

  it('rewrites the log compactly once it empties', async () => {
    const outbox = await Outbox.open(file)
    const events = Array.from({ length: 20 }, () => event())
    await outbox.add(events)
    await outbox.settle(events.map((e) => e.id))
    expect(await readFile(file, 'utf8')).toBe('')
    await outbox.close()
  })

  it('a redaction handed over while its note still waits rewrites the note, in memory and on disk (rule 11)', async () => {
    const agent = testContext('agent1', 'A1')
    const [opened] = accepted(openTicket(phoneCall(), 'A1-1', agent))
    const secret = 'Tmp#4821-Blue'
    const body = `I set your password to ${secret}.`
    const [note] = accepted(
      addCustomerNote(foldTicket([opened!])!, body, { customer: false, cc: [] }, agent),
    )
    const ticket = foldTicket([opened!, note!])!
    const supervisor = testContext('super1', 'A1', Date.parse('2026-11-27T10:00:00.000Z'))
    const [redaction] = accepted(
      redactNote(
        ticket,
        ticket.notes[0]!.id,
        'I set your password to [redacted].',
        'A password',
        supervisor,
      ),
    )
    const outbox = await Outbox.open(file)
    await outbox.add([opened!, note!])
    expect(await readFile(file, 'utf8')).toContain(secret)
    expect(await outbox.add([redaction!])).toBe(1)
    expect(JSON.stringify(outbox.batchFor('agent1', 10))).not.toContain(secret)
    expect(outbox.batchFor('agent1', 10)[1]).toMatchObject({
      id: note!.id,
      payload: { body: 'I set your password to [redacted].', redactedBy: redaction!.id },
    })
    expect(await readFile(file, 'utf8')).not.toContain(secret)
    const reopened = await Outbox.open(file)
    expect(reopened.size).toBe(3)
    expect(JSON.stringify(reopened.batchFor('agent1', 10))).not.toContain(secret)
    await reopened.close()
    await outbox.close()
  })

  it('an emptied log it cannot write anew keeps its records by appending, and loses nothing across a restart', async () => {
    const outbox = await Outbox.open(file)
    const [first, second] = [event(), event()]
    await outbox.add([first, second])
    const unblock = await blockRewrites(file)
    await outbox.settle([first.id, second.id])
    const third = event()
    expect(await outbox.add([third])).toBe(1)
    expect(outbox.batchFor('agent1', 10).map((e) => e.id)).toEqual([third.id])
    // No close: what a crash leaves.
    const reopened = await Outbox.open(file).catch((error: unknown) => error)
    expect(reopened).toBeInstanceOf(Error)
    await unblock()
    const restarted = await Outbox.open(file)
    expect(restarted.batchFor('agent1', 10).map((e) => e.id)).toEqual([third.id])
    await restarted.close()
    await outbox.close()
  })

  it('a redaction it cannot write is not taken: the hand-over fails, and the same hand-over later is new (rule 11)', async () => {
    const agent = testContext('agent1', 'A1')
    const [opened] = accepted(openTicket(phoneCall(), 'A1-1', agent))
    const [note] = accepted(
      addCustomerNote(
        foldTicket([opened!])!,
        'Your PIN is 4821.',
        { customer: false, cc: [] },
        agent,
      ),
    )
    const ticket = foldTicket([opened!, note!])!
    const [redaction] = accepted(
      redactNote(ticket, ticket.notes[0]!.id, 'Your PIN is [redacted].', 'A PIN', agent),
    )
    const outbox = await Outbox.open(file)
    await outbox.add([opened!, note!])
    const unblock = await blockRewrites(file)
    await expect(outbox.add([redaction!])).rejects.toThrow(/EISDIR/)
    expect(outbox.size).toBe(2)
    expect(JSON.stringify(outbox.batchFor('agent1', 10))).toContain('4821')
    await unblock()
    expect(await outbox.add([redaction!])).toBe(1)
    expect(await readFile(file, 'utf8')).not.toContain('4821')
    await outbox.close()
  })
})
