/** Where keyboard focus can go, for the few places the desk moves it on the agent's behalf. */

const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]'

/** The elements inside `root` that Tab stops at, in document order. */
export function focusables(root: ParentNode | null): HTMLElement[] {
  if (!root) return []
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) =>
      element.tabIndex >= 0 &&
      !element.matches(':disabled') &&
      !element.closest('[hidden], [inert]') &&
      // Radios of one group are one stop: only the checked one, or the first if none is.
      !(element instanceof HTMLInputElement && element.type === 'radio' && !tabStopRadio(element)),
  )
}

function tabStopRadio(radio: HTMLInputElement): boolean {
  const group = radio.name
    ? [
        ...radio.ownerDocument.querySelectorAll<HTMLInputElement>(
          `input[type=radio][name="${CSS.escape(radio.name)}"]`,
        ),
      ]
    : [radio]
  return radio.checked || (!group.some((r) => r.checked) && group[0] === radio)
}

/** Puts the cursor in the first field of `root`, or on `root` itself when it has none. */
export function focusFirstIn(root: HTMLElement | null): void {
  ;(focusables(root)[0] ?? root)?.focus()
}

/** True when no element holds focus: a key pressed now would reach nothing in particular. */
export function focusIsLost(): boolean {
  const active = document.activeElement
  return active === null || active === document.body
}
