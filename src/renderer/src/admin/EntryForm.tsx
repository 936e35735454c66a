/**
 * One directory entry's form: the fields of its section, checked with the section's schema
 * before anything is sent; Escape or Cancel closes it without saving.
 */
import { useState } from 'react'
import type { Team } from '../../../shared/directory'
import { Checkbox, SelectField, TextArea, TextField } from '../ui/fields'
import { entryOf, formValues, type FieldSpec, type SectionSpec } from './directory-sections'
import { check, type FieldErrors } from './use-admin'

interface EntryFormProps {
  spec: SectionSpec
  /** Null for a new entry. */
  entry: Record<string, unknown> | null
  teams: readonly Team[]
  busy: boolean
  onSave: (entry: Record<string, unknown> & { id: string }) => Promise<void>
  onDelete: (id: string) => Promise<void>
  onCancel: () => void
}

export function EntryForm({
  spec,
  entry,
  teams,
  busy,
  onSave,
  onDelete,
  onCancel,
}: EntryFormProps) {
  const [values, setValues] = useState(() => formValues(spec, entry as never))
  const [errors, setErrors] = useState<FieldErrors>({})
  const title = entry ? `Edit ${spec.noun} ${String(entry.id)}` : `New ${spec.noun}`
  const set = (key: string, value: string | boolean) => setValues({ ...values, [key]: value })

  function field(f: FieldSpec, first: boolean) {
    const common = { label: f.label, error: errors[f.key], autoFocus: first }
    const value = values[f.key]
    switch (f.kind) {
      case 'block':
        return (
          <TextArea key={f.key} {...common} value={String(value)} onChange={(v) => set(f.key, v)} />
        )
      case 'check':
        return (
          <Checkbox
            key={f.key}
            label={f.label}
            error={errors[f.key]}
            checked={value === true}
            onChange={(v) => set(f.key, v)}
          />
        )
      case 'number':
        return (
          <SelectField
            key={f.key}
            {...common}
            value={String(value)}
            options={f.choices!.map((n) => ({ value: String(n), label: String(n) }))}
            onChange={(v) => set(f.key, v)}
          />
        )
      case 'team':
        return (
          <SelectField
            key={f.key}
            {...common}
            value={String(value)}
            options={[
              { value: '', label: 'Choose a team' },
              ...teams.map((t) => ({ value: t.id, label: t.name })),
            ]}
            onChange={(v) => set(f.key, v)}
          />
        )
      default:
        return (
          <TextField
            key={f.key}
            {...common}
            value={String(value)}
            onChange={(v) => set(f.key, v)}
          />
        )
    }
  }

  return (
    <form
      className="panel"
      aria-label={title}
      onSubmit={(event) => {
        event.preventDefault()
        const checked = check(spec.schema, entryOf(spec, values))
        if (!checked.ok) return setErrors(checked.errors)
        setErrors({})
        void onSave(checked.data as Record<string, unknown> & { id: string })
      }}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return
        event.preventDefault()
        onCancel()
      }}
    >
      <h3>{title}</h3>
      {spec.fields
        // The id names the entry: an existing one keeps it (a new id is a new entry).
        .filter((f) => !(entry && f.key === 'id'))
        .map((f, index) => field(f, index === 0))}
      <div className="form-actions">
        <button type="submit" className="button--primary" disabled={busy}>
          Save {spec.noun}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        {entry && (
          <button type="button" disabled={busy} onClick={() => void onDelete(String(entry.id))}>
            Delete {spec.noun}
          </button>
        )}
      </div>
    </form>
  )
}
