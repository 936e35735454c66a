import { appendFile, readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Outbox } from '../../src/main/station/outbox'
import { uuidv7 } from '../../src/shared/ids'
import { tempDir } from './support/station'

const event = (actor = 'agent1') => ({ id: uuidv7(), actor, type: 'opened' })

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
})
