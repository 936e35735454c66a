/** The process vocabulary in the words the floor uses. */
import type { EventType, PayloadOf } from '../../../shared/incident/events'
type ManagementLevel = PayloadOf<'management_escalated'>['level']
import {
  IMPACT_LABELS,
  URGENCY_LABELS,
  type AgreementMethod,
  type IdentityItem,
  type Level,
  type ResolutionCode,
  type Source,
  type TicketKind,
  type TicketState,
} from '../../../shared/incident/vocabulary'
import type { Option } from './fields'

export const SOURCE_LABELS: Record<Source, string> = {
  phone: 'Phone',
  email: 'Email',
  walk_in: 'Walk-in',
  voicemail: 'Voicemail',
  self_service: 'Self-service',
  technical_staff: 'Technical staff',
  monitoring: 'Monitoring',
  vendor: 'Vendor',
}

export const KIND_LABELS: Record<TicketKind, string> = {
  incident: 'Incident',
  service_request: 'Service request',
  inquiry: 'Inquiry (not technical)',
}

export const STATE_LABELS: Record<TicketState, string> = {
  open: 'Open',
  on_hold: 'On hold',
  resolved: 'Resolved',
  closed: 'Closed',
}

export const IDENTITY_LABELS: Record<IdentityItem, string> = {
  fullName: 'Full name',
  username: 'Username',
  dateOfBirth: 'Date of birth',
  universityId: 'University ID',
  addressOnFile: 'Address on file',
}

export const RESOLUTION_CODE_LABELS: Record<ResolutionCode, string> = {
  fixed: 'Fixed',
  workaround: 'Workaround given',
  information_given: 'Information given',
  user_error: 'User error',
  duplicate: 'Duplicate',
  no_fault_found: 'No fault found',
  inactive_ticket: 'Inactive ticket (no response)',
  vendor_fixed: 'Fixed by vendor',
}

export const AGREEMENT_LABELS: Record<AgreementMethod, string> = {
  verbal: 'Verbally, on the phone',
  written: 'In writing',
  no_response: 'No response from the customer',
}

type ContactChannel = PayloadOf<'customer_contacted'>['channel']
type ContactOutcome = PayloadOf<'customer_contacted'>['outcome']

export const CONTACT_CHANNEL_LABELS: Record<ContactChannel, string> = {
  phone: 'Phone',
  email: 'Email',
  in_person: 'In person',
}

export const CONTACT_OUTCOME_LABELS: Record<ContactOutcome, string> = {
  reached: 'Reached',
  no_answer: 'No answer',
  left_voicemail: 'Left voicemail',
}

export const EVENT_LABELS: Record<EventType, string> = {
  opened: 'Opened',
  fields_changed: 'Fields changed',
  reclassified: 'Reclassified',
  tech_note_added: 'Tech Note',
  customer_note_added: 'Customer note',
  escalated: 'Escalated',
  assigned: 'Assigned',
  returned_to_owner: 'Returned to owner',
  ownership_taken: 'Ownership taken',
  held: 'Put on hold',
  resumed: 'Resumed',
  resolved: 'Resolved',
  reopened: 'Reopened',
  closed: 'Closed',
  customer_contacted: 'Customer contacted',
  parent_linked: 'Linked to parent incident',
  note_redacted: 'Note redacted',
  major_declared: 'Promoted to major incident',
  outage_suspected: 'Outage radar: possible major incident',
  outage_dismissed: 'Outage proposal dismissed',
  management_escalated: 'Escalated to management',
  sla_breached: 'SLA target breached',
  customer_message_received: 'Customer email',
}

export const MANAGEMENT_LEVEL_LABELS: Record<ManagementLevel, string> = {
  service_desk_manager: 'Service desk manager',
  director_itsm: 'Director of IT service management',
}

const LEVELS: readonly Level[] = [1, 2, 3, 4]

export const IMPACT_OPTIONS: Option<`${Level}`>[] = LEVELS.map((level) => ({
  value: `${level}`,
  label: `${level} · ${IMPACT_LABELS[level]}`,
}))

export const URGENCY_OPTIONS: Option<`${Level}`>[] = LEVELS.map((level) => ({
  value: `${level}`,
  label: `${level} · ${URGENCY_LABELS[level]}`,
}))

export function optionsOf<T extends string>(labels: Record<T, string>): Option<T>[] {
  return (Object.entries(labels) as [T, string][]).map(([value, label]) => ({ value, label }))
}
