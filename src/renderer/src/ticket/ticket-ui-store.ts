/**
 * UI state of the ticket view, per ticket: the open tab, and the Send Email To choice of the
 * Assignees and Notifications tab (rule 6), which applies to the next customer note and is then
 * cleared, so a later note never goes out by accident.
 */
import { createStore } from 'zustand/vanilla'

export type TicketTab = 'details' | 'assignees' | 'tech' | 'customer' | 'history'

export const TICKET_TABS: readonly { id: TicketTab; label: string }[] = [
  { id: 'details', label: 'Details' },
  { id: 'assignees', label: 'Assignees and Notifications' },
  { id: 'tech', label: 'Tech Notes' },
  { id: 'customer', label: 'Customer notes' },
  { id: 'history', label: 'History' },
]

export interface SendEmailTo {
  customer: boolean
  /** As typed: addresses separated by commas or spaces. */
  cc: string
}

export const NO_EMAIL: SendEmailTo = { customer: false, cc: '' }

interface PerTicket {
  tab: TicketTab
  sendEmailTo: SendEmailTo
}

const DEFAULTS: PerTicket = { tab: 'details', sendEmailTo: NO_EMAIL }

export interface TicketUiState {
  tickets: Record<string, PerTicket>
  of(ticketId: string): PerTicket
  setTab(ticketId: string, tab: TicketTab): void
  setSendEmailTo(ticketId: string, sendEmailTo: SendEmailTo): void
}

export function createTicketUiStore() {
  return createStore<TicketUiState>()((set, get) => {
    const patch = (ticketId: string, change: Partial<PerTicket>) =>
      set({ tickets: { ...get().tickets, [ticketId]: { ...get().of(ticketId), ...change } } })
    return {
      tickets: {},
      of: (ticketId) => get().tickets[ticketId] ?? DEFAULTS,
      setTab: (ticketId, tab) => patch(ticketId, { tab }),
      setSendEmailTo: (ticketId, sendEmailTo) => patch(ticketId, { sendEmailTo }),
    }
  })
}

export type TicketUiStore = ReturnType<typeof createTicketUiStore>

/** The CC line as addresses. */
export function ccAddresses(cc: string): string[] {
  return cc
    .split(/[\s,;]+/)
    .map((address) => address.trim())
    .filter(Boolean)
}
