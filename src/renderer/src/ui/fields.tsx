/**
 * Labelled form controls. Every control has a visible label tied to it, and a refusal from the
 * process rules appears under the field it belongs to, announced to screen readers.
 */
import { useId, type ReactNode, type Ref } from 'react'
import { ruleTooltip } from '../../../shared/plain-words'
import type { Refusal } from './rule-errors'

/** What a field can be refused with: plain words, or a rule's refusal with its rule number. */
export type ErrorText = string | Refusal

const textOf = (error: ErrorText) => (typeof error === 'string' ? error : error.text)

/**
 * A refusal under its field, announced. The rule number is the tooltip, so the words say what to
 * do and whoever wonders why can still find the rule.
 */
export function FieldError({ id, error }: { id?: string; error: ErrorText | undefined }) {
  if (!error) return null
  const rule = typeof error === 'string' ? undefined : error.rule
  return (
    <div className="field__error" id={id} role="alert" title={rule ? ruleTooltip(rule) : undefined}>
      {textOf(error)}
    </div>
  )
}

interface ControlProps {
  id: string
  'aria-invalid': boolean
  'aria-describedby': string | undefined
}

interface FieldProps {
  label: string
  error?: ErrorText | undefined
  hint?: ReactNode
  className?: string
  children: (control: ControlProps) => ReactNode
}

export function Field({ label, error, hint, className, children }: FieldProps) {
  const id = useId()
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ')
  return (
    <div className={`field${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': !!error, 'aria-describedby': describedBy || undefined })}
      {hint && (
        <div className="field__hint" id={hintId}>
          {hint}
        </div>
      )}
      <FieldError id={errorId} error={error} />
    </div>
  )
}

interface TextFieldProps {
  label: string
  value: string
  onChange: (value: string) => void
  error?: ErrorText | undefined
  hint?: ReactNode
  type?: 'text' | 'password' | 'email' | 'tel' | 'number' | 'search'
  autoFocus?: boolean
  autoComplete?: string
  placeholder?: string
  className?: string
  inputRef?: Ref<HTMLInputElement>
  min?: number
  onKeyDown?: (event: React.KeyboardEvent<HTMLInputElement>) => void
}

export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  className,
  inputRef,
  type = 'text',
  ...rest
}: TextFieldProps) {
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {(control) => (
        <input
          {...control}
          {...rest}
          ref={inputRef}
          type={type}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  )
}

interface TextAreaProps {
  label: string
  value: string
  onChange: (value: string) => void
  error?: ErrorText | undefined
  hint?: ReactNode
  rows?: number
  className?: string
  autoFocus?: boolean
  textAreaRef?: Ref<HTMLTextAreaElement>
  onKeyDown?: (event: React.KeyboardEvent<HTMLTextAreaElement>) => void
}

export function TextArea({
  label,
  value,
  onChange,
  error,
  hint,
  className,
  textAreaRef,
  rows = 3,
  ...rest
}: TextAreaProps) {
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {(control) => (
        <textarea
          {...control}
          {...rest}
          ref={textAreaRef}
          rows={rows}
          value={value}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
    </Field>
  )
}

export interface Option<T extends string> {
  value: T
  label: string
}

interface SelectFieldProps<T extends string> {
  label: string
  value: T
  options: readonly Option<T>[]
  onChange: (value: T) => void
  error?: ErrorText | undefined
  hint?: ReactNode
  className?: string
  autoFocus?: boolean
  selectRef?: Ref<HTMLSelectElement>
}

export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  error,
  hint,
  className,
  selectRef,
  autoFocus,
}: SelectFieldProps<T>) {
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {(control) => (
        <select
          {...control}
          ref={selectRef}
          autoFocus={autoFocus}
          value={value}
          onChange={(event) => onChange(event.target.value as T)}
        >
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}

interface CheckboxProps {
  label: ReactNode
  checked: boolean
  onChange: (checked: boolean) => void
  error?: ErrorText | undefined
  disabled?: boolean
  className?: string
}

export function Checkbox({ label, checked, onChange, error, disabled, className }: CheckboxProps) {
  const id = useId()
  return (
    <div className={`check${error ? ' field--invalid' : ''}${className ? ` ${className}` : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        aria-invalid={!!error}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => onChange(event.target.checked)}
      />
      <label htmlFor={id}>{label}</label>
      <FieldError id={`${id}-error`} error={error} />
    </div>
  )
}

/** A refusal that belongs to the whole action rather than one field. */
export function FormErrors({ messages }: { messages: readonly ErrorText[] }) {
  if (messages.length === 0) return null
  return (
    <div className="form-errors" role="alert">
      {messages.map((message) => {
        const rule = typeof message === 'string' ? undefined : message.rule
        return (
          <p key={textOf(message)} title={rule ? ruleTooltip(rule) : undefined}>
            {textOf(message)}
          </p>
        )
      })}
    </div>
  )
}
