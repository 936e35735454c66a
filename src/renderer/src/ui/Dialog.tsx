/**
 * A modal dialog on the native <dialog> element: the browser traps focus, makes the rest of the
 * window inert and closes on Escape, and assistive technology knows it as a dialog.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react'

interface DialogProps {
  title: string
  onClose: () => void
  children: ReactNode
  /** Wide dialogs hold two columns (escalation shows the team's contact beside the form). */
  wide?: boolean
}

export function Dialog({ title, onClose, children, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    if (!dialog.open) dialog.showModal()
    // showModal focuses the first focusable element, the header's close button: start in the form.
    dialog.querySelector<HTMLElement>('.dialog__body :is(input, select, textarea, button)')?.focus()
    return () => dialog.close()
  }, [])
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog--wide' : ''}`}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: let React own the open state instead of the element closing itself.
        event.preventDefault()
        onClose()
      }}
    >
      <header className="dialog__header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="button--quiet" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="dialog__body">{children}</div>
    </dialog>
  )
}
