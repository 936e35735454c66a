/**
 * The attachments customers' emails brought: kept in the database beside the message (within
 * the size limit), read by any signed-in user who works tickets, by the id the ticket lists.
 */
import {
  mailAttachmentQuerySchema,
  mailAttachmentResponseSchema,
} from '../../shared/sync/mail-in-wire'
import { errorBodySchema, ROUTES } from '../../shared/sync/wire'
import type { Database } from '../db/database'
import { ApiError } from '../http/http'
import { route, type Route } from '../http/router'

export function mailInRoutes(db: Database): Route[] {
  return [
    route({
      method: 'GET',
      path: ROUTES.mailAttachment,
      operationId: 'getMailAttachment',
      tag: 'mail',
      summary: "An attachment of a customer's email, by the id its ticket lists",
      access: 'user',
      query: mailAttachmentQuerySchema,
      responses: {
        200: { description: 'The attachment', schema: mailAttachmentResponseSchema },
        404: { description: 'No attachment has that id', schema: errorBodySchema },
      },
      handle: async ({ query }) => {
        const [row] = await db.query<{
          ticket_id: string
          name: string
          content_type: string
          size: number
          content: Uint8Array
        }>(
          'SELECT ticket_id, name, content_type, size, content FROM mail_in_attachments WHERE id = $1::uuid',
          [query.id],
        )
        if (!row)
          throw new ApiError(404, 'not_found', `id: no attachment ${query.id} is kept here.`)
        return {
          status: 200,
          body: {
            id: query.id,
            ticketId: row.ticket_id,
            name: row.name,
            type: row.content_type,
            size: row.size,
            contentBase64: Buffer.from(row.content).toString('base64'),
          },
        }
      },
    }),
  ]
}
