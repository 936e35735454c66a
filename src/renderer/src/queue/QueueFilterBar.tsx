/**
 * The queue's filters: toggle buttons (aria-pressed) grouped by dimension — any of the values
 * within a group, all groups together — a team list, and a search box. Each change re-queries
 * the in-memory model; nothing is read from the store.
 */
import type { Ref } from 'react'
import { useStore } from 'zustand'
import type { Priority } from '../../../shared/incident/vocabulary'
import { ruleTooltip } from '../../../shared/plain-words'
import { SLA_LABELS } from './columns'
import { useQueueEnv } from './context'
import { NO_FILTERS, QUEUE_FLAGS, type QueueFilters, type QueueFlag } from './model'
import { AGING_BUCKETS, type SlaStatus } from './sla'
import type { QueueViewStore } from './view-store'

export const FLAG_LABELS: Record<QueueFlag, string> = {
  unassigned: 'Unassigned',
  bounced: 'Bounced between teams',
  returned: 'Returned to the CSC',
  major: 'Major incidents and their calls',
  unsynced: 'Not yet synced',
}

/** The process rule behind a chip, for its tooltip: the chip itself says what it shows. */
const FLAG_RULES: Partial<Record<QueueFlag, string>> = {
  bounced: `${ruleTooltip('rule 5')}: reassigned between teams twice or more`,
  returned: `${ruleTooltip('rule 7')}: a second-level team sent it back to the CSC`,
  major: `${ruleTooltip('rule 10')}: a parent incident and the calls linked to it`,
}

const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4']
const SLA_FILTERS: readonly SlaStatus[] = ['at_risk', 'breached']

function Toggles<T extends string>({
  label,
  values,
  selected,
  labels,
  titles,
  onToggle,
}: {
  label: string
  values: readonly T[]
  selected: readonly T[]
  labels: (value: T) => string
  /** A tooltip per value, where there is more to say than the label. */
  titles?: (value: T) => string | undefined
  onToggle: (value: T) => void
}) {
  return (
    <div role="group" aria-label={label} className="qfilters__group">
      <span className="qfilters__label" aria-hidden="true">
        {label}
      </span>
      {values.map((value) => (
        <button
          key={value}
          type="button"
          className="chip"
          aria-pressed={selected.includes(value)}
          title={titles?.(value)}
          onClick={() => onToggle(value)}
        >
          {labels(value)}
        </button>
      ))}
    </div>
  )
}

const isFiltered = (filters: QueueFilters) =>
  (Object.keys(NO_FILTERS) as (keyof QueueFilters)[]).some((key) => filters[key].length > 0)

export function QueueFilterBar({
  viewStore,
  searchRef,
}: {
  viewStore: QueueViewStore
  searchRef?: Ref<HTMLInputElement>
}) {
  const filters = useStore(viewStore, (s) => s.filters)
  const idsFrom = useStore(viewStore, (s) => s.idsFrom)
  const { toggleFilter, setText, clearFilters } = viewStore.getState()
  const { directory } = useQueueEnv()
  const teams = [...directory.teams].sort((a, b) => a.name.localeCompare(b.name))
  return (
    <div className="qfilters" role="search" aria-label="Queue filters">
      <label className="qfilters__search">
        <span className="visually-hidden">Find in the queue</span>
        <input
          ref={searchRef}
          type="search"
          placeholder="Find: number, title, caller, owner…"
          value={filters.text}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      <Toggles
        label="Priority"
        values={PRIORITIES}
        selected={filters.priorities}
        labels={(p) => p}
        onToggle={(p) => toggleFilter('priorities', p)}
      />
      <Toggles
        label="SLA"
        values={SLA_FILTERS}
        selected={filters.sla}
        labels={(s) => SLA_LABELS[s]}
        onToggle={(s) => toggleFilter('sla', s)}
      />
      <Toggles
        label="Age"
        values={AGING_BUCKETS.map((b) => b.id)}
        selected={filters.aging}
        labels={(id) => AGING_BUCKETS.find((b) => b.id === id)!.label}
        onToggle={(id) => toggleFilter('aging', id)}
      />
      <Toggles
        label="Show only"
        values={QUEUE_FLAGS}
        selected={filters.flags}
        labels={(flag) => FLAG_LABELS[flag]}
        titles={(flag) => FLAG_RULES[flag]}
        onToggle={(flag) => toggleFilter('flags', flag)}
      />
      <details className="qfilters__teams">
        <summary>Teams{filters.teams.length > 0 ? ` (${filters.teams.length})` : ''}</summary>
        <fieldset>
          <legend className="visually-hidden">Teams</legend>
          {teams.map((team) => (
            <label key={team.id} className="check">
              <input
                type="checkbox"
                checked={filters.teams.includes(team.id)}
                onChange={() => toggleFilter('teams', team.id)}
              />
              {team.name}
            </label>
          ))}
        </fieldset>
      </details>
      {filters.ids.length > 0 && (
        <p className="qfilters__from" role="status">
          Showing the {filters.ids.length} ticket{filters.ids.length === 1 ? '' : 's'} behind the
          chart’s bar “{idsFrom ?? 'chosen'}”
        </p>
      )}
      {isFiltered(filters) && (
        <button type="button" className="button--quiet" onClick={clearFilters}>
          Clear filters
        </button>
      )}
    </div>
  )
}
