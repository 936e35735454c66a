/**
 * Templates for the common calls, numbered: a digit picks one while the list has focus, Alt+digit
 * from anywhere in the intake.
 */
import type { Ref } from 'react'
import type { CallTemplate } from '../../../shared/directory'

interface TemplatePickerProps {
  templates: readonly CallTemplate[]
  selectedId: string | null
  onPick: (template: CallTemplate) => void
  groupRef: Ref<HTMLDivElement>
}

export function TemplatePicker({ templates, selectedId, onPick, groupRef }: TemplatePickerProps) {
  if (templates.length === 0) {
    return (
      <p className="muted">
        No call templates on this station yet; they arrive with the directory from the central
        server.
      </p>
    )
  }
  const shown = templates.slice(0, 9)
  return (
    <div
      role="radiogroup"
      aria-label="Call template"
      className="templates"
      ref={groupRef}
      tabIndex={-1}
      onKeyDown={(event) => {
        if (event.ctrlKey || event.altKey || event.metaKey) return
        const digit = /^[1-9]$/.test(event.key) ? Number(event.key) : 0
        const template = shown[digit - 1]
        if (!template) return
        event.preventDefault()
        onPick(template)
      }}
    >
      {shown.map((template, i) => (
        <label
          key={template.id}
          className={`template${template.id === selectedId ? ' template--on' : ''}`}
        >
          <input
            type="radio"
            name="call-template"
            checked={template.id === selectedId}
            onChange={() => onPick(template)}
          />
          <kbd aria-hidden="true">{i + 1}</kbd>
          {template.label}
        </label>
      ))}
    </div>
  )
}
