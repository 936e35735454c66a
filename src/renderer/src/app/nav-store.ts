/**
 * Where the agent is: the open view, the dialog on top of it, and the shortcut overlay.
 * One place, so a shortcut anywhere can move the agent and a test can put the app anywhere.
 */
import { createStore } from 'zustand/vanilla'

export type View =
  | { name: 'intake' }
  | { name: 'ticket'; ticketId: string }
  | { name: 'mine' }
  | { name: 'floor' }
  | { name: 'notifications' }
  | { name: 'search'; query: string }
  | { name: 'queue' }
  | { name: 'floorView' }
  | { name: 'metrics' }
  | { name: 'calls' }
  | { name: 'admin' }

export type TicketDialog =
  | 'escalate'
  | 'resolve'
  | 'reopen'
  | 'close'
  | 'reclassify'
  | 'hold'
  | 'contact'
  | 'redact'
  | 'parent'

export interface NavState {
  view: View
  /** `noteId`: the note a note-level dialog (redact) works on. */
  dialog: { kind: TicketDialog; ticketId: string; noteId?: string } | null
  shortcutsOpen: boolean
  go(view: View): void
  openTicket(ticketId: string): void
  openDialog(kind: TicketDialog, ticketId: string, noteId?: string): void
  closeDialog(): void
  toggleShortcuts(open?: boolean): void
}

export function createNavStore(initial: View = { name: 'mine' }) {
  return createStore<NavState>()((set, get) => ({
    view: initial,
    dialog: null,
    shortcutsOpen: false,
    go: (view) => set({ view, dialog: null }),
    openTicket: (ticketId) => set({ view: { name: 'ticket', ticketId }, dialog: null }),
    openDialog: (kind, ticketId, noteId) =>
      set({ dialog: noteId ? { kind, ticketId, noteId } : { kind, ticketId } }),
    closeDialog: () => set({ dialog: null }),
    toggleShortcuts: (open) => set({ shortcutsOpen: open ?? !get().shortcutsOpen }),
  }))
}

export type NavStore = ReturnType<typeof createNavStore>
