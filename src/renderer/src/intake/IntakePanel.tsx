/**
 * Call intake, keyboard-first. The shortest path for a templated call:
 *   Ctrl+N · type the caller's phone or name · Enter · template digit · Ctrl+Enter
 * which is 8 keystrokes with a four-character look-up (11 with a 3-item identity check).
 */
import { useLiveQuery } from 'dexie-react-hooks'
import { useEffect, useRef } from 'react'
import { flushSync } from 'react-dom'
import type { CallTemplate } from '../../../shared/directory'
import {
  SOURCES,
  TICKET_KINDS,
  type Level,
  type Source,
  type TicketKind,
} from '../../../shared/incident/vocabulary'
import { useDesk, useIntake } from '../app/desk'
import { Checkbox, SelectField, TextArea, TextField } from '../ui/fields'
import { IMPACT_OPTIONS, KIND_LABELS, SOURCE_LABELS, URGENCY_OPTIONS } from '../ui/labels'
import { altDigit, matches, SHORTCUTS, useKeys } from '../ui/shortcuts'
import { formatElapsed, useNow } from '../ui/time'
import { CallerContext } from './CallerContext'
import { CallerLookup } from './CallerLookup'
import { type CallerFields, type IntakeDraft } from './draft'
import { IdentityCheck } from './IdentityCheck'
import { LogCallFooter } from './LogCall'
import { PriorityPreview } from './PriorityPreview'
import { TemplatePicker } from './TemplatePicker'
import { UnfinishedCalls } from './UnfinishedCalls'

const SOURCE_OPTIONS = SOURCES.map((value) => ({ value, label: SOURCE_LABELS[value] }))
const KIND_OPTIONS = TICKET_KINDS.map((value) => ({ value, label: KIND_LABELS[value] }))

const CALLER_FIELDS: {
  key: Exclude<keyof CallerFields, 'callerId'>
  label: string
  type?: 'email' | 'tel'
}[] = [
  { key: 'name', label: 'Caller name' },
  { key: 'phone', label: 'Phone', type: 'tel' },
  { key: 'email', label: 'Email', type: 'email' },
  { key: 'username', label: 'Username' },
  { key: 'department', label: 'Department' },
  { key: 'role', label: 'Role' },
]

export function IntakePanel() {
  const desk = useDesk()
  const draft = useIntake((s) => s.draft)
  const logged = useIntake((s) => s.logged)
  const newCallButton = useRef<HTMLButtonElement>(null)
  if (!draft) {
    return (
      <section className="view intake-idle" aria-labelledby="intake-title">
        <h1 id="intake-title">Call intake</h1>
        {logged && <LoggedBanner number={logged.ticket.number} ticketId={logged.ticket.id} />}
        <p>
          No call in progress. <kbd>{SHORTCUTS.newCall.keys}</kbd> starts one.
        </p>
        <button
          type="button"
          className="button--primary"
          ref={newCallButton}
          onClick={() => desk.intake.getState().start(Date.now())}
        >
          New call
        </button>
        <UnfinishedCalls onEmptied={() => newCallButton.current?.focus()} />
      </section>
    )
  }
  // Its own form per call: nothing the form holds (the look-up's list, say) outlives its call.
  return <IntakeForm key={draft.id} draft={draft} />
}

function LoggedBanner({ number, ticketId }: { number: string; ticketId: string }) {
  const desk = useDesk()
  return (
    <div className="logged" role="status">
      Logged as <strong className="ticket-number">{number}</strong> — read it to the caller.{' '}
      <button
        type="button"
        className="link"
        onClick={() => desk.nav.getState().openTicket(ticketId)}
      >
        Open {number}
      </button>
    </div>
  )
}

function IntakeForm({ draft }: { draft: IntakeDraft }) {
  const desk = useDesk()
  const refusals = useIntake((s) => s.refusals)
  const savedAt = useIntake((s) => s.savedAt)
  const saving = useIntake((s) => s.saving)
  const saveError = useIntake((s) => s.saveError)
  const focusCallerRequest = useIntake((s) => s.focusCallerRequest)
  // By label, so a template keeps its digit however the directory orders or names its ids.
  const templates = useLiveQuery(
    async () => (await desk.store.templates()).sort((a, b) => a.label.localeCompare(b.label)),
    [desk.store],
    [] as CallTemplate[],
  )
  const policy = desk.store.priorityPolicy()

  const callerInput = useRef<HTMLInputElement>(null)
  const callerFieldRefs = useRef<Partial<Record<string, HTMLInputElement | null>>>({})
  const templateGroup = useRef<HTMLDivElement>(null)
  const identityGroup = useRef<HTMLFieldSetElement>(null)
  const description = useRef<HTMLTextAreaElement>(null)

  const intake = () => desk.intake.getState()
  // A draft is discarded to take the next call: an empty form, the cursor in the caller box.
  const discard = () => {
    intake().discard()
    intake().start(Date.now())
  }
  const update = (patch: Partial<IntakeDraft>) => intake().update(patch)

  useEffect(() => {
    callerInput.current?.focus()
  }, [focusCallerRequest])

  const focusTemplates = () => {
    const group = templateGroup.current
    const radio =
      group?.querySelector<HTMLInputElement>('input:checked') ?? group?.querySelector('input')
    if (radio) radio.focus()
    else description.current?.focus()
  }
  const focusAfterTemplate = (template: CallTemplate) => {
    if (template.accountMatter) {
      identityGroup.current?.querySelector('input')?.focus()
      return
    }
    // At the end of the template's text: the agent's notes follow its prompts.
    const field = description.current
    field?.focus()
    field?.setSelectionRange(field.value.length, field.value.length)
  }
  const pickTemplate = (template: CallTemplate) => {
    // Drawn at once, so the identity group exists and the very next key lands where focus goes.
    flushSync(() => intake().applyTemplate(template))
    focusAfterTemplate(template)
  }
  const afterCaller = () => {
    const current = intake().draft
    const chosen = templates.find((t) => t.id === current?.templateId)
    if (chosen) focusAfterTemplate(chosen)
    else focusTemplates()
  }

  useKeys((event) => {
    const digit = altDigit(event)
    if (digit !== null) {
      const template = templates[digit - 1]
      if (!template) return false
      pickTemplate(template)
      return
    }
    if (matches(event, SHORTCUTS.caller.keys)) callerInput.current?.focus()
    else if (matches(event, SHORTCUTS.discard.keys)) discard()
    else return false
  })

  const error = (field: string) => refusals.byField[field]
  const setCallerField = (key: keyof CallerFields, value: string) =>
    intake().setCaller({ ...draft.caller, [key]: value })

  return (
    <section className="view intake" aria-labelledby="intake-title">
      <header className="intake__header">
        <h1 id="intake-title">New call</h1>
        <CallTimer startedAt={draft.startedAt} />
        <SelectField<Source>
          label="Source"
          className="field--inline"
          value={draft.source}
          options={SOURCE_OPTIONS}
          onChange={(source) => update({ source })}
        />
        <SelectField<TicketKind>
          label="Type"
          className="field--inline"
          value={draft.kind}
          options={KIND_OPTIONS}
          error={error('kind')}
          onChange={(kind) => update({ kind })}
        />
        <span className="muted save-state" aria-live="polite">
          {saveError
            ? `Draft not saved: ${saveError}`
            : saving
              ? 'Saving draft…'
              : savedAt
                ? 'Draft saved'
                : ''}
        </span>
      </header>
      <UnfinishedCalls onEmptied={() => callerInput.current?.focus()} />

      <div className="intake__grid">
        <div className="intake__caller">
          <CallerLookup
            inputRef={callerInput}
            onPicked={afterCaller}
            onNewCaller={(startedWith) =>
              callerFieldRefs.current[startedWith === 'phone' ? 'name' : 'phone']?.focus()
            }
          />
          <div className="caller-fields">
            {CALLER_FIELDS.map(({ key, label, type }) => (
              <TextField
                key={key}
                label={label}
                type={type ?? 'text'}
                value={draft.caller[key]}
                error={error(`caller.${key}`)}
                inputRef={(element) => {
                  callerFieldRefs.current[key] = element
                }}
                onChange={(value) => setCallerField(key, value)}
              />
            ))}
          </div>
          <CallerContext
            draft={draft}
            nowMs={draft.startedAt}
            onLink={(parentTicketId) => update({ parentTicketId })}
          />
        </div>

        <div className="intake__call">
          <TemplatePicker
            templates={templates}
            selectedId={draft.templateId}
            onPick={pickTemplate}
            groupRef={templateGroup}
          />
          <TextField
            label="Title"
            value={draft.title}
            error={error('title')}
            onChange={(title) => update({ title })}
          />
          <TextArea
            label="Description"
            rows={3}
            value={draft.description}
            error={error('description')}
            textAreaRef={description}
            onChange={(value) => update({ description: value })}
          />
          <div className="row">
            <TextField
              label="Service"
              value={draft.service}
              error={error('service')}
              onChange={(service) => update({ service })}
            />
            <TextField
              label="Category"
              value={draft.category}
              error={error('category')}
              onChange={(category) => update({ category })}
            />
            <TextField
              label="Subcategory"
              value={draft.subcategory}
              error={error('subcategory')}
              onChange={(subcategory) => update({ subcategory })}
            />
          </div>
          <div className="row row--priority">
            <SelectField
              label="Impact"
              value={`${draft.impact}`}
              options={IMPACT_OPTIONS}
              onChange={(value) => update({ impact: Number(value) as Level })}
            />
            <SelectField
              label="Urgency"
              value={`${draft.urgency}`}
              options={URGENCY_OPTIONS}
              onChange={(value) => update({ urgency: Number(value) as Level })}
            />
            <PriorityPreview
              receivedAt={draft.startedAt}
              impact={draft.impact}
              urgency={draft.urgency}
              policy={policy}
              nowMs={draft.startedAt}
            />
          </div>
          <div className="row">
            <Checkbox
              label="Priority increase (time-sensitive)"
              checked={draft.priorityIncrease}
              onChange={(priorityIncrease) => update({ priorityIncrease })}
            />
            <Checkbox
              label="Account matter (needs identity check)"
              checked={draft.accountMatter}
              onChange={(accountMatter) => update({ accountMatter })}
            />
          </div>
          {draft.accountMatter && (
            <IdentityCheck
              verified={draft.identity}
              error={error('identityCheck')}
              onToggle={(item) => intake().toggleIdentity(item)}
              groupRef={identityGroup}
            />
          )}
          {draft.kind !== 'incident' && (
            <TextField
              label="Why this is not an incident"
              value={draft.reclassifyReason}
              error={error('reclassifyReason')}
              onChange={(reclassifyReason) => update({ reclassifyReason })}
            />
          )}
        </div>
      </div>

      <LogCallFooter onDiscard={discard} />
    </section>
  )
}

/** Its own component, so the ticking second redraws the timer and not the whole form. */
function CallTimer({ startedAt }: { startedAt: number }) {
  const now = useNow(1000)
  return (
    <span className="timer" aria-label="Call timer">
      {formatElapsed(now - startedAt)}
    </span>
  )
}
