/**
 * The phone system (PRODUCT.md, "What a real floor also expects"): call events in the generic CTI
 * format become calls; talk time, abandoned calls and the supervisors' figures come from them.
 */
import { describe, expect, it } from 'vitest'
import {
  ctiEventSchema,
  foldCall,
  normalizeCtiFields,
  talkSeconds,
  type CallRecord,
  type StoredCtiEvent,
} from '../../src/shared/calls/cti'
import { callMetricsByHour, callbacksOwed, utcHour } from '../../src/shared/calls/metrics'

const T0 = Date.parse('2026-12-03T09:00:00Z')
const S = 1000

const parse = (raw: Record<string, unknown>) => ctiEventSchema.parse(normalizeCtiFields(raw))
const stored = (raw: Record<string, unknown>, at: number, username?: string): StoredCtiEvent => ({
  event: parse(raw),
  receivedAt: at,
  ...(username ? { answeredBy: { extension: String(raw.answeringNumber), username } } : {}),
})

describe('the generic CTI format (existing PBX scripts work unchanged)', () => {
  it("reads Zammad's newCall / answer / hangup fields, user[] included", () => {
    const event = parse({
      event: 'newCall',
      from: '493055571600',
      to: '491711234567890',
      direction: 'in',
      callId: '4991155921769858278-1',
      'user[]': ['Jordan Lee', 'Sam Ortiz'],
    })
    expect(event).toMatchObject({
      event: 'newCall',
      direction: 'in',
      user: ['Jordan Lee', 'Sam Ortiz'],
    })
    expect(parse({ event: 'hangup', callId: 'x', cause: 'normalClearing' }).cause).toBe('normal')
    expect(parse({ event: 'hangup', callId: 'x', cause: 'cancel' }).cause).toBe('abandoned')
    expect(parse({ event: 'hangup', callId: 'x', cause: 'noAnswer' }).cause).toBe('no_answer')
  })

  it("maps Placetel's own event and field names", () => {
    expect(
      parse({ event: 'IncomingCall', from: '0221 4710334', to: '030 23125771', call_id: 'p1' }),
    ).toMatchObject({ event: 'newCall', direction: 'in', callId: 'p1' })
    expect(parse({ event: 'CallAccepted', call_id: 'p1', peer: '204' })).toMatchObject({
      event: 'answer',
      answeringNumber: '204',
    })
    expect(parse({ event: 'HungUp', call_id: 'p1', type: 'missed' }).cause).toBe('no_answer')
  })

  it('refuses hostile input with the field named', () => {
    const problem = (raw: Record<string, unknown>) => {
      const result = ctiEventSchema.safeParse(normalizeCtiFields(raw))
      return result.success ? null : [...new Set(result.error.issues.map((i) => i.path.join('.')))]
    }
    expect(problem({ event: 'hangup', callId: 'x', cause: 'exploded' })).toEqual(['cause'])
    expect(problem({ event: 'newCall', callId: 'x', from: '9'.repeat(41), to: '1' })).toEqual([
      'from',
    ])
    expect(problem({ event: 'newCall', callId: 'x\uD800', from: '1', to: '2' })).toEqual(['callId'])
    expect(problem({ event: 'answer', callId: 'x' })).toBeNull()
    expect(problem({ event: 'transfer', callId: 'x' })).toEqual(['transferTo'])
    expect(problem({ event: 'ring', callId: 'x' })).toEqual(['event'])
  })
})

describe('a call is the fold of its events', () => {
  const scripted = [
    stored(
      { event: 'newCall', callId: 'c1', from: '+1 555 0100', to: '4000', direction: 'in' },
      T0,
    ),
    stored({ event: 'answer', callId: 'c1', answeringNumber: '204' }, T0 + 20 * S, 'agent1'),
    stored({ event: 'transfer', callId: 'c1', transferTo: '+1 555 010 4000' }, T0 + 200 * S),
    stored({ event: 'hangup', callId: 'c1', cause: 'normalClearing' }, T0 + 260 * S),
  ]

  it('whatever order the events arrive in', () => {
    const call = foldCall(scripted)!
    expect(call).toMatchObject({
      callId: 'c1',
      from: '+1 555 0100',
      status: 'answered',
      answeredBy: { extension: '204', username: 'agent1' },
      transfers: [{ to: '+1 555 010 4000', at: T0 + 200 * S }],
      cause: 'normal',
    })
    expect(foldCall([...scripted].reverse())).toEqual(call)
    expect(talkSeconds(call)).toBe(240)
  })

  it('an inbound call that ends unanswered is abandoned, whatever the cause', () => {
    const call = foldCall([
      scripted[0]!,
      stored({ event: 'hangup', callId: 'c1', cause: 'normalClearing' }, T0 + 30 * S),
    ])
    expect(call?.status).toBe('abandoned')
    expect(talkSeconds(call!)).toBeNull()
    expect(foldCall([scripted[0]!])?.status).toBe('waiting')
    expect(foldCall(scripted.slice(0, 2))?.status).toBe('talking')
  })
})

describe('the supervisors\u2019 figures per hour', () => {
  const call = (over: Partial<CallRecord>): CallRecord => ({
    callId: Math.random().toString(36),
    direction: 'in',
    from: '+1 555 0100',
    to: '4000',
    queue: null,
    startedAt: T0,
    answeredAt: null,
    answeredBy: null,
    endedAt: null,
    cause: null,
    transfers: [],
    status: 'waiting',
    ...over,
  })
  const answered = (start: number, ring: number, talk: number) =>
    call({
      startedAt: start,
      answeredAt: start + ring * S,
      endedAt: start + (ring + talk) * S,
      status: 'answered',
    })
  const abandoned = (start: number, from = '+1 555 0199') =>
    call({
      startedAt: start,
      endedAt: start + 40 * S,
      status: 'abandoned',
      cause: 'abandoned',
      from,
    })

  it('answered, abandoned rate, average speed of answer and handle time', () => {
    const calls = [
      answered(T0, 10, 200),
      answered(T0 + 60 * S, 30, 400),
      abandoned(T0 + 120 * S),
      call({ startedAt: T0 + 300 * S }), // still ringing: offered, in no average
      answered(T0 + 3600 * S, 20, 100),
      call({
        direction: 'out',
        startedAt: T0 + 10 * S,
        answeredAt: T0 + 15 * S,
        status: 'talking',
      }),
    ]
    expect(callMetricsByHour(calls)).toEqual([
      {
        hour: utcHour(T0),
        offered: 4,
        answered: 2,
        abandoned: 1,
        abandonedRate: 1 / 3,
        averageSpeedOfAnswerS: 20,
        averageHandleTimeS: 300,
      },
      {
        hour: utcHour(T0 + 3600 * S),
        offered: 1,
        answered: 1,
        abandoned: 0,
        abandonedRate: 0,
        averageSpeedOfAnswerS: 20,
        averageHandleTimeS: 100,
      },
    ])
    expect(callMetricsByHour([])).toEqual([])
  })

  it('lists abandoned callers to call back until the CSC reached them', () => {
    const first = abandoned(T0, '+1 555 0101')
    const second = abandoned(T0 + 60 * S, '+1 555 0102')
    const calledBack = call({
      direction: 'out',
      to: '5550101',
      startedAt: T0 + 90 * S,
      answeredAt: T0 + 95 * S,
      status: 'talking',
    })
    expect(callbacksOwed([first, second]).map((c) => c.from)).toEqual([
      '+1 555 0102',
      '+1 555 0101',
    ])
    expect(callbacksOwed([first, second, calledBack]).map((c) => c.from)).toEqual(['+1 555 0102'])
  })
})
