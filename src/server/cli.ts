/**
 * `npm run server -- --port 8080 --data-dir ./data [--trusted-proxies 10.0.0.5,10.1.0.0/16]
 * [--mail-in-port 2525 [--mail-in-host 127.0.0.1]] [--time-zone Europe/Berlin]` (env: PORT, HOST,
 * WARMLINE_DATA_DIR, DATABASE_URL, WARMLINE_SMTP_URL, WARMLINE_MAIL_FROM, WARMLINE_TRUSTED_PROXIES,
 * WARMLINE_MAIL_IN_PORT, WARMLINE_MAIL_IN_HOST, WARMLINE_TIME_ZONE — the default business
 * calendar's zone). Stops gracefully on SIGINT / SIGTERM.
 */
import { parseArgs } from 'node:util'
import { parseTrustedProxies } from './auth/client-address'
import { calendarZone, startServer } from './index'
import { jsonLogger } from './log'
import { addressList, STORAGE_FLAGS, storageOptions } from './options'

const { values } = parseArgs({
  options: {
    ...STORAGE_FLAGS,
    port: { type: 'string' },
    host: { type: 'string' },
    'trusted-proxies': { type: 'string' },
    'time-zone': { type: 'string' },
    'mail-in-port': { type: 'string' },
    'mail-in-host': { type: 'string' },
  },
  strict: true,
})
const env = process.env
function portFrom(value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback
  const port = Number(value)
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`Not a port: ${value}`)
    process.exit(2)
  }
  return port
}
const port = portFrom(values.port ?? env.PORT, 8080)!
// Email in is off unless a port is given: an SMTP listener is a deliberate choice.
const mailInPort = portFrom(values['mail-in-port'] ?? env.WARMLINE_MAIL_IN_PORT, undefined)
const mailInHost = values['mail-in-host'] ?? env.WARMLINE_MAIL_IN_HOST
const logger = jsonLogger()
const trustedProxies = addressList(values['trusted-proxies'] ?? env.WARMLINE_TRUSTED_PROXIES)
try {
  parseTrustedProxies(trustedProxies)
} catch (error) {
  console.error((error as Error).message)
  process.exit(2)
}
let timeZone: string
try {
  timeZone = calendarZone(values['time-zone'] ?? env.WARMLINE_TIME_ZONE)
} catch (error) {
  console.error((error as Error).message)
  process.exit(2)
}
const server = await startServer({
  timeZone,
  ...storageOptions(values, env),
  port,
  host: values.host ?? env.HOST ?? '127.0.0.1',
  ...(env.WARMLINE_SMTP_URL ? { smtp: { url: env.WARMLINE_SMTP_URL } } : {}),
  ...(env.WARMLINE_MAIL_FROM ? { mailFrom: env.WARMLINE_MAIL_FROM } : {}),
  ...(trustedProxies.length ? { trustedProxies } : {}),
  ...(mailInPort !== undefined
    ? { mailIn: { port: mailInPort, ...(mailInHost ? { host: mailInHost } : {}) } }
    : {}),
  logger,
})

let stopping = false
const stop = (signal: string) => {
  if (stopping) return
  stopping = true
  logger.log('info', 'shutting down', { signal })
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    },
  )
}
process.on('SIGINT', () => stop('SIGINT'))
process.on('SIGTERM', () => stop('SIGTERM'))
