/**
 * Finding the caller while they talk: the station's caller directory and the callers of tickets
 * this station holds answer at once, offline too; the central server's directory adds to the list
 * when it can be reached, without ever holding the agent up.
 */
import type { CallerRecord } from '../../../shared/directory'
import type { Caller } from '../../../shared/incident/events'
import { phoneDigits } from '../../../shared/incident/search'
import type { Ticket } from '../../../shared/incident/ticket'
import type { StationApi } from '../../../shared/station-api'
import type { StationStore } from '../store'
import { EMPTY_CALLER, callerFromRecord, type CallerFields } from './draft'

export const MAX_MATCHES = 8

/** A ticket's caller as the lookup's fields (the ticket view asks for that caller's tickets). */
export function fieldsOfTicketCaller(caller: Caller): CallerFields {
  return {
    ...EMPTY_CALLER,
    callerId: caller.callerId ?? '',
    name: caller.name,
    phone: caller.phone ?? '',
    email: caller.email ?? '',
    username: caller.username ?? '',
    department: caller.department ?? '',
    role: caller.role ?? '',
  }
}

/** The same person from two sources counts once: by directory id, else username, else phone. */
export function callerKey(caller: CallerFields): string {
  if (caller.callerId) return `id:${caller.callerId}`
  if (caller.username) return `user:${caller.username.toLowerCase()}`
  const digits = phoneDigits(caller.phone)
  return digits ? `phone:${digits}` : `name:${caller.name.toLowerCase()}`
}

export function mergeCallers(...lists: readonly CallerFields[][]): CallerFields[] {
  const merged = new Map<string, CallerFields>()
  for (const caller of lists.flat())
    if (!merged.has(callerKey(caller))) merged.set(callerKey(caller), caller)
  return [...merged.values()].slice(0, MAX_MATCHES)
}

/** What this station knows by itself: its caller directory, then callers of its tickets. */
export async function findLocalCallers(
  store: StationStore,
  query: string,
): Promise<CallerFields[]> {
  const [records, tickets] = await Promise.all([
    store.findCallers(query, MAX_MATCHES),
    store.search(query, MAX_MATCHES * 2),
  ])
  return mergeCallers(
    records.map(callerFromRecord),
    tickets.map((t) => fieldsOfTicketCaller(t.caller)),
  )
}

export async function findRemoteCallers(
  station: StationApi,
  query: string,
): Promise<CallerFields[]> {
  const { callers } = await station.directory.callers({ q: query })
  return callers.map((record: CallerRecord) => callerFromRecord(record))
}

/** Whether a ticket is this caller's: same directory id, username or phone number. */
export function isCallersTicket(ticket: Ticket, caller: CallerFields): boolean {
  const theirs = ticket.caller
  if (caller.callerId && theirs.callerId) return caller.callerId === theirs.callerId
  if (caller.username && theirs.username)
    return caller.username.toLowerCase() === theirs.username.toLowerCase()
  const digits = phoneDigits(caller.phone)
  return digits !== '' && digits === phoneDigits(theirs.phone ?? '')
}

/** The query that finds a caller's tickets through the store's indexes (phone, else username). */
export function callerTicketQuery(caller: CallerFields): string {
  const digits = phoneDigits(caller.phone)
  if (digits.length >= 3) return digits
  return caller.username || caller.name
}

export function describeCaller(caller: CallerFields): string {
  return [caller.name, caller.phone, caller.username, caller.department].filter(Boolean).join(' · ')
}
