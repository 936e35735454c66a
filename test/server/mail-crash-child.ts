/**
 * A server process for the mail crash tests (test/server/mail-crash.test.ts), run as a child:
 * `node --import tsx mail-crash-child.ts '<json config>'`. It logs JSON lines to stdout like the
 * real server, prints `{"url"}` once listening, and with `haltAt` prints `{"halted"}` when a send
 * reaches that step and stops there, so the parent's SIGKILL lands in exactly that step. With
 * `mailIn` it listens for email in too (`{"url", "mailInPort"}`); `mailInHalt` stops each received
 * message with everything written and nothing committed, printing `{"halted": "mail_in"}`.
 */
import { startServer } from '../../src/server/index'
import { jsonLogger } from '../../src/server/log'
import type { MailStep } from '../../src/server/mail/mailer'

export interface ChildConfig {
  databaseUrl?: string
  dataDir?: string
  smtpUrl?: string
  haltAt?: MailStep
  leaseMs: number
  pollMs: number
  mailIn?: boolean
  mailInHalt?: boolean
}

const config = JSON.parse(process.argv[2] ?? '{}') as ChildConfig
const print = (fields: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify(fields)}\n`)

const halt = async (fields: Record<string, unknown>) => {
  print(fields)
  await new Promise(() => {})
}

const server = await startServer({
  ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  ...(config.dataDir ? { dataDir: config.dataDir } : {}),
  ...(config.smtpUrl ? { smtp: { url: config.smtpUrl, timeoutMs: 60_000 } } : {}),
  port: 0,
  logger: jsonLogger(),
  mail: {
    leaseMs: config.leaseMs,
    pollMs: config.pollMs,
    backoffMs: config.pollMs,
    onStep: async (noteId, step) => {
      if (step === config.haltAt) await halt({ halted: step, noteId })
    },
  },
  ...(config.mailIn
    ? {
        mailIn: {
          port: 0,
          ...(config.mailInHalt
            ? { beforeCommit: (messageKey: string) => halt({ halted: 'mail_in', messageKey }) }
            : {}),
        },
      }
    : {}),
})
print({ url: server.url, ...(server.mailInPort ? { mailInPort: server.mailInPort } : {}) })
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)))
