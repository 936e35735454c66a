/**
 * Calls left before they were logged (a caller who hung up, a call put aside for the next one):
 * listed with who and how long ago, to take up again or throw away. A new call never reopens one.
 */
import { useId } from 'react'
import { flushSync } from 'react-dom'
import { useDesk, useIntake } from '../app/desk'
import { formatAgo, useNow } from '../ui/time'
import { draftCaller } from './draft'
import './unfinished.css'

interface UnfinishedCallsProps {
  /** Where the cursor goes once the last unfinished call is discarded. */
  onEmptied: () => void
}

export function UnfinishedCalls({ onEmptied }: UnfinishedCallsProps) {
  const desk = useDesk()
  const unfinished = useIntake((s) => s.unfinished)
  const now = useNow(30_000)
  const headingId = useId()
  if (unfinished.length === 0) return null

  const resumeId = (draftId: string) => `${headingId}-resume-${draftId}`
  const discard = (index: number) => {
    const next = unfinished[index + 1] ?? unfinished[index - 1]
    flushSync(() => desk.intake.getState().discardUnfinished(unfinished[index]!.id))
    // The cursor stays in the list while there is one, so a run of discards is a run of keys.
    if (next) document.getElementById(resumeId(next.id))?.focus()
    else onEmptied()
  }

  return (
    <section className="unfinished" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {unfinished.length === 1 ? '1 unfinished call' : `${unfinished.length} unfinished calls`}
      </h2>
      <ul>
        {unfinished.map((draft, index) => {
          const who = draftCaller(draft)
          const ago = formatAgo(draft.startedAt, now)
          return (
            <li key={draft.id}>
              <span className="unfinished__who">{who}</span>{' '}
              <span className="muted">started {ago}</span>
              <button
                type="button"
                id={resumeId(draft.id)}
                aria-label={`Resume the call with ${who}, started ${ago}`}
                onClick={() => desk.intake.getState().resume(draft.id)}
              >
                Resume
              </button>
              <button
                type="button"
                aria-label={`Discard the call with ${who}, started ${ago}`}
                onClick={() => discard(index)}
              >
                Discard
              </button>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
