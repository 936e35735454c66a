/**
 * A modal dialog on the native <dialog> element: the browser makes the rest of the window inert
 * and closes on Escape, and assistive technology knows it as a dialog. Every dialog of the desk
 * is one of these, so what focus does around a dialog is decided here once:
 * - it starts in the form, not on the header's close button;
 * - Tab and Shift+Tab cycle inside it (the browser would step out to the document at the ends);
 * - when it closes, however it closes, focus goes back to what had it when the dialog opened.
 */
import { useId, useLayoutEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'
import { focusables } from './focus'

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
  // A layout effect: its cleanup runs while the dialog is still in the document, before React
  // removes it, so focus can be handed back before it would fall to <body>.
  useLayoutEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null
    if (!dialog.open) dialog.showModal()
    dialog.querySelector<HTMLElement>('.dialog__body :is(input, select, textarea, button)')?.focus()
    return () => {
      dialog.close()
      if (opener && opener !== document.body && opener.isConnected) opener.focus()
    }
  }, [])
  const trapTab = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== 'Tab' || event.ctrlKey || event.altKey || event.metaKey) return
    const all = focusables(event.currentTarget)
    const first = all[0]
    const last = all[all.length - 1]
    if (!first || !last) return
    const active = document.activeElement
    const inside = active instanceof Node && event.currentTarget.contains(active)
    if (event.shiftKey && (active === first || !inside)) last.focus()
    else if (!event.shiftKey && (active === last || !inside)) first.focus()
    else return
    event.preventDefault()
  }
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' dialog--wide' : ''}`}
      aria-labelledby={titleId}
      onKeyDown={trapTab}
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
