/**
 * Hostile text for input tests: the strings no replica can store (ARCHITECTURE.md "Text"), one
 * valid event of every type with every optional text member filled in, and the paths of all the
 * strings in a value, so a test can put bad text in each one in turn without a hand-kept list of
 * fields (a field added later is covered by the same test).
 */
import { uuidv7 } from '../../src/shared/ids'
import { EVENT_SCHEMA_VERSION, EVENT_TYPES, type EventType } from '../../src/shared/incident/events'
import { RETURN_TO_OWNER_NOTE } from '../../src/shared/incident/standard-notes'
import { createClock, formatHlc, tick } from '../../src/shared/sync/hlc'

/** A lone high surrogate, a lone low one, NUL: each in otherwise ordinary text. */
export const UNSTORABLE = {
  highSurrogate: 'Dana \uD83D Whitfield',
  lowSurrogate: '\uDE00 Dana',
  nul: 'Dana\u0000Whitfield',
} as const

export type Path = (string | number)[]

/** Every path in `value` that leads to a string. */
export function stringPaths(value: unknown, path: Path = []): Path[] {
  if (typeof value === 'string') return [path]
  if (Array.isArray(value)) return value.flatMap((item, i) => stringPaths(item, [...path, i]))
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([key, item]) => stringPaths(item, [...path, key]))
  return []
}

/** A deep copy of `value` with the string at `path` replaced. */
export function withStringAt<T>(value: T, path: Path, replacement: string): T {
  const copy = structuredClone(value) as Record<string | number, unknown>
  let node = copy
  for (const key of path.slice(0, -1)) node = node[key] as typeof node
  node[path.at(-1)!] = replacement
  return copy as T
}

const caller = {
  callerId: 'c-1042',
  name: 'Dana Whitfield',
  phone: '+1 555 010 2233',
  email: 'dana.whitfield@example.edu',
  username: 'dwhitfield',
  department: 'Chemistry',
  role: 'Faculty',
}

/** Payloads of every event type, every text member present (both warm-transfer forms too). */
const PAYLOADS: Record<EventType, Record<string, unknown>[]> = {
  opened: [
    {
      number: 'S1-1',
      kind: 'incident',
      source: 'phone',
      caller,
      title: 'Cannot connect to VPN',
      description: 'Times out after the password.',
      service: 'Network',
      category: 'VPN',
      subcategory: 'Connection failure',
      impact: 4,
      urgency: 3,
      priorityIncrease: false,
      receivedAt: '2026-11-27T09:00:00.000Z',
      identityCheck: { verified: ['fullName'] },
      parentTicketId: '0190f5b2-7c1a-7000-8000-000000000001',
      alertKey: 'vpn-gw-1',
    },
  ],
  fields_changed: [
    {
      changes: {
        title: 'VPN drops',
        description: 'Drops every hour.',
        service: 'Network',
        category: 'VPN',
        subcategory: 'Drops',
        caller,
      },
    },
  ],
  reclassified: [{ to: 'inquiry', reason: 'No technical issue after all.' }],
  tech_note_added: [{ noteId: uuidv7(), body: 'Checked the gateway logs.' }],
  customer_note_added: [
    {
      noteId: uuidv7(),
      body: 'We are looking into it.',
      sendEmailTo: { customer: true, cc: ['lab@example.edu'] },
      customerEmail: 'dana.whitfield@example.edu',
    },
  ],
  escalated: [
    {
      teamId: 'network-ops',
      tier: 2,
      routingGuidanceId: 'vpn-network',
      offGuidanceReason: 'The guidance names a retired team.',
      warmTransfer: {
        status: 'completed',
        contactUsed: '+1 555 010 9000',
        acceptedBy: 'Alex Kim',
        acceptedAt: '2026-11-27T09:05:00.000Z',
      },
    },
    {
      teamId: 'network-ops',
      tier: 2,
      routingGuidanceId: null,
      warmTransfer: {
        status: 'not_possible',
        contactUsed: '+1 555 010 9000',
        reason: 'Nobody answered.',
      },
    },
  ],
  assigned: [{ teamId: 'network-ops', assignee: 'akim', reason: 'Alex knows the gateway.' }],
  returned_to_owner: [{ noteId: uuidv7(), note: RETURN_TO_OWNER_NOTE, fromTeamId: 'network-ops' }],
  held: [
    { reason: 'Waiting for the vendor.' },
    { reason: 'Awaiting the customer.', pausesSla: true },
  ],
  resumed: [{}],
  resolved: [
    {
      resolutionNotes: 'Reinstalled the VPN profile.',
      classification: {
        service: 'Network',
        category: 'VPN',
        subcategory: 'Client configuration',
        rootCause: 'Outdated profile',
      },
      resolutionCode: 'fixed',
      customerAgreement: { method: 'verbal', detail: 'Confirmed on the phone.' },
      firstContactResolution: true,
      timeSpentMinutes: 12,
    },
  ],
  ownership_taken: [{ from: 'event-management' }],
  reopened: [{ reason: 'It broke again.' }],
  closed: [{ customerSatisfied: true, via: 'staff' }],
  customer_contacted: [{ channel: 'phone', outcome: 'reached', note: 'Called back at noon.' }],
  parent_linked: [{ parentTicketId: '0190f5b2-7c1a-7000-8000-000000000001' }],
  // The server alone records breaches (the scheduler); a station's is refused, so none is made here.
  sla_breached: [],
  note_redacted: [
    { noteId: uuidv7(), redactedBody: '[redacted]', reason: 'Held a date of birth.' },
  ],
  major_declared: [{ reason: 'Campus-wide email outage.' }],
  outage_suspected: [
    {
      proposalId: uuidv7(),
      service: 'Email',
      candidateTicketIds: [uuidv7()],
      calls: 3,
      minutes: 15,
    },
  ],
  outage_dismissed: [{ proposalId: uuidv7(), reason: 'Separate problems.' }],
  management_escalated: [
    { level: 'service_desk_manager', to: 'manager1', reason: 'The customer asked for a manager.' },
  ],
  customer_message_received: [
    {
      messageId: '<abc.123@mail.example.edu>',
      from: 'dana.whitfield@example.edu',
      subject: 'Re: [S1-1] Cannot connect to VPN',
      body: 'Still failing this morning.',
      attachments: [{ name: 'screenshot.png', type: 'image/png', size: 2048, id: uuidv7() }],
    },
  ],
}

/** A maker of valid events by one author on one station, with its own clock. */
export function eventMaker(actor: string, station: string, startMs = Date.now()) {
  let clock = createClock(station)
  let wallMs = startMs
  let sequence = 0
  return (type: EventType, payload: Record<string, unknown>, ticketId = uuidv7(wallMs)) => {
    clock = tick(clock, ++wallMs)
    // Each opening its own number of this station's sequence, as a station hands them out.
    if (type === 'opened') payload = { ...payload, number: `${station}-${++sequence}` }
    return {
      id: uuidv7(wallMs),
      ticketId,
      type,
      actor,
      station,
      hlc: formatHlc(clock),
      schemaVersion: EVENT_SCHEMA_VERSION,
      payload: structuredClone(payload),
    }
  }
}

/** One valid event per payload above: every event type, with all its text. */
export function everyEventType(make: ReturnType<typeof eventMaker>) {
  return EVENT_TYPES.flatMap((type) => PAYLOADS[type].map((payload) => make(type, payload)))
}

/** The string paths of an event that bad text may go into: all but its discriminator. */
export function textPathsOf(event: object): Path[] {
  return stringPaths(event).filter((path) => !(path.length === 1 && path[0] === 'type'))
}
