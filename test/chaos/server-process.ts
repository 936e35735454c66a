/**
 * One central server process for the chaos floor: what `npm run server` runs, on the PostgreSQL
 * database the parent names. It prints its port once listening, so the parent can route to it,
 * and has no shutdown handler on purpose: the parent ends it with SIGKILL, as a crash would.
 */
import { jsonLogger, startServer } from '../../src/server/index'

const databaseUrl = process.env.DATABASE_URL
if (!databaseUrl) throw new Error('DATABASE_URL is required')
const server = await startServer({
  databaseUrl,
  port: Number(process.env.PORT ?? 0),
  host: '127.0.0.1',
  mailDir: process.env.MAIL_DIR,
  // Errors only, on stderr: the parent counts them, as a failed request is a finding.
  logger: jsonLogger((line) => process.stderr.write(line), 'error'),
})
process.stdout.write(`listening ${server.port}\n`)
// The parent holds our stdin open: when it goes away, however it ended, so does this process.
process.stdin.on('end', () => process.exit(1))
process.stdin.resume()
