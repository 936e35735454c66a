/** Shows the ticket dialog the navigation asks for, over whatever view is open. */
import { useLiveQuery } from 'dexie-react-hooks'
import { EscalationDialog } from '../escalation/EscalationDialog'
import { ResolveDialog } from '../resolution/ResolveDialog'
import {
  CloseDialog,
  ContactDialog,
  HoldDialog,
  ReclassifyDialog,
  RedactDialog,
  ReopenDialog,
} from '../resolution/TicketDialogs'
import { ParentLinkDialog } from '../ticket/ParentLinkDialog'
import { useDesk, useNav } from './desk'

const DIALOGS = {
  escalate: EscalationDialog,
  resolve: ResolveDialog,
  reopen: ReopenDialog,
  close: CloseDialog,
  reclassify: ReclassifyDialog,
  hold: HoldDialog,
  contact: ContactDialog,
  redact: RedactDialog,
  parent: ParentLinkDialog,
} as const

export function DialogHost() {
  const desk = useDesk()
  const dialog = useNav((s) => s.dialog)
  const ticketId = dialog?.ticketId ?? ''
  const ticket = useLiveQuery(
    () => (ticketId ? desk.store.getTicket(ticketId) : undefined),
    [desk.store, ticketId],
  )
  if (!dialog || !ticket || ticket.id !== dialog.ticketId) return null
  const Component = DIALOGS[dialog.kind]
  // Keyed by ticket and kind: a dialog's form starts fresh for each ticket it opens on.
  return (
    <Component
      key={`${dialog.kind}:${ticket.id}:${dialog.noteId ?? ''}`}
      ticket={ticket}
      noteId={dialog.noteId}
      onClose={() => desk.nav.getState().closeDialog()}
    />
  )
}
