/**
 * Rule 3: account matters need 3 of the 5 identity items verified. Digits 1–5 tick items while
 * the group has focus, so the check costs one key per item.
 */
import { useId, type Ref } from 'react'
import {
  IDENTITY_ITEMS,
  IDENTITY_ITEMS_REQUIRED,
  type IdentityItem,
} from '../../../shared/incident/vocabulary'
import { FieldError, type ErrorText } from '../ui/fields'
import { IDENTITY_LABELS } from '../ui/labels'

interface IdentityCheckProps {
  verified: readonly IdentityItem[]
  onToggle: (item: IdentityItem) => void
  error?: ErrorText | undefined
  groupRef: Ref<HTMLFieldSetElement>
}

export function IdentityCheck({ verified, onToggle, error, groupRef }: IdentityCheckProps) {
  const id = useId()
  const count = new Set(verified).size
  const enough = count >= IDENTITY_ITEMS_REQUIRED
  return (
    <fieldset
      className={`identity${error ? ' field--invalid' : ''}`}
      ref={groupRef}
      aria-describedby={`${id}-count`}
      onKeyDown={(event) => {
        if (event.ctrlKey || event.altKey || event.metaKey) return
        const item = /^[1-5]$/.test(event.key) ? IDENTITY_ITEMS[Number(event.key) - 1] : undefined
        if (!item) return
        event.preventDefault()
        onToggle(item)
      }}
    >
      <legend>Identity check — account matter</legend>
      <div className="identity__items">
        {IDENTITY_ITEMS.map((item, i) => (
          <div className="check" key={item}>
            <input
              id={`${id}-${item}`}
              type="checkbox"
              checked={verified.includes(item)}
              onChange={() => onToggle(item)}
            />
            <label htmlFor={`${id}-${item}`}>{IDENTITY_LABELS[item]}</label>
            <kbd aria-hidden="true">{i + 1}</kbd>
          </div>
        ))}
      </div>
      <p
        id={`${id}-count`}
        className={enough ? 'identity__count ok' : 'identity__count'}
        aria-live="polite"
      >
        {count} of {IDENTITY_ITEMS_REQUIRED} needed verified{enough ? ' ✓' : ''}
      </p>
      <FieldError error={error} />
    </fieldset>
  )
}
