/** Rule 10: the person a ticket is escalated to hears of it, once, and only of fresh news. */
import { describe, expect, it } from 'vitest'
import { ManagementAlertWatch } from '../../src/renderer/src/notify/management-alerts'
import { DEFAULT_MAJOR_INCIDENT_SETTINGS } from '../../src/shared/directory'
import {
  applyEvent,
  escalateToManagement,
  foldTicket,
  openTicket,
  type Ticket,
} from '../../src/shared/incident'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'

const settings = {
  ...DEFAULT_MAJOR_INCIDENT_SETTINGS,
  serviceDeskManager: 'manager1',
  directorItsm: 'director1',
}

describe('management escalation alerts', () => {
  it('rule 10: notifies the manager, then the director, each once; old news and others are quiet', () => {
    const ctx = testContext('super1', 'S9')
    let ticket: Ticket = foldTicket(accepted(openTicket(phoneCall(), 'S9-1', ctx)))!
    const manager = new ManagementAlertWatch('manager1')
    const director = new ManagementAlertWatch('director1')
    const escalate = (level: 'service_desk_manager' | 'director_itsm') => {
      const [event] = accepted(
        escalateToManagement(ticket, { level, reason: 'Dean asks' }, 'supervisor', settings, ctx),
      )
      ticket = applyEvent(ticket, event!)!
    }
    const now = ctx.now()
    expect(manager.changed([ticket], now)).toEqual([])
    escalate('service_desk_manager')
    expect(manager.changed([ticket], now)).toEqual([
      { ticketId: ticket.id, title: 'S9-1 escalated to you', body: `${ticket.title} — Dean asks` },
    ])
    expect(manager.changed([ticket], now)).toEqual([])
    expect(director.changed([ticket], now)).toEqual([])
    escalate('director_itsm')
    expect(manager.changed([ticket], now)).toEqual([])
    expect(director.changed([ticket], now)).toHaveLength(1)
    // A station catching up the next day hears nothing of yesterday's escalations.
    expect(new ManagementAlertWatch('director1').changed([ticket], now + 86_400_000)).toEqual([])
  })
})
