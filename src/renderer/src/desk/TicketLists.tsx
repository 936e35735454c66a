/**
 * The agent's lists: My tickets (those they own: rule 7 sends returned tickets back here), the
 * plain floor list of open work with what no agent owns yet at its top, and search results. All read from the station store, so they
 * work offline and follow remote changes as they arrive.
 */
import { useLiveQuery } from 'dexie-react-hooks'
import type { Ticket } from '../../../shared/incident/ticket'
import { SERVER_ACTOR } from '../../../shared/incident/vocabulary'
import { useDesk, useSession } from '../app/desk'
import { FollowUps } from './FollowUps'
import { TicketTable } from './TicketTable'

const FLOOR_LIMIT = 200
const NONE: Ticket[] = []

export function MyTickets() {
  const { store } = useDesk()
  const username = useSession((s) => s.user?.username ?? '')
  const working = useLiveQuery(
    () => store.ticketsByOwner(username, { limit: 200 }),
    [store, username],
    NONE,
  )
  const resolved = useLiveQuery(
    () => store.ticketsByOwner(username, { states: ['resolved'], limit: 50 }),
    [store, username],
    NONE,
  )
  const returned = working.filter((t) => t.returnedToCsc)
  return (
    <section className="view" aria-labelledby="mine-title">
      <h1 id="mine-title">My tickets</h1>
      <FollowUps tickets={working} />
      {returned.length > 0 && (
        <>
          <h2>Returned to me</h2>
          <TicketTable label="Returned to me" tickets={returned} empty="" />
        </>
      )}
      <h2>Open</h2>
      <TicketTable
        label="My open tickets"
        tickets={working}
        empty="No open tickets: Ctrl+N takes the next call."
      />
      <h2>Resolved, not yet closed</h2>
      <TicketTable
        label="My resolved tickets"
        tickets={resolved}
        empty="Nothing waiting for closure."
      />
    </section>
  )
}

export function FloorList() {
  const { store } = useDesk()
  const open = useLiveQuery(() => store.queueWindow('open', { limit: FLOOR_LIMIT }), [store], NONE)
  const onHold = useLiveQuery(
    () => store.queueWindow('on_hold', { limit: FLOOR_LIMIT }),
    [store],
    NONE,
  )
  // Emails and alerts the server opened: no agent is told of their call-backs until one owns them.
  const unowned = useLiveQuery(
    () => store.ticketsByOwner(SERVER_ACTOR, { limit: FLOOR_LIMIT }),
    [store],
    NONE,
  )
  return (
    <section className="view" aria-labelledby="floor-title">
      <h1 id="floor-title">Floor</h1>
      <p className="muted">
        Open tickets of the whole floor by priority, as this station holds them.
      </p>
      {unowned.length > 0 && (
        <>
          <h2>Waiting for an owner</h2>
          <p className="muted">
            Opened by the server from an email or an alert: open one and take ownership to call the
            customer back.
          </p>
          <TicketTable label="Tickets waiting for an owner" tickets={unowned} empty="" />
        </>
      )}
      <TicketTable label="Open tickets" tickets={open} empty="The floor has no open tickets." />
      {onHold.length > 0 && (
        <>
          <h2>On hold</h2>
          <TicketTable label="Tickets on hold" tickets={onHold} empty="" />
        </>
      )}
    </section>
  )
}

export function SearchResults({ query }: { query: string }) {
  const { store } = useDesk()
  const found = useLiveQuery(() => store.search(query, 50), [store, query], NONE)
  return (
    <section className="view" aria-labelledby="search-title">
      <h1 id="search-title">Tickets matching “{query}”</h1>
      <TicketTable
        label="Search results"
        tickets={found}
        empty="No ticket on this station matches."
      />
    </section>
  )
}
