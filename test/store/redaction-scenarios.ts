/**
 * Rule 11 on a station, as scenarios run twice: on fake-indexeddb (redaction.test.ts) and in
 * Chromium (chromium.test.ts, through the page harness). Each returns what the station holds as
 * text — every table of its IndexedDB database, the History's events, the ticket, the change
 * feed — so the test can look for the secret anywhere.
 */
import {
  addCustomerNote,
  foldTicket,
  redactNote,
  type EventOf,
  type Ticket,
} from '../../src/shared/incident'
import {
  createStationStore,
  type StationStore,
  type StationStoreOptions,
} from '../../src/renderer/src/store'
import { StationDb } from '../../src/renderer/src/store/db'
import { memoryNumbers } from '../support/ticket-numbers'
import { accepted, agentAt, pageOf, remoteStation, T0 } from './fixtures'

export const SECRET = 'Tmp#4821-Blue'
export const NOTE = `I set your password to ${SECRET}; please change it when you sign in.`
export const REDACTED = 'I set your password to [redacted]; please change it when you sign in.'
const REASON = 'A password typed into a customer note'

/** The scenarios number their tickets from an in-memory authority of their own. */
type ScenarioOptions = Omit<StationStoreOptions, 'numbers'>
const open = (name: string, options: ScenarioOptions) =>
  createStationStore(name, { numbers: memoryNumbers(), ...options })

export interface StationText {
  /** Every row of every table of the station's database. */
  database: string
  /** What the History tab lists (the ticket's events). */
  history: string
  ticket: string
  /** Tickets found by searching for parts of the secret. */
  found: number
}

async function stationText(
  store: StationStore,
  name: string,
  options: ScenarioOptions,
  ticketId: string,
): Promise<StationText> {
  const raw = new StationDb(name, options)
  await raw.open()
  const tables = await Promise.all(raw.tables.map((table) => table.toArray()))
  raw.close()
  const found = await Promise.all(['tmp', 'tmp#4821', '4821', 'blue'].map((q) => store.search(q)))
  return {
    database: JSON.stringify(tables),
    history: JSON.stringify(await store.ticketEvents(ticketId)),
    ticket: JSON.stringify(await store.getTicket(ticketId)),
    found: found.flat().length,
  }
}

/** Another station's agent writes the note, a supervisor elsewhere redacts it. */
function remoteNoteAndRedaction() {
  const agent = remoteStation('B2', 'agent2')
  const opened = agent.open()[0]!
  const note = accepted(
    addCustomerNote(foldTicket([opened])!, NOTE, { customer: false, cc: [] }, agent.ctx),
  )[0]!
  const supervisor = remoteStation('C3', 'super1', T0 + 60_000)
  const ticket = foldTicket([opened, note])!
  const noteId = ticket.notes[0]!.id
  const redaction = accepted(
    redactNote(ticket, noteId, REDACTED, REASON, supervisor.ctx),
  )[0] as EventOf<'note_redacted'>
  return { opened, note, redaction }
}

/**
 * The redaction arrives in a pull page after the note; then the original note is delivered again
 * (a page re-read). `before` is what the station held while it had the note only.
 */
export async function redactionArrives(
  name: string,
  options: ScenarioOptions,
): Promise<{
  before: StationText
  after: StationText
  feed: string
  redaction: EventOf<'note_redacted'>
}> {
  const store = await open(name, options)
  await store.setStationCode('A1')
  const feed: Ticket[] = []
  store.onTicketsChanged((change) => feed.push(...change.updated))
  const { opened, note, redaction } = remoteNoteAndRedaction()
  await store.applyRemotePage(pageOf([opened, note], 0))
  const before = await stationText(store, name, options, opened.ticketId)
  feed.length = 0
  await store.applyRemotePage(pageOf([redaction], 2))
  await store.applyRemotePage({ events: [{ seq: 2, event: note }], next: 3 })
  const after = await stationText(store, name, options, opened.ticketId)
  store.close()
  return { before, after, feed: JSON.stringify(feed), redaction }
}

/** The redaction reaches the station before the note it redacts (pages out of order). */
export async function redactionBeforeNote(
  name: string,
  options: ScenarioOptions,
): Promise<StationText & { body: string }> {
  const store = await open(name, options)
  await store.setStationCode('A1')
  const { opened, note, redaction } = remoteNoteAndRedaction()
  await store.applyRemotePage(pageOf([opened], 0))
  await store.applyRemotePage({ events: [{ seq: 3, event: redaction }], next: 3 })
  await store.applyRemotePage({ events: [{ seq: 2, event: note }], next: 3 })
  const text = await stationText(store, name, options, opened.ticketId)
  const body = (await store.getTicket(opened.ticketId))!.notes[0]!.body
  store.close()
  return { ...text, body }
}

/**
 * The note is written here and redacted here before it was pushed: what the station then hands
 * over (its pending events) carries the redacted text only.
 */
export async function redactedBeforePush(
  name: string,
  options: ScenarioOptions,
): Promise<StationText & { pending: string; pendingCount: number }> {
  const store = await open(name, options)
  await store.setStationCode('A1')
  const { opened } = remoteNoteAndRedaction()
  await store.applyRemotePage(pageOf([opened], 0))
  const written = await store.record((ctx) =>
    addCustomerNote(
      foldTicket([opened])!,
      NOTE,
      { customer: false, cc: [] },
      agentAt(ctx, 'agent1', 'A1', () => T0 + 120_000),
    ),
  )
  if (!written.ok) throw new Error('refused')
  const ticket = written.tickets[0]!
  const redacted = await store.record((ctx) =>
    redactNote(
      ticket,
      ticket.notes[0]!.id,
      REDACTED,
      REASON,
      agentAt(ctx, 'super1', 'A1', () => T0 + 180_000),
    ),
  )
  if (!redacted.ok) throw new Error('refused')
  const text = await stationText(store, name, options, opened.ticketId)
  const pending = JSON.stringify(await store.pendingEvents(100))
  const pendingCount = await store.pendingCount()
  store.close()
  return { ...text, pending, pendingCount }
}
