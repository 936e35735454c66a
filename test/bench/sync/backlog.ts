/**
 * An 8-hour offline backlog of one station: the calls one agent logs in a shift, each opened,
 * worked with tech and customer notes, then escalated to a second-level team or, mostly, resolved — all
 * on its own tickets, made with the shared process rules through the server tests' builders, so
 * every event is one the server accepts. Seeded: the same seed gives the same mix (ids and clocks
 * follow the wall clock).
 */
import { foldTicket, type Ticket } from '../../../src/shared/incident'
import type { TicketEvent } from '../../../src/shared/incident/events'
import { escalate, resolve } from '../../../src/shared/incident/rules'
import { accepted, completeResolution, warmEscalation } from '../../support/incident-fixtures'
import { seededRandom } from '../../support/random'
import { customerNote, openedTicket, stationAuthor, techNote } from '../../server/events'

const SHIFT_MS = 8 * 60 * 60_000
const TEAMS = ['network', 'identity', 'desktop', 'applications', 'facilities']
const CALLS = [
  { title: 'Cannot connect to VPN from home', service: 'Network', category: 'VPN' },
  { title: 'Password expired, locked out of email', service: 'Identity', category: 'Account' },
  { title: 'Printer on floor 3 jams on every job', service: 'Printing', category: 'Hardware' },
  { title: 'Teaching room projector shows no signal', service: 'AV', category: 'Classroom' },
  { title: 'Grades portal times out on submit', service: 'Applications', category: 'Web' },
]

/** About `events` events (whole tickets, so a few more) of `actor` at `station`, ending now. */
export function shiftBacklog(
  actor: string,
  station: string,
  events: number,
  seed: number,
): TicketEvent[] {
  const random = seededRandom(seed)
  const ctx = stationAuthor(actor, station, Date.now() - SHIFT_MS)
  // A call every few minutes, spread over the shift, with the work on it in between.
  const step = () => ctx.advance(1 + random.int(Math.floor(SHIFT_MS / events)))
  const backlog: TicketEvent[] = []
  while (backlog.length < events) {
    const call = random.pick(CALLS)
    const opened = openedTicket(ctx, { ...call, receivedAt: new Date(ctx.now()).toISOString() })
    let ticket: Ticket = opened.ticket
    const history = [opened.event]
    const add = (made: readonly TicketEvent[]) => {
      history.push(...made)
      ticket = foldTicket(history)!
    }
    for (let n = 2 + random.int(6); n > 0; n--) {
      step()
      add([
        random.chance(0.7)
          ? techNote(ctx, ticket, `Checked ${call.category.toLowerCase()} settings with the caller.`)
          : customerNote(ctx, ticket, 'We are looking into it and will call you back.', {
              customer: random.chance(0.3),
              cc: [],
            }),
      ])
    }
    if (random.chance(0.35)) {
      step()
      add(accepted(escalate(ticket, warmEscalation(random.pick(TEAMS), ctx), ctx)))
    }
    // An escalated ticket is the team's to resolve now; the agent resolves most of the rest.
    else if (random.chance(0.75)) {
      step()
      add(accepted(resolve(ticket, completeResolution(), ctx)))
    }
    backlog.push(...history)
  }
  return backlog
}
