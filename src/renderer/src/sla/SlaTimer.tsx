/**
 * Issue 10.7, the live SLA where the agent works: the time left to the ticket's next target, in My
 * tickets, the floor list and the ticket header. Every timer reads the desk's one ticker, and a
 * timer re-renders only when its text changes. The state is said in words ("At risk", "Breached",
 * "Paused") beside the colour, so colour is never the only cue.
 */
import { useSyncExternalStore } from 'react'
import type { Ticket } from '../../../shared/incident/ticket'
import { useDesk } from '../app/desk'
import {
  formatDuration,
  hasBreached,
  pausedLeftMs,
  slaOf,
  TARGET_LABELS,
  type SlaStatus,
} from '../queue/sla'
import './sla.css'

/** A value derived from the desk's clock; the component re-renders only when it changes. */
export function useDeskTicking<T extends string | number | boolean>(derive: (now: number) => T): T {
  const { ticker } = useDesk()
  return useSyncExternalStore(ticker.subscribe, () => derive(ticker.now()))
}

type Tone = SlaStatus | 'paused' | 'none'

export interface SlaText {
  tone: Tone
  /** The state in words: what a screen reader and a colour-blind agent go by. */
  label: string
  /** "Resolution in 1 h 05 min", "First assignment 4:12 over", "1 h 20 min left". */
  detail: string
}

const TONE_LABELS: Record<Tone, string> = {
  ok: 'On track',
  at_risk: 'At risk',
  breached: 'Breached',
  paused: 'Paused',
  none: 'No target running',
}

/** What the timer says about `ticket` at `now` (pure: the tests pin `now`). */
export function slaText(ticket: Ticket, now: number): SlaText {
  const paused = pausedLeftMs(ticket)
  const sla = slaOf(ticket, now)
  if (sla.target) {
    const target = TARGET_LABELS[sla.target.kind]
    const detail =
      sla.remainingMs < 0
        ? `${target} ${formatDuration(-sla.remainingMs)} over`
        : `${target} in ${formatDuration(sla.remainingMs)}`
    return { tone: sla.status, label: TONE_LABELS[sla.status], detail }
  }
  if (paused !== null)
    return { tone: 'paused', label: TONE_LABELS.paused, detail: `${formatDuration(paused)} left` }
  // Met or closed: a breach the server recorded stays visible.
  if (hasBreached(ticket, now)) return { tone: 'breached', label: 'Breached', detail: 'recorded' }
  return { tone: 'none', label: TONE_LABELS.none, detail: '' }
}

export function SlaTimer({ ticket, long = false }: { ticket: Ticket; long?: boolean }) {
  const text = useDeskTicking((now) => JSON.stringify(slaText(ticket, now)))
  const { tone, label, detail } = JSON.parse(text) as SlaText
  if (tone === 'none') return <span className="muted">—</span>
  return (
    <span
      className={`sla-timer sla-timer--${tone}`}
      {...(long ? { role: 'timer', 'aria-label': 'SLA' } : {})}
    >
      <span className="sla-timer__label">{label}</span>
      {detail && (
        <span className="sla-timer__detail">
          {long ? ' · ' : ' '}
          {detail}
        </span>
      )}
    </span>
  )
}
