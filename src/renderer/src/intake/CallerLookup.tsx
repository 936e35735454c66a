/**
 * The caller box: a combobox that looks the caller up as the agent types their phone number,
 * name or username. ↑/↓ move, Enter takes the highlighted caller — or, with no match, starts a
 * new caller from what was typed.
 */
import { useEffect, useId, useRef, useState, type Ref } from 'react'
import { useDesk, useIntake, useSession, useSyncStatus } from '../app/desk'
import { phoneDigits } from '../../../shared/incident/search'
import { EMPTY_CALLER, type CallerFields } from './draft'
import { describeCaller, findLocalCallers, findRemoteCallers, mergeCallers } from './caller-lookup'

interface Matches {
  query: string
  callers: CallerFields[]
}

const REMOTE_DELAY_MS = 150

interface CallerLookupProps {
  inputRef: Ref<HTMLInputElement>
  /** The caller was taken from the list. */
  onPicked: () => void
  /** Nothing matched: the agent goes on to type the new caller's details. */
  onNewCaller: (startedWith: 'name' | 'phone') => void
}

export function CallerLookup({ inputRef, onPicked, onNewCaller }: CallerLookupProps) {
  const desk = useDesk()
  const listId = useId()
  const query = useIntake((s) => s.draft?.callerQuery ?? '')
  const online = useSyncStatus((s) => s.status?.connection !== 'offline')
  const signedInOnline = useSession((s) => s.mode === 'online')
  const remote = online && signedInOnline
  const [matches, setMatches] = useState<Matches>({ query: '', callers: [] })
  const [cursor, setCursor] = useState({ query: '', index: 0 })
  /** The query whose list the agent closed (picked, escaped, left): typing opens it again. */
  const [closedFor, setClosedFor] = useState<string | null>(null)
  const latest = useRef({ matches, local: Promise.resolve<CallerFields[]>([]) })

  const shown = closedFor !== query && matches.query === query ? matches.callers : []
  const active = cursor.query === query ? Math.min(cursor.index, Math.max(shown.length - 1, 0)) : 0

  // Looks up whatever the caller box holds: typed, restored from a draft, or a screen pop.
  useEffect(() => {
    const q = query.trim()
    if (!q) {
      latest.current.local = Promise.resolve([])
      return
    }
    let current = true
    const add = (callers: CallerFields[]) => {
      if (!current) return
      const previous = latest.current.matches.query === query ? latest.current.matches.callers : []
      const next = { query, callers: mergeCallers(previous, callers) }
      latest.current.matches = next
      setMatches(next)
    }
    const local = findLocalCallers(desk.store, q)
    latest.current.local = local
    // A failed local lookup (the store closing) shows no local matches; the remote ones may come.
    local.then(add, () => undefined)
    const timer = remote
      ? setTimeout(() => {
          // Offline or refused: the station's own matches stand.
          findRemoteCallers(desk.station, q).then(add, () => undefined)
        }, REMOTE_DELAY_MS)
      : undefined
    return () => {
      current = false
      clearTimeout(timer)
    }
  }, [desk, query, remote])

  function pick(caller: CallerFields) {
    desk.intake.getState().setCaller(caller)
    setClosedFor(query)
    onPicked()
  }

  async function takeHighlighted() {
    const typed = query.trim()
    if (!typed) return
    // Enter can beat the look-up of the last keystroke: the station's own answer is a few ms away.
    await latest.current.local
    const found = latest.current.matches.query === query ? latest.current.matches.callers : []
    const chosen = found[active]
    if (chosen) {
      pick(chosen)
      return
    }
    const isPhone = phoneDigits(typed).length >= 3 && /^[\d\s()+./-]+$/.test(typed)
    desk.intake
      .getState()
      .setCaller({ ...EMPTY_CALLER, ...(isPhone ? { phone: typed } : { name: typed }) })
    setClosedFor(query)
    onNewCaller(isPhone ? 'phone' : 'name')
  }

  const activeId = shown[active] ? `${listId}-${active}` : undefined
  return (
    <div className="lookup">
      <label htmlFor={`${listId}-input`}>Caller (phone, name or username)</label>
      <input
        id={`${listId}-input`}
        ref={inputRef}
        role="combobox"
        aria-expanded={shown.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={activeId}
        autoComplete="off"
        value={query}
        onChange={(event) => desk.intake.getState().update({ callerQuery: event.target.value })}
        onBlur={() => setClosedFor(query)}
        onFocus={() => setClosedFor(null)}
        onKeyDown={(event) => {
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            event.preventDefault()
            setClosedFor(null)
            const step = event.key === 'ArrowDown' ? 1 : -1
            setCursor({
              query,
              index: Math.min(Math.max(active + step, 0), Math.max(shown.length - 1, 0)),
            })
          } else if (event.key === 'Enter' && !event.ctrlKey && !event.metaKey) {
            event.preventDefault()
            void takeHighlighted()
          } else if (event.key === 'Escape' && shown.length > 0) {
            event.preventDefault()
            event.stopPropagation()
            setClosedFor(query)
          }
        }}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label="Matching callers"
        className="lookup__list"
        hidden={shown.length === 0}
      >
        {shown.map((caller, i) => (
          <li
            key={`${caller.callerId}|${caller.name}|${caller.phone}`}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            className="lookup__option"
            // Mouse users: take the caller before the input's blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault()
              pick(caller)
            }}
          >
            {describeCaller(caller)}
          </li>
        ))}
      </ul>
    </div>
  )
}
