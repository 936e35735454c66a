/** Email in on the wire: an attachment a customer's email brought, as the server kept it. */
import { z } from 'zod'
import { UUID_PATTERN } from '../ids'

export const mailAttachmentQuerySchema = z.object({
  id: z.string().regex(UUID_PATTERN, 'must be an attachment id (a UUID)'),
})

export const mailAttachmentResponseSchema = z.object({
  id: z.string(),
  ticketId: z.string(),
  name: z.string(),
  type: z.string(),
  size: z.number().int(),
  /** The attachment's bytes, base64: the API speaks JSON throughout. */
  contentBase64: z.string(),
})
export type MailAttachmentResponse = z.infer<typeof mailAttachmentResponseSchema>
