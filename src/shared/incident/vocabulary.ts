/** The closed vocabularies of the process, shared by schemas, forms and filters. */

export const TICKET_KINDS = ['incident', 'service_request', 'inquiry'] as const
export type TicketKind = (typeof TICKET_KINDS)[number]

/** PRODUCT.md rule 1: where incidents come from. */
export const SOURCES = [
  'phone',
  'email',
  'walk_in',
  'voicemail',
  'self_service',
  'technical_staff',
  'monitoring',
  'vendor',
] as const
export type Source = (typeof SOURCES)[number]

export const TICKET_STATES = ['open', 'on_hold', 'resolved', 'closed'] as const
export type TicketState = (typeof TICKET_STATES)[number]

/** Impact: 1 campus-wide / 2 multiple groups / 3 one group / 4 one person. */
export const IMPACT_LABELS = {
  1: 'Campus-wide',
  2: 'Multiple groups',
  3: 'One group',
  4: 'One person',
} as const

/** Urgency: 1 critical / 2 high / 3 moderate / 4 low. */
export const URGENCY_LABELS = {
  1: 'Critical',
  2: 'High',
  3: 'Moderate',
  4: 'Low',
} as const

export type Level = 1 | 2 | 3 | 4
export type Priority = 'P1' | 'P2' | 'P3' | 'P4'

export const RESOLUTION_CODES = [
  'fixed',
  'workaround',
  'information_given',
  'user_error',
  'duplicate',
  'no_fault_found',
  'inactive_ticket',
  'vendor_fixed',
] as const
export type ResolutionCode = (typeof RESOLUTION_CODES)[number]

/** How the customer agreed to the resolution (rule 8: verbally, or better in writing). */
export const AGREEMENT_METHODS = ['verbal', 'written', 'no_response'] as const
export type AgreementMethod = (typeof AGREEMENT_METHODS)[number]

/** Rule 3: account matters need 3 of these 5 items verified. */
export const IDENTITY_ITEMS = [
  'fullName',
  'username',
  'dateOfBirth',
  'universityId',
  'addressOnFile',
] as const
export type IdentityItem = (typeof IDENTITY_ITEMS)[number]
export const IDENTITY_ITEMS_REQUIRED = 3

export const CONTACT_CHANNELS = ['phone', 'email', 'in_person'] as const
export const CONTACT_OUTCOMES = ['reached', 'no_answer', 'left_voicemail'] as const

/** Rule 8's clocks, each with its own due time (PRODUCT.md "Priority"). */
export const SLA_TARGETS = ['first_assignment', 'resolution'] as const
export type SlaTargetKind = (typeof SLA_TARGETS)[number]

/** The CSC is the service desk itself: a ticket assigned here is with its owner. */
export const CSC_TEAM_ID = 'csc'

/** The account the server writes its own events as (email in, monitoring); no person has it. */
export const SERVER_ACTOR = 'event-management'
/** The station code of events the server writes itself; enrolled stations are `S1`, `S2`, … */
export const SERVER_STATION = 'SRV'
