/** "Also open by …": who else has this ticket on screen right now, said as it changes. */
import type { TicketViewer } from '../../../shared/sync/presence'
import { useViewers, type Presence } from './presence'
import './presence.css'

export function describeViewers(
  viewers: readonly TicketViewer[],
  userName: (username: string) => string,
): string {
  return viewers
    .map((v) => (v.stationCode ? `${userName(v.user)} at ${v.stationCode}` : userName(v.user)))
    .join(', ')
}

export function AlsoOpen({
  presence,
  ticketId,
  userName,
  compact = false,
}: {
  presence: Presence | undefined
  ticketId: string
  userName: (username: string) => string
  /** In a grid cell: names only, no live region (the ticket view and side panel announce). */
  compact?: boolean
}) {
  const viewers = useViewers(presence, ticketId)
  const names = describeViewers(viewers, userName)
  if (compact) return names ? <span className="presence presence--compact">{names}</span> : null
  return (
    <p className="presence" role="status" aria-label="Also open by">
      {names ? <>Also open by {names}</> : null}
    </p>
  )
}
