/**
 * The server's one scheduler: the jobs that time alone sets off, run by every server process on
 * the database and safe with several. Each run is one `withEventLog` transaction: it holds the
 * event-log lock, so two processes take turns, and the second finds the first's events already
 * folded into the projection and has nothing left to do. What it writes are ordinary events made
 * by the shared commands, as the server (`SERVER_ACTOR` at `SERVER_STATION`), so every station folds
 * them like any other and the history says who wrote them and why.
 *
 * Jobs:
 *  - reopen window (rule 9): resolved tickets past their 7 days are closed (reopen-window.ts);
 *  - SLA breaches (rule 8 targets): a target that passed its due time unmet is recorded once, as
 *    `sla_breached`, per ticket and target;
 *  - inactive tickets (rule 9): where the administrator set `followUp.autoResolveInactive`, a
 *    ticket whose customer did not answer for a business day gets the "inactive ticket" resolution;
 *  - the outage radar (rule 10): proposes a major incident where many calls on one service came in
 *    (outage-radar.ts). Commits wake it as well as its timer (`wake`).
 * The SLA and inactive-ticket jobs read the tickets whose `next_job_at` (set with every projection write, from
 * `serverWorkDueAt`) has come, not every open ticket.
 */
import {
  breachesDue,
  inactiveResolution,
  inactiveResolutionAllowed,
  resolve,
  serverWorkDueAt,
  type CommandContext,
  type PriorityPolicy,
  type Ticket,
  type TicketEvent,
} from '../shared/incident'
import type { Database, Queryable } from './db/database'
import { commitEvents, withEventLog, type CommitOutcome } from './events/event-log'
import { errorFields, type Logger } from './log'
import { serverContext, serverEvent } from './monitoring'
import { runOutageRadar } from './outage-radar'
import { closeElapsedResolutions } from './reopen-window'

type NextHlc = (now: number, after?: string) => string

/** One run takes at most this many due tickets; the next run takes the rest. */
const DUE_LIMIT = 200

function breachEvents(ticket: Ticket, now: number, ctx: CommandContext): TicketEvent[] {
  return breachesDue(ticket, now).map((breach) =>
    serverEvent(
      'sla_breached',
      ticket.id,
      ctx.nextHlc(),
      {
        target: breach.target,
        dueAt: new Date(breach.dueAt).toISOString(),
      },
      now,
    ),
  )
}

function inactiveEvents(
  ticket: Ticket,
  now: number,
  ctx: CommandContext,
  policy: PriorityPolicy,
): TicketEvent[] {
  if (!policy.followUp.autoResolveInactive || !inactiveResolutionAllowed(ticket, now, policy))
    return []
  const result = resolve(ticket, inactiveResolution(ticket), ctx, policy)
  return result.ok ? result.events : []
}

export interface DueTicketsOutcome {
  breaches: { ticketId: string; target: string }[]
  resolved: string[]
  commit: CommitOutcome | null
}

/** The SLA-breach and inactive-ticket jobs over the tickets whose time has come. */
export async function runDueTickets(
  db: Database,
  now: number,
  nextHlc: NextHlc,
): Promise<DueTicketsOutcome> {
  return withEventLog(db, async (tx, policy) => {
    const rows = await tx.query<{ body: Ticket }>(
      `SELECT body FROM tickets WHERE next_job_at <= $1 ORDER BY next_job_at LIMIT $2`,
      [now, DUE_LIMIT],
    )
    const events: TicketEvent[] = []
    const outcome: DueTicketsOutcome = { breaches: [], resolved: [], commit: null }
    const idle: Ticket[] = []
    for (const { body: ticket } of rows) {
      const ctx = serverContext(ticket, now, nextHlc)
      const breaches = breachEvents(ticket, now, ctx)
      const resolution = inactiveEvents(ticket, now, ctx, policy)
      for (const e of breaches)
        if (e.type === 'sla_breached')
          outcome.breaches.push({ ticketId: e.ticketId, target: e.payload.target })
      if (resolution.length) outcome.resolved.push(ticket.id)
      if (breaches.length + resolution.length === 0) idle.push(ticket)
      events.push(...breaches, ...resolution)
    }
    await rescheduleIdle(tx, idle, now, policy)
    if (events.length) outcome.commit = await commitEvents(tx, events, now, policy)
    return outcome
  })
}

/**
 * Tickets looked at with nothing to do (projected before the scheduler, a calendar changed): their
 * next time from the rules, never one already past, so a ticket cannot keep a run busy.
 */
async function rescheduleIdle(
  tx: Queryable,
  tickets: readonly Ticket[],
  now: number,
  policy: PriorityPolicy,
): Promise<void> {
  if (!tickets.length) return
  const next = tickets.map((t) => {
    const at = serverWorkDueAt(t, policy)
    return at !== null && at > now ? at : null
  })
  await tx.query(
    `UPDATE tickets SET next_job_at = u.at FROM unnest($1::uuid[], $2::float8[]) AS u(id, at)
      WHERE tickets.id = u.id`,
    [tickets.map((t) => t.id), next],
  )
}

export interface SchedulerOptions {
  db: Database
  now: () => number
  nextHlc: NextHlc
  logger: Logger
  committed(commit: CommitOutcome): void
  /** How often resolved tickets past the reopen window are closed; default 10 min. */
  reopenWindowMs?: number
  /** How often due tickets (breaches, inactive customers) are looked at; default 30 s. */
  dueTicketsMs?: number
  /**
   * How often the outage radar looks without being woken; default 1 min. It catches commits no
   * `wake` was told of (another process's, which that process's own radar sees first anyway).
   */
  outageRadarMs?: number
}

type JobName = 'reopen window' | 'due tickets' | 'outage radar'

interface Job {
  name: JobName
  intervalMs: number
  /** First run at the first tick or wake, not at start. */
  notAtStart?: true
  run(now: number): Promise<{ commit: CommitOutcome | null; summary: Record<string, number> }>
}

/**
 * Runs every job now and then at its interval, and when woken. Runs are one at a time per process
 * (a chain), so a slow run is never overlapped by its own next turn, and a job waiting for its turn
 * is not queued again: wakes during a run make one more run after it, not one each. A failed run
 * is logged and tried next time.
 */
export function startScheduler(options: SchedulerOptions): {
  /** Runs the job soon (the outage radar after a commit). */
  wake(name: JobName): void
  stop(): Promise<void>
} {
  const { db, nextHlc, logger } = options
  const jobs: Job[] = [
    {
      name: 'reopen window',
      intervalMs: options.reopenWindowMs ?? 10 * 60 * 1000,
      run: async (now) => {
        const { closed, commit } = await closeElapsedResolutions(db, now, nextHlc)
        return { commit, summary: { closed: closed.length } }
      },
    },
    {
      name: 'due tickets',
      intervalMs: options.dueTicketsMs ?? 30 * 1000,
      run: async (now) => {
        const { breaches, resolved, commit } = await runDueTickets(db, now, nextHlc)
        return { commit, summary: { breaches: breaches.length, resolvedInactive: resolved.length } }
      },
    },
    {
      name: 'outage radar',
      intervalMs: options.outageRadarMs ?? 60 * 1000,
      // Nothing committed yet that this process could be the first to see.
      notAtStart: true,
      run: async (now) => {
        const { proposals } = await runOutageRadar(db, now, nextHlc)
        // Its proposals reach stations over the live channel as any commit does; handed on as
        // `committed`, they would only wake the radar once more, to find nothing new.
        return { commit: null, summary: { proposals: proposals.length } }
      },
    },
  ]
  let running: Promise<void> = Promise.resolve()
  let stopped = false
  const queued = new Set<JobName>()
  const turn = (job: Job) => {
    if (queued.has(job.name) || stopped) return
    queued.add(job.name)
    running = running.then(async () => {
      queued.delete(job.name)
      if (stopped) return
      try {
        const { commit, summary } = await job.run(options.now())
        if (commit) options.committed(commit)
        if (Object.values(summary).some((n) => n > 0))
          logger.log('info', `scheduler: ${job.name}`, summary)
      } catch (error) {
        logger.log('error', `scheduler: ${job.name} failed`, errorFields(error))
      }
    })
  }
  const timers = jobs.map((job) => {
    if (!job.notAtStart) turn(job)
    const timer = setInterval(() => turn(job), job.intervalMs)
    timer.unref()
    return timer
  })
  return {
    wake(name) {
      const job = jobs.find((j) => j.name === name)
      if (job) turn(job)
    },
    async stop() {
      stopped = true
      for (const timer of timers) clearInterval(timer)
      await running
    },
  }
}
