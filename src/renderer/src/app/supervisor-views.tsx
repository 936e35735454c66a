/**
 * The supervisors' views (issue 6) as the shell mounts them. Until they land, each entry holds
 * its place in the navigation with a note, so the shell and its shortcuts do not change later.
 */
import type { ComponentType } from 'react'
import type { View } from './nav-store'

function Pending({ title }: { title: string }) {
  return (
    <section className="view" aria-labelledby="pending-title">
      <h1 id="pending-title">{title}</h1>
      <p className="muted">
        Coming with the supervisors’ live queue. Meanwhile the Floor list shows every open ticket.
      </p>
    </section>
  )
}

export const SUPERVISOR_VIEWS: { view: View; label: string; component: ComponentType }[] = [
  { view: { name: 'queue' }, label: 'Live queue', component: () => <Pending title="Live queue" /> },
  {
    view: { name: 'floorView' },
    label: 'Floor view',
    component: () => <Pending title="Floor view" />,
  },
  { view: { name: 'metrics' }, label: 'Metrics', component: () => <Pending title="Metrics" /> },
]
