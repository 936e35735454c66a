/**
 * Who has which ticket open right now (issue 12, item 5). Ephemeral: never an event, never in the
 * log. A station says which tickets its window shows (`viewing`), the server keeps that while the
 * live socket stays up and tells every socket who else has which ticket open (`viewers`). A closed
 * ticket, a closed socket or a station gone quiet drops out.
 */
import { z } from 'zod'
import { UUID_PATTERN } from '../ids'

/** A window shows one ticket, maybe another in the queue's side panel; a few more is plenty. */
export const MAX_VIEWING = 8

export const viewingMessageSchema = z.object({
  type: z.literal('viewing'),
  ticketIds: z.array(z.string().regex(UUID_PATTERN, 'must be a ticket id')).max(MAX_VIEWING),
})

export const ticketViewerSchema = z.object({
  ticketId: z.string(),
  user: z.string(),
  stationCode: z.string().nullable(),
})
export type TicketViewer = z.infer<typeof ticketViewerSchema>

/** To every socket: everyone else's open tickets (the receiving connection's own left out). */
export const viewersMessageSchema = z.object({
  type: z.literal('viewers'),
  viewers: z.array(ticketViewerSchema),
})
