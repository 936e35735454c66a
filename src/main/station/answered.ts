/**
 * The agent's memory of the server's answers, for events handed over again after their results
 * went missing ("Lost messages" in agent.ts). The outbox forgets an event once it is answered, so
 * without this memory a resend would travel to the server again only to be answered "duplicate";
 * with it, the agent repeats the answer at once.
 */
import type { PushResult } from '../../shared/sync/wire'

/** Answers kept for events handed over again after their results went missing. */
const ANSWERS_KEPT = 50_000

export class AnsweredEvents {
  /** Newest last, so the oldest are the first dropped. */
  private readonly answers = new Map<string, PushResult>()

  get(id: string): PushResult | undefined {
    return this.answers.get(id)
  }

  remember(results: readonly PushResult[]): void {
    for (const result of results) {
      this.answers.delete(result.id)
      this.answers.set(result.id, result)
    }
    for (const id of this.answers.keys()) {
      if (this.answers.size <= ANSWERS_KEPT) break
      this.answers.delete(id)
    }
  }

  /** The event goes out again (set aside, then sent again): the old answer no longer stands. */
  forget(id: string): void {
    this.answers.delete(id)
  }
}

/** The answer the renderer keeps visible for an event set aside (set-aside.ts). */
export function setAsideResult(id: string, reason: string): PushResult {
  return { id, status: 'rejected', code: 'server_error', reason }
}
