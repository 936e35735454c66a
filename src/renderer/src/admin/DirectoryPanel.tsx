/**
 * The directory (issue 12): teams with their warm-transfer contacts and hours, routing guidance,
 * call templates and the priority matrix, edited in forms checked by the server's own schemas
 * before the round trip. A save refreshes this station's copy, so the next escalation's
 * suggestion already follows it; other stations take it in at their next sign-in.
 */
import { useCallback, useEffect, useRef, useState } from 'react'
import type { DirectorySection } from '../../../shared/sync/admin-wire'
import type { DirectorySnapshot } from '../../../shared/station-api'
import { useDesk } from '../app/desk'
import { Tabs } from '../ui/Tabs'
import { PriorityMatrix } from './PriorityMatrix'
import { Outcome } from './Outcome'
import { EntryForm } from './EntryForm'
import { SECTIONS } from './directory-sections'
import { useLoaded, useOutcome } from './use-admin'

type Tab = DirectorySection | 'priority'
const TABS: { id: Tab; label: string }[] = [
  { id: 'teams', label: 'Teams' },
  { id: 'routingGuidance', label: 'Routing guidance' },
  { id: 'templates', label: 'Call templates' },
  { id: 'priority', label: 'Priority matrix' },
]

export function DirectoryPanel() {
  const desk = useDesk()
  const directory = useLoaded(useCallback(() => desk.station.directory.get({}), [desk]))
  const outcome = useOutcome()
  const [tab, setTab] = useState<Tab>('teams')
  const saved = useCallback(async () => {
    await directory.reload()
    await desk.session.getState().refreshDirectory()
  }, [directory, desk])
  return (
    <>
      <Tabs label="Directory section" tabs={TABS} active={tab} onChange={setTab}>
        {directory.error && <p className="form-errors">{directory.error}</p>}
        {directory.data &&
          (tab === 'priority' ? (
            <PriorityMatrix policy={directory.data.policy} outcome={outcome} saved={saved} />
          ) : (
            <Section
              key={tab}
              section={tab}
              directory={directory.data}
              outcome={outcome}
              saved={saved}
            />
          ))}
      </Tabs>
      <Outcome message={outcome.message} />
    </>
  )
}

function Section({
  section,
  directory,
  outcome,
  saved,
}: {
  section: DirectorySection
  directory: DirectorySnapshot
  outcome: ReturnType<typeof useOutcome>
  saved: () => Promise<void>
}) {
  const { station } = useDesk()
  const spec = SECTIONS[section]
  const entries = directory[section] as unknown as Record<string, unknown>[]
  // null: no form; '': a new entry; else the id being edited.
  const [editing, setEditing] = useState<string | null>(null)
  const opener = useRef<string>('')
  const list = useRef<HTMLTableElement>(null)
  const wasEditing = useRef(false)
  useEffect(() => {
    // Closing the form puts focus back on the button that opened it.
    if (editing === null && wasEditing.current) {
      list.current?.parentElement
        ?.querySelector<HTMLElement>(`[data-opener="${CSS.escape(opener.current)}"]`)
        ?.focus()
    }
    wasEditing.current = editing !== null
  }, [editing])
  const open = (id: string) => {
    opener.current = id
    setEditing(id)
  }
  const current = editing ? (entries.find((e) => e.id === editing) ?? null) : null
  return (
    <section aria-labelledby={`${section}-title`}>
      <h2 id={`${section}-title`}>{spec.title}</h2>
      <button type="button" data-opener="" onClick={() => open('')}>
        New {spec.noun}
      </button>
      <table className="table" aria-label={spec.title} ref={list}>
        <thead>
          <tr>
            {spec.columns.map((c) => (
              <th scope="col" key={c}>
                {spec.fields.find((f) => f.key === c)!.label}
              </th>
            ))}
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={String(entry.id)}>
              {spec.columns.map((c) => (
                <td key={c}>{String(entry[c] ?? '')}</td>
              ))}
              <td>
                <button
                  type="button"
                  className="button--small"
                  data-opener={String(entry.id)}
                  onClick={() => open(String(entry.id))}
                >
                  Edit {String(entry.id)}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing !== null && (
        <EntryForm
          key={editing}
          spec={spec}
          entry={current}
          teams={directory.teams}
          busy={outcome.busy}
          onCancel={() => setEditing(null)}
          onSave={async (entry) => {
            const done = await outcome.run(async () => {
              await station.admin.saveDirectory({ [section]: [entry] })
              await saved()
              return `Saved ${spec.noun} ${String(entry.id)}.`
            })
            if (done) setEditing(null)
          }}
          onDelete={async (id) => {
            const done = await outcome.run(async () => {
              await station.admin.deleteDirectoryEntry({ section, id })
              await saved()
              return `Deleted ${spec.noun} ${id}.`
            })
            if (done) {
              opener.current = ''
              setEditing(null)
            }
          }}
        />
      )}
    </section>
  )
}
