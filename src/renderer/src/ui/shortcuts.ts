/**
 * The keyboard model of the desk. Every shortcut is declared once here: the handlers bind to
 * these entries and the `?` overlay lists them, so what the overlay promises is what the keys do.
 *
 * Letters and digits are matched by physical key (`event.code`), because with Alt held a layout
 * may produce another character (macOS: Alt+1 types "¡"); everything else by `event.key`.
 */
import { useLayoutEffect, useRef } from 'react'

export type ShortcutGroup = 'Anywhere' | 'Call intake' | 'Ticket' | 'Supervisor' | 'Live queue'

/** Listed only to those who have the supervisors' screens. */
export const SUPERVISOR_GROUPS: readonly ShortcutGroup[] = ['Supervisor', 'Live queue']

export interface Shortcut {
  /** As shown to the user and parsed for matching, e.g. "Ctrl+Enter", "Alt+E", "?". */
  keys: string
  description: string
  group: ShortcutGroup
}

export const SHORTCUTS = {
  help: { keys: '?', description: 'Show or hide these shortcuts', group: 'Anywhere' },
  newCall: { keys: 'Ctrl+N', description: 'New call', group: 'Anywhere' },
  newCallInBrowser: {
    keys: 'Alt+N',
    description: 'New call, in a browser tab (where Ctrl+N opens a window)',
    group: 'Anywhere',
  },
  search: {
    keys: 'Ctrl+K',
    description: 'Find a ticket by number, caller or words',
    group: 'Anywhere',
  },
  myTickets: { keys: 'Alt+M', description: 'My tickets', group: 'Anywhere' },
  floor: { keys: 'Alt+F', description: 'Floor list', group: 'Anywhere' },
  close: { keys: 'Escape', description: 'Close the dialog or overlay', group: 'Anywhere' },
  pickCaller: {
    keys: 'Enter',
    description: 'In the caller box: take the highlighted caller (↑ ↓ to move)',
    group: 'Call intake',
  },
  template: {
    keys: 'Alt+1…9',
    description: 'Apply call template 1–9 (digits alone work in the template list)',
    group: 'Call intake',
  },
  identity: {
    keys: '1…5',
    description: 'In the identity check: tick or untick an item',
    group: 'Call intake',
  },
  caller: { keys: 'Alt+C', description: 'Back to the caller box', group: 'Call intake' },
  logCall: {
    keys: 'Ctrl+Enter',
    description: 'Log the call (shows the ticket number)',
    group: 'Call intake',
  },
  discard: { keys: 'Alt+Backspace', description: 'Discard the draft', group: 'Call intake' },
  tabs: {
    keys: 'Alt+1…5',
    description: 'Details, Assignees, Tech Notes, Customer notes, History',
    group: 'Ticket',
  },
  escalate: { keys: 'Alt+E', description: 'Escalate with warm transfer', group: 'Ticket' },
  returnToOwner: { keys: 'Alt+O', description: 'Return to owner', group: 'Ticket' },
  resolve: { keys: 'Alt+R', description: 'Resolve', group: 'Ticket' },
  hold: { keys: 'Alt+H', description: 'Put on hold, or resume', group: 'Ticket' },
  saveNote: { keys: 'Ctrl+Enter', description: 'In a note: save it', group: 'Ticket' },
  liveQueue: {
    keys: 'Alt+Q',
    description: 'Live queue (the tickets take the keys)',
    group: 'Supervisor',
  },
  floorView: {
    keys: 'Alt+W',
    description: 'Floor view: who is where, on a call or idle',
    group: 'Supervisor',
  },
  metrics: { keys: 'Alt+G', description: 'Metrics and QA (the charts)', group: 'Supervisor' },
  calls: { keys: 'Alt+L', description: 'Calls: the phone system’s log', group: 'Supervisor' },
  queueRows: {
    keys: '↑ ↓',
    description: 'Move through the tickets (Page Up / Down, Home, End jump)',
    group: 'Live queue',
  },
  queueOpen: {
    keys: 'Enter',
    description: 'Open the ticket in the side panel',
    group: 'Live queue',
  },
  queueClose: { keys: 'Escape', description: 'Close the side panel', group: 'Live queue' },
  queueFilters: {
    keys: '/',
    description: 'To the filters (search box first)',
    group: 'Live queue',
  },
  chartBars: {
    keys: '← →',
    description: 'In a chart: move between bars; Enter lists the tickets behind one',
    group: 'Supervisor',
  },
} as const satisfies Record<string, Shortcut>

export type ShortcutId = keyof typeof SHORTCUTS

interface Combo {
  ctrl: boolean
  alt: boolean
  shift: boolean
  /** `KeyN` / `Digit1` for letters and digits, otherwise the `event.key` value. */
  code?: string
  key?: string
}

function parseCombo(keys: string): Combo {
  const parts = keys.split('+')
  const last = parts.pop() ?? ''
  const combo: Combo = {
    ctrl: parts.includes('Ctrl'),
    alt: parts.includes('Alt'),
    shift: parts.includes('Shift'),
  }
  if (/^[A-Z]$/.test(last)) combo.code = `Key${last}`
  else if (/^\d$/.test(last)) combo.code = `Digit${last}`
  else combo.key = last
  return combo
}

/** Whether a key event is the given combination, e.g. `matches(event, 'Ctrl+Enter')`. */
export function matches(event: KeyboardEvent | React.KeyboardEvent, keys: string): boolean {
  const combo = parseCombo(keys)
  // Cmd on macOS plays Ctrl's part; Shift is implied by characters such as "?".
  if ((event.ctrlKey || event.metaKey) !== combo.ctrl || event.altKey !== combo.alt) return false
  if (combo.code) return event.code === combo.code && event.shiftKey === combo.shift
  return event.key === combo.key
}

/** The digit 1–9 of an Alt+digit press, else null. */
export function altDigit(event: KeyboardEvent | React.KeyboardEvent): number | null {
  if (!event.altKey || event.ctrlKey || event.metaKey) return null
  const match = /^Digit([1-9])$/.exec(event.code)
  return match ? Number(match[1]) : null
}

/** A plain key typed into a text field belongs to the field, not to a shortcut. */
export function typingInField(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null
  if (!target) return false
  const tag = target.tagName
  if (tag === 'TEXTAREA' || target.isContentEditable) return true
  if (tag !== 'INPUT') return false
  const type = (target as HTMLInputElement).type
  return !['checkbox', 'radio', 'button', 'submit'].includes(type)
}

/**
 * Binds a handler to window key presses while `enabled`. Combinations with Ctrl or Alt fire even
 * inside text fields (that is their point: the agent never leaves the keyboard); plain keys do not.
 * The handler returns false to let the event through.
 */
export function useKeys(handler: (event: KeyboardEvent) => boolean | void, enabled = true): void {
  const latest = useRef(handler)
  // Layout effects: bound in the same commit that draws the view, so a key pressed the instant
  // the view appears already reaches it.
  useLayoutEffect(() => {
    latest.current = handler
  })
  useLayoutEffect(() => {
    if (!enabled) return
    const listener = (event: KeyboardEvent) => {
      if (event.defaultPrevented) return
      const plain = !event.ctrlKey && !event.altKey && !event.metaKey
      if (plain && !/^(Escape|F\d+)$/.test(event.key) && typingInField(event)) return
      if (latest.current(event) !== false) {
        event.preventDefault()
        event.stopPropagation()
      }
    }
    window.addEventListener('keydown', listener)
    return () => window.removeEventListener('keydown', listener)
  }, [enabled])
}

/** Binds one declared shortcut. */
export function useShortcut(id: ShortcutId, action: () => void, enabled = true): void {
  useKeys((event) => (matches(event, SHORTCUTS[id].keys) ? action() : false), enabled)
}
