/**
 * The agent's push of the outbox (ARCHITECTURE.md "Sync"; the flow around it is in agent.ts).
 *
 * Push. The agent pushes the signed-in user's outbox events in batches. Every event gets a
 *   result — applied (seq), duplicate (seq) or rejected (reason) — the outbox forgets the answered
 *   ids, and `sync.results` carries the results to the renderer. Offline, or a proxy that cannot
 *   reach the server: retry the same batch with exponential backoff and jitter. A restart mid-push
 *   reloads the outbox and pushes again; the server answers "duplicate" for what it already has.
 *
 * Poison. A server that answers but fails on a batch (500, an unreadable answer) may be failing
 *   on one event of it. The batch is narrowed down (narrowing.ts) until that event travels alone;
 *   if the server keeps failing on it while taking others, it is set aside (set-aside.ts) with a
 *   `server_error` rejection the renderer keeps visible, and the events behind it land.
 */
import { StationError } from '../../shared/station-api'
import { MAX_PUSH_BATCH, type PushResult } from '../../shared/sync/wire'
import type { AgentCredentials, Emit } from './agent'
import { AnsweredEvents, setAsideResult } from './answered'
import { BatchNarrowing } from './narrowing'
import type { Outbox, OutboxEvent } from './outbox'
import { backoffDelay, type BackoffPolicy, type Scheduler } from './scheduler'
import { ServerFailure, type ServerClient } from './server-client'
import type { SetAsideEvents } from './set-aside'

/** Rounds of one push run before it yields to the event loop and schedules the next. */
const ROUNDS_PER_RUN = 50

export interface PushLoopDeps {
  outbox: Outbox
  setAside: SetAsideEvents
  client: ServerClient
  credentials(): AgentCredentials | null
  scheduler: Scheduler
  random(): number
  emit: Emit
  backoff: BackoffPolicy
  batchSize?: number
  /** The server took a push. */
  succeeded(): void
  /** Records a failure; true when it is worth retrying with backoff. */
  failed(error: unknown): Promise<boolean>
  /** The server answered, even if with a failure. */
  reachable(): void
  problem(message: string | null): void
  clockWarning(warning: string | null): void
  /** What the status shows may have changed. */
  changed(): void
}

export class PushLoop {
  private batchSize: number
  private readonly narrowing = new BatchNarrowing()
  /** The server's answers for events no longer in the outbox. */
  private readonly answered = new AnsweredEvents()
  private pushingFor: string | null = null
  private failures = 0
  private retryTimer: unknown = null
  private retryAt: number | null = null
  private running: Promise<void> | null = null
  private runAgain = false
  private stopped = false

  constructor(private readonly deps: PushLoopDeps) {
    // The largest batches the server takes: a station back from hours offline pushes its backlog
    // in as few round trips (and server transactions) as it can.
    this.batchSize = Math.min(deps.batchSize ?? MAX_PUSH_BATCH, MAX_PUSH_BATCH)
  }

  get isRunning(): boolean {
    return this.running !== null
  }

  /** When the push waiting out its backoff goes again (null: none waits). */
  get nextRetryAt(): number | null {
    return this.retryAt
  }

  /** An event the server already answered for, or one set aside, is not pushed again. */
  answerFor(id: string): PushResult | undefined {
    const setAside = this.deps.setAside.get(id)
    return setAside ? setAsideResult(id, setAside.reason) : this.answered.get(id)
  }

  /** The event goes out again (set aside, then sent again): what was learnt of it no longer holds. */
  forget(id: string): void {
    this.answered.forget(id)
    this.narrowing.forget(id)
  }

  resetBackoff(): void {
    this.failures = 0
  }

  /** Skips the backoff and pushes now. */
  pushNow(): void {
    this.failures = 0
    this.soon()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.deps.scheduler.clearTimeout(this.retryTimer)
    await this.running
  }

  soon(): void {
    if (this.stopped) return
    this.deps.scheduler.clearTimeout(this.retryTimer)
    this.retryTimer = null
    this.retryAt = null
    if (this.running) {
      this.runAgain = true
      return
    }
    this.running = this.run()
      .catch((error: unknown) => this.runFailed(error))
      .finally(() => {
        this.running = null
        if (this.runAgain) {
          this.runAgain = false
          this.soon()
        }
        this.deps.changed()
      })
  }

  /**
   * A run failed on this station's side (its outbox or set-aside file could not be written): what
   * it had not settled is still held, so the next run pushes it again (the server answers
   * duplicates for what it has).
   */
  private runFailed(error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error)
    this.deps.problem(`This station could not write its sync files (${reason}); retrying.`)
    this.retryLater()
  }

  private retryLater(): void {
    if (this.stopped) return
    this.failures++
    const delay = backoffDelay(this.failures, this.deps.backoff, this.deps.random)
    this.retryAt = this.deps.scheduler.now() + delay
    this.retryTimer = this.deps.scheduler.setTimeout(() => {
      this.retryTimer = null
      this.soon()
    }, delay)
  }

  private async run(): Promise<void> {
    for (let round = 0; round < ROUNDS_PER_RUN; round++) {
      const credentials = this.deps.credentials()
      if (this.stopped || !credentials) return
      if (credentials.username !== this.pushingFor) {
        this.pushingFor = credentials.username
        this.narrowing.reset()
      }
      const batch = this.narrowing.pick(
        this.deps.outbox.batchFor(credentials.username, this.narrowing.readAhead(this.batchSize)),
        this.batchSize,
      )
      if (batch.length === 0) return
      this.deps.changed()
      let response
      try {
        response = await this.deps.client.push(credentials.token, batch)
      } catch (error) {
        if (
          !(error instanceof ServerFailure) &&
          error instanceof StationError &&
          error.code === 'refused' &&
          batch.length > 1
        ) {
          // Most likely a body over the server's size limit: smaller batches get through.
          this.batchSize = Math.max(1, Math.floor(batch.length / 2))
          continue
        }
        if (
          error instanceof ServerFailure ||
          (error instanceof StationError && error.code === 'refused')
        ) {
          if (await this.serverFailed(batch, error)) continue
          this.retryLater()
          return
        }
        this.narrowing.interrupted()
        if (await this.deps.failed(error)) this.retryLater()
        return
      }
      const sent = new Set(batch.map((event) => event.id))
      const answered = response.results.filter((result) => sent.has(result.id))
      const stored = new Set(answered.flatMap((r) => (r.status === 'rejected' ? [] : [r.id])))
      const control = this.narrowing.isControl(batch)
      this.narrowing.answered(
        batch,
        batch.filter((event) => stored.has(event.id)),
        this.batchSize,
      )
      // The control event was answered for long ago: whatever the server says of it now, the
      // renderer must not hear it (a refusal now would contradict the event's stored place).
      if (control) {
        if (stored.size > 0) this.deps.succeeded()
        else this.narrowing.dropControl()
        continue
      }
      await this.deps.outbox.settle(answered.map((result) => result.id))
      // An event set aside before a crash, pushed again from the outbox, that has now landed.
      if (answered.some((result) => this.deps.setAside.get(result.id)))
        await this.deps.setAside.take(answered.map((result) => result.id))
      this.answered.remember(answered)
      this.deps.clockWarning(response.clockWarning ?? null)
      this.deps.succeeded()
      this.deps.emit('sync.results', {
        results: answered,
        ...(response.clockWarning ? { clockWarning: response.clockWarning } : {}),
      })
      if (answered.length === 0) {
        this.deps.problem('The central server did not answer for the events sent; retrying.')
        this.retryLater()
        return
      }
    }
    this.runAgain = true
  }

  /**
   * The server answered this batch with a failure. True: push again at once (it was narrowed, or
   * an event was set aside); false: retry after the backoff.
   */
  private async serverFailed(batch: readonly OutboxEvent[], error: StationError): Promise<boolean> {
    this.deps.reachable()
    const step = this.narrowing.failed(batch)
    if (step.kind === 'narrowed') return true
    if (step.kind === 'control') {
      this.deps.problem(
        `The central server fails on every push right now (${error.message}); retrying.`,
      )
      return false
    }
    if (step.kind === 'retry') {
      this.deps.problem(
        `The central server failed on an event (${error.message}); trying it alone again.`,
      )
      return false
    }
    const event = batch[0]!
    const reason = `The central server failed on this event ${step.failures} times while it accepted others (last answer: ${error.message}). It was set aside so the rest could sync; it is kept on this station and can be sent again once the server is fixed.`
    await this.deps.setAside.add({ event, reason, at: this.deps.scheduler.now() })
    await this.deps.outbox.settle([event.id])
    this.narrowing.forget(event.id)
    const result = setAsideResult(event.id, reason)
    this.answered.remember([result])
    this.deps.problem(null)
    this.deps.emit('sync.results', { results: [result] })
    return true
  }
}
