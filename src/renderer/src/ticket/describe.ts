/** Event facts in the words the History and Assignees tabs show. */
import type { WarmTransfer } from '../../../shared/incident/events'

export function describeTransfer(transfer: WarmTransfer): string {
  switch (transfer.status) {
    case 'completed':
      return `warm transfer to ${transfer.contactUsed}, accepted by ${transfer.acceptedBy}`
    case 'not_possible':
      return `no warm transfer${transfer.contactUsed ? ` (${transfer.contactUsed})` : ''}: ${transfer.reason}`
    case 'not_applicable':
      return 'no call to transfer'
  }
}
