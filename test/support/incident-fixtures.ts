/**
 * Builders for domain tests: a command context with a deterministic clock and ids, and the inputs
 * of common actions. Shared by every test that needs valid events without a UI.
 */
import { uuidv7 } from '../../src/shared/ids'
import { createClock, formatHlc, tick, type HlcState } from '../../src/shared/sync/hlc'
import type {
  CommandContext,
  CommandResult,
  EscalationInput,
  OpenInput,
  ResolveInput,
} from '../../src/shared/incident/rules'
import type { TicketEvent } from '../../src/shared/incident/events'
import type { InboundMessage } from '../../src/shared/incident/email-in'

export interface TestContext extends CommandContext {
  /** Moves this context's wall clock forward. */
  advance(ms: number): void
  clock(): HlcState
}

export function testContext(
  actor = 'agent1',
  station = 'A1',
  startMs = Date.parse('2026-11-27T09:00:00.000Z'),
): TestContext {
  let wallMs = startMs
  let clock = createClock(station)
  return {
    actor,
    station,
    now: () => wallMs,
    nextHlc: () => {
      clock = tick(clock, wallMs)
      return formatHlc(clock)
    },
    newId: () => uuidv7(wallMs),
    advance: (ms) => {
      wallMs += ms
    },
    clock: () => clock,
  }
}

export function phoneCall(overrides: Partial<OpenInput> = {}): OpenInput {
  return {
    source: 'phone',
    caller: {
      name: 'Dana Whitfield',
      phone: '+1 555 010 2233',
      email: 'dana.whitfield@example.edu',
      username: 'dwhitfield',
      department: 'Chemistry',
      role: 'Faculty',
    },
    title: 'Cannot connect to VPN from home',
    description: 'AnyConnect times out after entering credentials.',
    service: 'Network',
    category: 'VPN',
    subcategory: 'Connection failure',
    impact: 4,
    urgency: 3,
    priorityIncrease: false,
    receivedAt: '2026-11-27T09:00:00.000Z',
    ...overrides,
  }
}

export function completeResolution(overrides: Partial<ResolveInput> = {}): ResolveInput {
  return {
    resolutionNotes: 'Reinstalled the VPN profile; caller connected while on the phone.',
    classification: {
      service: 'Network',
      category: 'VPN',
      subcategory: 'Client configuration',
      rootCause: 'Outdated VPN profile',
    },
    resolutionCode: 'fixed',
    customerAgreement: { method: 'verbal', detail: 'Caller confirmed it works' },
    firstContactResolution: true,
    timeSpentMinutes: 12,
    ...overrides,
  }
}

/** Rule 4 as the guidance suggests: to `teamId`, the call warm-transferred now (`ctx`'s clock). */
export function warmEscalation(teamId: string, ctx: Pick<CommandContext, 'now'>): EscalationInput {
  return {
    teamId,
    tier: 2,
    suggestedTeamIds: [teamId],
    routingGuidanceId: null,
    warmTransfer: {
      status: 'completed',
      contactUsed: '555-0100',
      acceptedBy: 'Sam',
      acceptedAt: new Date(ctx.now()).toISOString(),
    },
  }
}

/** A customer's email as the mail-in intake reads it: a new message about a projector. */
export function emailMessage(overrides: Partial<InboundMessage> = {}): InboundMessage {
  return {
    messageId: '<m1@mail.example.edu>',
    from: 'priya@example.edu',
    fromName: 'Priya N.',
    subject: 'Projector shows no signal',
    text: 'Room 204, since this morning.',
    replyTo: [],
    attachments: [],
    receivedAt: Date.parse('2026-11-27T09:00:00.000Z'),
    ...overrides,
  }
}

/** Unwraps a command result that the test expects to succeed. */
export function accepted(result: CommandResult): TicketEvent[] {
  if (!result.ok)
    throw new Error(
      `Command refused: ${result.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    )
  return result.events
}
