/**
 * This station's side of presence (issue 12): which tickets its window shows and whether its agent
 * is on a call go out over the live socket; who else has which ticket open comes back in and goes
 * on to the renderer (`presence.viewers`). Nothing here is stored: after a reconnection the window's
 * tickets are sent again, and while the socket is down the station shows nobody rather than
 * people who may have left.
 */
import type { TicketViewer } from '../../shared/sync/presence'
import type { ServerLiveMessage, StationLiveMessage } from '../../shared/sync/wire'
import type { Emit } from './agent'

export interface StationPresenceDeps {
  send(message: StationLiveMessage): void
  emit: Emit
  /** The report (on a call or not) changed: the agent sends it when it next reports. */
  reportChanged(): void
}

export class StationPresence {
  private viewing: string[] = []
  private intakeOpen = false
  /** The phone system's call this agent answered and that has not ended. */
  private callId: string | null = null
  private viewers: TicketViewer[] = []

  constructor(private readonly deps: StationPresenceDeps) {}

  get onCall(): boolean {
    return this.intakeOpen || this.callId !== null
  }

  /** The renderer's word: what its window shows now. Answers with who else is on the floor. */
  report(request: { viewing: readonly string[]; intakeOpen: boolean }): {
    viewers: TicketViewer[]
  } {
    const viewing = [...new Set(request.viewing)].sort()
    if (viewing.join() !== this.viewing.join()) {
      this.viewing = viewing
      this.deps.send({ type: 'viewing', ticketIds: viewing })
    }
    if (request.intakeOpen !== this.intakeOpen) {
      this.intakeOpen = request.intakeOpen
      this.deps.reportChanged()
    }
    return { viewers: this.viewers }
  }

  connected(): void {
    if (this.viewing.length) this.deps.send({ type: 'viewing', ticketIds: this.viewing })
  }

  disconnected(): void {
    this.received([])
  }

  received(viewers: TicketViewer[]): void {
    this.viewers = viewers
    this.deps.emit('presence.viewers', { viewers })
  }

  callEvent(message: Extract<ServerLiveMessage, { type: 'call' }>): void {
    const before = this.onCall
    if (message.event === 'answered') this.callId = message.call.callId
    else if (message.event === 'ended' && message.call.callId === this.callId) this.callId = null
    if (this.onCall !== before) this.deps.reportChanged()
  }
}
