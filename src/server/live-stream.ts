/**
 * The live stream of committed events: what the live socket (live.ts) sends its stations after
 * each commit. Each commit's notification (`after:next`, event-log.ts) becomes one `events`
 * message holding that commit's events as stored, so a save reaches every station in one hop and
 * no station pulls for it. The events are read once per commit and server process, whatever the
 * number of sockets, and in notification order, so the messages keep the log's order.
 *
 * A commit too large for one message, a read that fails, or a socket that is not reading what it
 * is sent gets a plain poke instead: the station then pulls, as it always could.
 */
import { MAX_LIVE_EVENTS } from '../shared/sync/wire'
import type { Queryable } from './db/database'
import { errorFields, type Logger } from './log'

/** Above this many bytes of events a commit goes out as a poke (the station pulls it in pages). */
export const MAX_LIVE_EVENT_BYTES = 256 * 1024

export interface LiveStreamOptions {
  db: Queryable
  logger: Logger
  /** Whether any socket would hear the message: without one, nothing is read. */
  listening(): boolean
  /** Sends the serialised message to every socket. */
  broadcast(message: LiveFrame): void
}

/** One message for every socket: the `events` message, and the poke to send where it cannot go. */
export interface LiveFrame {
  /** The serialised `events` message; null when the commit goes out as a poke only. */
  events: string | null
  poke: string
}

export interface LiveStream {
  /** A commit's notification, in the order they arrive. */
  committed(after: number, next: number): void
}

export function createLiveStream(options: LiveStreamOptions): LiveStream {
  const { db, logger } = options
  /** Ranges noticed and not yet sent, in order; consecutive ones are read together. */
  const queue: { after: number; next: number }[] = []
  let draining = false

  const poke = (seq: number) => JSON.stringify({ type: 'poke', seq })

  async function frame(after: number, next: number): Promise<LiveFrame> {
    const rows = await db.query<{ seq: number; body: string }>(
      'SELECT seq, body::text AS body FROM events WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3',
      [after, next, MAX_LIVE_EVENTS + 1],
    )
    let bytes = 0
    for (const row of rows) bytes += row.body.length
    if (rows.length > MAX_LIVE_EVENTS || bytes > MAX_LIVE_EVENT_BYTES)
      return { events: null, poke: poke(next) }
    // The bodies are jsonb's own JSON text: spliced in, not parsed and serialised again.
    const events = rows.map((row) => `{"seq":${row.seq},"event":${row.body}}`).join(',')
    return {
      events: `{"type":"events","after":${after},"next":${next},"events":[${events}]}`,
      poke: poke(next),
    }
  }

  async function drain(): Promise<void> {
    draining = true
    try {
      while (queue.length > 0) {
        // Under load notifications pile up while a read runs: one read covers the chain of them.
        const { after, next: first } = queue.shift()!
        let next = first
        while (queue.length > 0 && queue[0]!.after === next) next = queue.shift()!.next
        if (!options.listening()) continue
        let message: LiveFrame
        try {
          message = await frame(after, next)
        } catch (error) {
          logger.log(
            'warn',
            'live events could not be read; stations are poked',
            errorFields(error),
          )
          message = { events: null, poke: poke(next) }
        }
        options.broadcast(message)
      }
    } finally {
      draining = false
    }
  }

  return {
    committed(after, next) {
      queue.push({ after, next })
      if (!draining) void drain()
    },
  }
}
