/**
 * Always on screen: is this station online, how much work waits to reach the server, when it last
 * synced, and any problem in plain words (a clock far off, an event the server refused and why).
 * A user whose sign-in the server no longer takes is asked to sign in again right here, and events
 * set aside because the server kept failing on them can be sent again from here.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { useEffect } from 'react'
import { useDesk, useSession, useSyncStatus } from '../app/desk'
import { SignInAgain } from '../session/SignInAgain'
import { EVENT_LABELS } from '../ui/labels'
import { formatAgo, useNow } from '../ui/time'

/** Keeps the sync status store current: asked once, then pushed by main on every change. */
export function useSyncStatusFeed(): void {
  const desk = useDesk()
  useEffect(() => {
    const set = desk.syncStatus.getState().set
    const unsubscribe = desk.station.on('sync.status', set)
    desk.station.sync.status({}).then(set, () => undefined)
    return unsubscribe
  }, [desk])
}

/**
 * A new station loads its history in the background after the open tickets (issue 13): how far
 * it got, until the store holds all of it and search reaches all of it. The words come after the
 * rows (store/bootstrap-writes.ts), so for a while a ticket opens by number but is not yet found
 * by name or title; the bar says so.
 */
function HistoryProgress() {
  const desk = useDesk()
  const state = useLiveQuery(() => desk.store.bootstrapState(), [desk.store], null)
  if (!state || state.phase === 'done') return null
  if (state.phase === 'open') return <span role="status">Loading the open tickets…</span>
  if (state.phase === 'openWords')
    return <span role="status">Open tickets loaded; search is catching up…</span>
  return state.phase === 'history' ? (
    <Progress name="Loading history" done={state.loaded} total={state.total} />
  ) : (
    <Progress name="Indexing history for search" done={state.searchable ?? 0} total={state.total} />
  )
}

function Progress({ name, done, total }: { name: string; done: number; total: number }) {
  // Before the server's count arrives the bar is indeterminate rather than "0 of 0".
  const counted = total > 0
  const shown = Math.min(done, total)
  const label = counted
    ? `${name}: ${shown.toLocaleString('en')} of ${total.toLocaleString('en')} tickets`
    : `${name}…`
  // The live region speaks in tenths: a chunk lands several times a second, and a screen reader
  // reading every count would talk over the call. The exact count is on screen and in the bar.
  const tenths = counted ? Math.floor((10 * shown) / total) : 0
  return (
    <span className="status-bar__history">
      <progress
        aria-label={name}
        aria-valuetext={label}
        {...(counted ? { max: total, value: shown } : {})}
      />
      <span aria-hidden="true">{label}</span>
      <span role="status" className="visually-hidden">
        {counted ? `${name}: ${tenths * 10} percent` : `${name}…`}
      </span>
    </span>
  )
}

const CONNECTION_LABELS = { online: 'Online', offline: 'Offline', syncing: 'Syncing' } as const

export function StatusBar() {
  const desk = useDesk()
  const status = useSyncStatus((s) => s.status)
  const user = useSession((s) => s.user)
  const stationCode = useSession((s) => s.stationCode)
  const now = useNow(5000)
  const waiting = useLiveQuery(() => desk.store.pendingCount(), [desk.store], 0)
  const refused = useLiveQuery(() => desk.store.rejectedEvents(3), [desk.store], [])

  const connection = status?.connection ?? 'offline'
  const problems = [
    status?.clockWarning,
    status?.lastError,
    ...refused.map(
      (event) =>
        `The server refused a ${EVENT_LABELS[event.type].toLowerCase()} event: ${event.rejection?.reason ?? 'no reason given'}.`,
    ),
  ].filter((p): p is string => !!p)

  return (
    <footer className="status-bar" aria-label="Station status">
      <span
        className={`status-bar__connection status-bar__connection--${connection}`}
        role="status"
      >
        <span className="dot" aria-hidden="true" />
        {CONNECTION_LABELS[connection]}
      </span>
      <span aria-label="Events waiting to sync">
        {waiting === 0
          ? 'Everything synced'
          : `${waiting} event${waiting === 1 ? '' : 's'} waiting to sync`}
        {status && status.waitingForSignIn > 0
          ? ` (${status.waitingForSignIn} wait for their author to sign in)`
          : ''}
      </span>
      <span className="muted">
        Last sync {status?.lastSyncAt ? formatAgo(status.lastSyncAt, now) : 'not yet'}
      </span>
      {connection === 'offline' && (
        <button
          type="button"
          className="button--small"
          onClick={() =>
            void desk.station.sync
              .retryNow({})
              .then(desk.syncStatus.getState().set, () => undefined)
          }
        >
          Retry now
        </button>
      )}
      {status && status.setAside > 0 && (
        <button
          type="button"
          className="button--small"
          onClick={() =>
            void desk.station.sync
              .sendSetAsideAgain({})
              .then(desk.syncStatus.getState().set, () => undefined)
          }
        >
          Send {status.setAside} set-aside event{status.setAside === 1 ? '' : 's'} again
        </button>
      )}
      <HistoryProgress />
      <SignInAgain />
      <span className="status-bar__problems" role="alert">
        {problems.join(' · ')}
      </span>
      <span className="status-bar__who">
        {user ? `${user.displayName} (${user.role})` : ''}
        {stationCode ? ` · station ${stationCode}` : ''}
      </span>
    </footer>
  )
}
