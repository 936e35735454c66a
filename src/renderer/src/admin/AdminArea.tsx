/**
 * The Administration area (issue 12, item 6), for administrators: users and sessions, stations,
 * the directory and the audit trail, saved through the server's admin routes. Loaded on demand
 * (Shell.tsx): no one else's desk downloads it.
 */
import { useEffect, useRef, useState } from 'react'
import { useSession } from '../app/desk'
import { Tabs } from '../ui/Tabs'
import { AuditPanel } from './AuditPanel'
import { DirectoryPanel } from './DirectoryPanel'
import { StationsPanel } from './StationsPanel'
import { UsersPanel } from './UsersPanel'

type Tab = 'users' | 'stations' | 'directory' | 'audit'
const TABS: { id: Tab; label: string }[] = [
  { id: 'users', label: 'Users' },
  { id: 'stations', label: 'Stations' },
  { id: 'directory', label: 'Directory' },
  { id: 'audit', label: 'Audit trail' },
]

export default function AdminArea() {
  const admin = useSession((s) => s.user?.role === 'admin')
  const [tab, setTab] = useState<Tab>('users')
  const heading = useRef<HTMLHeadingElement>(null)
  // Arriving here (from the sidebar) puts the keyboard at the top of the area.
  useEffect(() => heading.current?.focus(), [])
  if (!admin) return <p className="view muted">Administration is for administrators.</p>
  return (
    <section className="view admin" aria-labelledby="admin-title">
      <h1 id="admin-title" ref={heading} tabIndex={-1}>
        Administration
      </h1>
      <Tabs label="Administration" tabs={TABS} active={tab} onChange={setTab}>
        {tab === 'users' && <UsersPanel />}
        {tab === 'stations' && <StationsPanel />}
        {tab === 'directory' && <DirectoryPanel />}
        {tab === 'audit' && <AuditPanel />}
      </Tabs>
    </section>
  )
}
