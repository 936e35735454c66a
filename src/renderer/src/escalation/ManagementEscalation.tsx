/**
 * Hierarchical escalation (rule 10): up to the service desk manager, then to the director of IT
 * service management, with a reason. Who holds each role is directory data; the person named is
 * notified on their station. Used on the ticket's Assignees tab and in the queue's side panel.
 */
import { useState } from 'react'
import type { MajorIncidentSettings, Role } from '../../../shared/directory'
import {
  escalateToManagement,
  managerOf,
  mayEscalateTo,
  nextManagementLevel,
} from '../../../shared/incident/major'
import type { CommandContext, CommandResult, RuleError } from '../../../shared/incident/rules'
import type { Ticket } from '../../../shared/incident/ticket'
import { FormErrors, TextField } from '../ui/fields'
import { MANAGEMENT_LEVEL_LABELS } from '../ui/labels'
import { NO_REFUSALS, sortRefusals } from '../ui/rule-errors'

type Record = (
  command: (ctx: CommandContext) => CommandResult,
) => Promise<{ ok: true } | { ok: false; errors: readonly RuleError[] }>

export function ManagementEscalation({
  ticket,
  record,
  settings,
  role,
  userName,
}: {
  ticket: Ticket
  record: Record
  settings: MajorIncidentSettings
  role: Role
  userName(username: string | null): string
}) {
  const [reason, setReason] = useState('')
  const [refusals, setRefusals] = useState(NO_REFUSALS)
  const level = nextManagementLevel(ticket)
  const history = ticket.managementEscalations ?? []
  const working = ticket.state === 'open' || ticket.state === 'on_hold'
  const person = level ? managerOf(settings, level) : null
  const offered = working && level !== null && person !== null && mayEscalateTo(role, level)

  async function submit() {
    if (!level) return
    const result = await record((ctx) =>
      escalateToManagement(ticket, { level, reason }, role, settings, ctx),
    )
    setRefusals(result.ok ? NO_REFUSALS : sortRefusals(result.errors, ['reason']))
    if (result.ok) setReason('')
  }

  if (!offered && history.length === 0) return null
  return (
    <section aria-labelledby={`mgmt-${ticket.id}`} className="mgmt">
      <h3 id={`mgmt-${ticket.id}`}>Management escalation</h3>
      {history.length > 0 && (
        <ul className="qpanel__calls">
          {history.map((e) => (
            <li key={`${e.level}-${e.at}`}>
              {MANAGEMENT_LEVEL_LABELS[e.level]}: {userName(e.to)} — {e.reason} (by {userName(e.by)}
              )
            </li>
          ))}
        </ul>
      )}
      {offered && (
        <form
          aria-label="Escalate to management"
          onSubmit={(event) => {
            event.preventDefault()
            void submit()
          }}
        >
          <TextField
            label={`Why it goes to the ${MANAGEMENT_LEVEL_LABELS[level].toLowerCase()}`}
            value={reason}
            error={refusals.byField.reason}
            onChange={setReason}
          />
          <FormErrors messages={refusals.general} />
          <button type="submit">
            Escalate to {userName(person)} ({MANAGEMENT_LEVEL_LABELS[level].toLowerCase()})
          </button>
        </form>
      )}
    </section>
  )
}
