/**
 * `npm run admin -- <command>` with the server's storage flags (`--data-dir`, `--database-url`,
 * or WARMLINE_DATA_DIR / DATABASE_URL). With the embedded database, stop the server first (or use
 * the admin routes over HTTP): its files can be open in one process only.
 */
import { createInterface } from 'node:readline'
import { readFile } from 'node:fs/promises'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ROLES } from '../shared/directory'
import { createUserRequestSchema, ROUTES } from '../shared/sync/wire'
import {
  createIntegrationToken,
  createUser,
  issueEnrollmentCode,
  revokeIntegrationToken,
} from './accounts'
import type { Database } from './db/database'
import { migrate } from './db/migrations'
import { openDatabase } from './db/open'
import { importDirectory, parseDirectoryFile } from './directory-store'
import { validate } from './http/http'
import { STORAGE_FLAGS, storageOptions } from './options'

export const USAGE = `Usage: npm run admin -- <command> [--data-dir DIR | --database-url URL]
  create-user --username NAME --role ${ROLES.join('|')} [--display-name "Full Name"]
                                   the password is read from standard input
  enroll-station                   prints a one-time enrollment code (valid 24 h)
  import-directory FILE            JSON (any sections) or CSV (one section, told by its header)
  create-monitoring-token --name NAME
                                   prints a token for Event Management's alert intake
  revoke-monitoring-token --name NAME
  create-cti-token --name NAME     prints a token for the phone system's call events
                                   (revoke it with revoke-monitoring-token)
  mail-status                      emails not sent yet (with how far their last attempt got)
  resend-mail NOTE_ID              queues an unconfirmed or failed email again
  confirm-mail NOTE_ID             marks an unconfirmed email sent (found in the mail server's log)`

export interface AdminIo {
  env: NodeJS.ProcessEnv
  out(line: string): void
  /** The password for create-user. */
  readSecret(prompt: string): Promise<string>
}

const ADMIN_ACTOR = 'admin-cli'

type Action = (db: Database, now: number) => Promise<void>

/**
 * Checks a command's input and returns what it does to the database, so that a mistake is reported
 * before the (slow, exclusive) embedded database is opened.
 */
async function prepare(
  command: string | undefined,
  args: string[],
  values: Record<string, string | undefined>,
  io: AdminIo,
): Promise<Action> {
  const needName = () => {
    if (!values.name) throw new Error(`${command} needs --name.`)
    return values.name
  }
  const needArg = (what: string) => {
    if (!args[0]) throw new Error(`${command} needs a ${what}.`)
    return args[0]
  }
  switch (command) {
    case 'create-user': {
      const input = validate(createUserRequestSchema, {
        username: values.username,
        role: values.role,
        displayName: values['display-name'] ?? values.username,
        password: await io.readSecret(`Password for ${values.username}: `),
      })
      return async (db, now) => {
        const user = await createUser(db, input, now)
        io.out(`Created ${user.role} ${user.username} (${user.displayName}).`)
      }
    }
    case 'enroll-station':
      return async (db, now) => {
        const { code, expiresAt } = await issueEnrollmentCode(db, ADMIN_ACTOR, now)
        io.out(
          `Enrollment code: ${code}\nValid until ${new Date(expiresAt).toISOString()}, for one station.`,
        )
      }
    case 'import-directory': {
      const file = needArg('FILE')
      const data = parseDirectoryFile(file, await readFile(file, 'utf8'))
      return async (db) => {
        const summary = await db.transaction((tx) => importDirectory(tx, data))
        io.out(
          `Imported ${summary.teams} teams, ${summary.routingGuidance} routing guidance entries, ${summary.templates} templates, ${summary.callers} callers${summary.policy ? ', the priority policy' : ''}${summary.calendar ? ', the business calendar' : ''}${summary.followUp ? ', the follow-up settings' : ''}.`,
        )
      }
    }
    case 'create-monitoring-token': {
      const name = needName()
      return async (db, now) => {
        const token = await createIntegrationToken(db, name, now)
        io.out(
          `Token for "${name}" (shown once; send it as "Authorization: Bearer <token>"):\n${token}`,
        )
      }
    }
    case 'create-cti-token': {
      const name = needName()
      return async (db, now) => {
        const token = await createIntegrationToken(db, name, now, 'cti')
        io.out(
          `Token for the phone system "${name}" (shown once; send it as "Authorization: Bearer <token>" or append "?token=<token>" to ${ROUTES.ctiEvents}):\n${token}`,
        )
      }
    }
    case 'revoke-monitoring-token': {
      const name = needName()
      return async (db, now) => {
        const revoked = await revokeIntegrationToken(db, name, now)
        io.out(revoked ? `Revoked "${name}".` : `No active token named "${name}".`)
      }
    }
    case 'mail-status':
      return async (db) => {
        const rows = await db.query<{
          note_id: string
          status: string
          phase: string | null
          attempts: number
          last_error: string | null
        }>(
          `SELECT note_id, status, phase, attempts, last_error FROM mail_outbox WHERE status <> 'sent' ORDER BY created_at`,
        )
        if (!rows.length) return io.out('Every queued email has been sent.')
        for (const r of rows) {
          io.out(
            `${r.note_id}  ${r.status}  phase ${r.phase ?? '-'}  attempts ${r.attempts}${r.last_error ? `  ${r.last_error}` : ''}`,
          )
        }
        if (rows.some((r) => r.status === 'unconfirmed')) {
          io.out(
            'Unconfirmed: handed to the mail server, whose answer never arrived. Look for Message-ID <warmline.note.NOTE_ID@…> in its log, then resend-mail NOTE_ID if it is not there, or confirm-mail NOTE_ID if it is.',
          )
        }
      }
    case 'resend-mail': {
      const noteId = needArg('NOTE_ID')
      return async (db, now) => {
        const rows = await db.query(
          `UPDATE mail_outbox SET status = 'pending', phase = NULL, next_attempt_at = $2, claimed_by = NULL
            WHERE note_id = $1::uuid AND status IN ('unconfirmed', 'failed') RETURNING note_id`,
          [noteId, now],
        )
        io.out(
          rows.length
            ? `Queued ${noteId} again.`
            : `No unconfirmed or failed email for note ${noteId}.`,
        )
      }
    }
    case 'confirm-mail': {
      const noteId = needArg('NOTE_ID')
      return async (db, now) => {
        const rows = await db.query(
          `UPDATE mail_outbox SET status = 'sent', phase = 'accepted', sent_at = $2,
                  last_error = 'Confirmed from the mail server log by an administrator.'
            WHERE note_id = $1::uuid AND status = 'unconfirmed' RETURNING note_id`,
          [noteId, now],
        )
        io.out(rows.length ? `Marked ${noteId} sent.` : `No unconfirmed email for note ${noteId}.`)
      }
    }
    default:
      throw new Error(command ? `Unknown command "${command}".\n${USAGE}` : USAGE)
  }
}

/** Runs one admin command; resolves to the process exit code. */
export async function runAdmin(argv: string[], io: AdminIo): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        ...STORAGE_FLAGS,
        username: { type: 'string' },
        role: { type: 'string' },
        'display-name': { type: 'string' },
        name: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    io.out(`${(error as Error).message}\n${USAGE}`)
    return 2
  }
  const [command, ...args] = parsed.positionals
  let action: Action
  try {
    action = await prepare(command, args, parsed.values, io)
  } catch (error) {
    io.out((error as Error).message)
    return 1
  }
  const db = await openDatabase(storageOptions(parsed.values, io.env))
  try {
    await migrate(db, Date.now)
    await action(db, Date.now())
    return 0
  } catch (error) {
    io.out(error instanceof Error ? error.message : String(error))
    return 1
  } finally {
    await db.close()
  }
}

/** From a pipe, the first line; at a terminal, typed without echo. */
async function readSecret(prompt: string): Promise<string> {
  if (!process.stdin.isTTY) {
    let text = ''
    for await (const chunk of process.stdin) text += String(chunk)
    return text.split(/\r?\n/)[0] ?? ''
  }
  process.stderr.write(prompt)
  const muted = new Writable({ write: (_chunk, _enc, done) => done() })
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true })
  const line = await new Promise<string>((resolve) => rl.once('line', resolve))
  rl.close()
  process.stderr.write('\n')
  return line
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await runAdmin(process.argv.slice(2), {
    env: process.env,
    out: (line) => console.log(line),
    readSecret,
  })
}
