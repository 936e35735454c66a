/**
 * WAI-ARIA tabs: one tab stop for the tab list, arrow keys move between tabs, and the panel is
 * labelled by its tab so tests and screen readers find it by name.
 */
import { useId, useRef, type ReactNode, type Ref } from 'react'

export interface TabDef<T extends string> {
  id: T
  label: string
  /** A small count shown beside the label, e.g. the number of notes. */
  badge?: number
}

interface TabsProps<T extends string> {
  label: string
  tabs: readonly TabDef<T>[]
  active: T
  onChange: (id: T) => void
  children: ReactNode
  /** The panel, for a shortcut that switches tab and moves the cursor into it. */
  panelRef?: Ref<HTMLDivElement>
}

export function Tabs<T extends string>({
  label,
  tabs,
  active,
  onChange,
  children,
  panelRef,
}: TabsProps<T>) {
  const base = useId()
  const listRef = useRef<HTMLDivElement>(null)
  const move = (delta: number) => {
    const index = tabs.findIndex((tab) => tab.id === active)
    const next = tabs[(index + delta + tabs.length) % tabs.length]!
    onChange(next.id)
    listRef.current?.querySelector<HTMLElement>(`#${CSS.escape(`${base}-${next.id}`)}`)?.focus()
  }
  return (
    <div className="tabs">
      <div
        role="tablist"
        aria-label={label}
        className="tabs__list"
        ref={listRef}
        onKeyDown={(event) => {
          if (event.key === 'ArrowRight') move(1)
          else if (event.key === 'ArrowLeft') move(-1)
          else return
          event.preventDefault()
        }}
      >
        {tabs.map((tab) => (
          <button
            key={tab.id}
            id={`${base}-${tab.id}`}
            type="button"
            role="tab"
            aria-selected={tab.id === active}
            aria-controls={`${base}-panel`}
            tabIndex={tab.id === active ? 0 : -1}
            className="tabs__tab"
            onClick={() => onChange(tab.id)}
          >
            {tab.label}
            {tab.badge ? <span className="badge">{tab.badge}</span> : null}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        ref={panelRef}
        // Focusable by script only: a panel with no field of its own (History) still takes focus.
        tabIndex={-1}
        id={`${base}-panel`}
        aria-labelledby={`${base}-${active}`}
        className="tabs__panel"
      >
        {children}
      </div>
    </div>
  )
}
