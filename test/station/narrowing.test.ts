/**
 * The agent's narrowing of a failing batch (src/main/station/narrowing.ts), driven by a server
 * model that fails any batch holding a bad id — or everything while "down". The integration test
 * (poison.integration.test.ts) runs the same against a real server; this one walks the cases a
 * real server makes slow to reach: bad events side by side, an outage in the middle of narrowing.
 * Seeded; SEED=n replays.
 */
import { describe, expect, it } from 'vitest'
import { BatchNarrowing, SUSPECT_ATTEMPTS } from '../../src/main/station/narrowing'
import type { OutboxEvent } from '../../src/main/station/outbox'

const SEED = Number(process.env.SEED ?? Date.now() % 100_000)

function random(seed: number): () => number {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return (state >>> 0) / 2 ** 32
  }
}

interface Run {
  landed: string[]
  setAside: string[]
  pushes: number
  controls: number
}

const landedIds = (result: Run) => new Set(result.landed)

/** Pushes `count` events through the narrowing until none is left, the way the agent does. */
function run(options: {
  count: number
  bad: ReadonlySet<string>
  max: number
  /** Whether the server fails every push at this push number (an outage by 500). */
  down?: (push: number) => boolean
}): Run {
  const outbox: OutboxEvent[] = Array.from({ length: options.count }, (_, i) => ({
    id: `e${i}`,
    actor: 'ann',
  }))
  const narrowing = new BatchNarrowing()
  const result: Run = { landed: [], setAside: [], pushes: 0, controls: 0 }
  while (outbox.length > 0) {
    if (result.pushes > 10_000) throw new Error('the narrowing does not finish')
    const batch = narrowing.pick(outbox.slice(0, narrowing.readAhead(options.max)), options.max)
    expect(batch.length).toBeGreaterThan(0)
    const push = result.pushes++
    const fails = options.down?.(push) || batch.some((event) => options.bad.has(event.id))
    if (narrowing.isControl(batch)) {
      expect(landedIds(result)).toContain(batch[0]!.id)
      result.controls++
    }
    if (!fails) {
      narrowing.answered(batch, batch, options.max)
      for (const event of batch.filter((e) => outbox.includes(e))) {
        outbox.splice(outbox.indexOf(event), 1)
        result.landed.push(event.id)
      }
      continue
    }
    const step = narrowing.failed(batch)
    if (step.kind === 'setAside') {
      narrowing.forget(step.id)
      outbox.splice(
        outbox.findIndex((event) => event.id === step.id),
        1,
      )
      result.setAside.push(step.id)
    }
  }
  return result
}

describe('narrowing a batch the server keeps failing on', () => {
  it('lands every good event and sets aside exactly the bad ones, side by side, apart or last', () => {
    const bad = new Set(['e3', 'e4', 'e5', 'e40', 'e62', 'e63'])
    const result = run({ count: 64, bad, max: 32 })
    expect(result.setAside.sort()).toEqual([...bad].sort())
    expect(result.landed).toHaveLength(64 - bad.size)
    expect(new Set(result.landed).size).toBe(result.landed.length)
    // The two bad events at the end had no good event behind them: control pushes vouched.
    expect(result.controls).toBeGreaterThan(0)
  })

  it('tries a bad event alone a few times, and once more right after others landed, before setting it aside', () => {
    const narrowing = new BatchNarrowing()
    const [bad, good] = [
      { id: 'bad', actor: 'ann' },
      { id: 'good', actor: 'ann' },
    ]
    expect(narrowing.failed([bad, good])).toEqual({ kind: 'narrowed' })
    for (let attempt = 1; attempt <= SUSPECT_ATTEMPTS; attempt++) {
      expect(narrowing.pick([bad, good], 10)).toEqual([bad])
      expect(narrowing.failed([bad])).toEqual({ kind: 'retry', id: 'bad', failures: attempt })
    }
    // Held: the event behind it goes ahead, then the held one is tried alone once more.
    expect(narrowing.pick([bad, good], 10)).toEqual([good])
    narrowing.answered([good], [good], 10)
    expect(narrowing.pick([bad], 10)).toEqual([bad])
    expect(narrowing.failed([bad])).toMatchObject({ kind: 'setAside', id: 'bad' })
  })

  it(`never sets anything aside while the server fails on everything, and lands it all after (seed ${SEED})`, () => {
    const next = random(SEED)
    for (let round = 0; round < 50; round++) {
      const outageStart = Math.floor(next() * 20)
      const outageLength = 5 + Math.floor(next() * 200)
      const result = run({
        count: 1 + Math.floor(next() * 80),
        bad: new Set(),
        max: 1 + Math.floor(next() * 40),
        down: (push) => push >= outageStart && push < outageStart + outageLength,
      })
      expect(result.setAside, `round ${round}, seed ${SEED}`).toEqual([])
    }
  })

  it(`with bad events and an outage mixed, sets aside only bad events (seed ${SEED})`, () => {
    const next = random(SEED + 1)
    for (let round = 0; round < 50; round++) {
      const count = 2 + Math.floor(next() * 60)
      // The first event is good: a station whose every event so far is bad has no control yet.
      const bad = new Set(
        Array.from({ length: count }, (_, i) => `e${i}`).filter(
          (id) => id !== 'e0' && next() < 0.1,
        ),
      )
      const outageStart = Math.floor(next() * 30)
      const outageLength = Math.floor(next() * 60)
      const result = run({
        count,
        bad,
        max: 1 + Math.floor(next() * 20),
        down: (push) => push >= outageStart && push < outageStart + outageLength,
      })
      expect(result.setAside.sort(), `round ${round}, seed ${SEED}`).toEqual([...bad].sort())
      expect(result.landed).toHaveLength(count - bad.size)
    }
  })
})
