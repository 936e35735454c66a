/**
 * The supervisors' screens (issue 6) in the desk: one supervisor queue per signed-in supervisor,
 * loaded once and kept live from the store, shared by the Live queue, Metrics and QA review.
 *
 * The screens and the queue are separate chunks, fetched when a supervisor's desk opens (issue
 * 10, item 11): an agent, the most of the floor, starts without them.
 */
import { lazy, Suspense, useEffect, useState } from 'react'
import type { SupervisorQueue } from '../queue/supervisor-queue'
import { useDesk, useSession } from './desk'
import { matches, SHORTCUTS, type ShortcutId } from '../ui/shortcuts'
import type { View } from './nav-store'

export type SupervisorViewName = 'queue' | 'floorView' | 'metrics' | 'calls'

export const SUPERVISOR_VIEWS: {
  view: View & { name: SupervisorViewName }
  label: string
  shortcut: ShortcutId
}[] = [
  { view: { name: 'queue' }, label: 'Live queue', shortcut: 'liveQueue' },
  { view: { name: 'floorView' }, label: 'Floor view', shortcut: 'floorView' },
  { view: { name: 'metrics' }, label: 'Metrics and QA', shortcut: 'metrics' },
  { view: { name: 'calls' }, label: 'Calls', shortcut: 'calls' },
]

const SupervisorScreens = lazy(() => import('./supervisor-screens'))

/** The supervisor's screen a key press asks for, if any. */
export function supervisorShortcut(event: KeyboardEvent): View | null {
  return SUPERVISOR_VIEWS.find((v) => matches(event, SHORTCUTS[v.shortcut].keys))?.view ?? null
}

/**
 * The queue lives as long as the supervisor's desk (the shell is drawn anew at each sign-in, so
 * the role is fixed for its lifetime): switching screens never reloads it. Null until its code
 * has arrived.
 */
export function useSupervisorQueue(supervisor: boolean): SupervisorQueue | null {
  const desk = useDesk()
  const [queue, setQueue] = useState<SupervisorQueue | null>(null)
  useEffect(() => {
    if (!supervisor) return
    let live: SupervisorQueue | null = null
    let gone = false
    void import('../queue/supervisor-queue').then(({ createSupervisorQueue }) => {
      if (gone) return
      live = createSupervisorQueue({ store: desk.store, station: desk.station })
      setQueue(live)
      void live.start()
    })
    // A clicked desktop notification brings its ticket up in the Live queue.
    const off = desk.station.on('notify.clicked', ({ ticketId }) => {
      if (ticketId) desk.nav.getState().go({ name: 'queue' })
    })
    return () => {
      gone = true
      off()
      live?.stop()
    }
  }, [desk, supervisor])
  return queue
}

const loading = <p className="view muted">Loading…</p>

export function SupervisorView({
  name,
  queue,
}: {
  name: SupervisorViewName
  queue: SupervisorQueue | null
}) {
  const agent = useSession((s) => s.user?.role === 'agent')
  if (agent) return <p className="view muted">The supervisors’ screens are for supervisors.</p>
  if (!queue) return loading
  return (
    <Suspense fallback={loading}>
      <SupervisorScreens name={name} queue={queue} />
    </Suspense>
  )
}
