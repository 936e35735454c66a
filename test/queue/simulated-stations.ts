/**
 * Stations that are connected to the central server and behave like stations, without a UI:
 * each enrolled, signed in, on the live socket, taking each commit's events from it (pulling
 * only after a poke or to fill a gap in its cursor) and reporting its state after a pull. A
 * separate process, so their work does not share an event loop with what is measured.
 *
 *   tsx test/queue/simulated-stations.ts <server url> <admin token> <count>
 *
 * Prints `ready` once all are connected; on SIGTERM prints `pulls <n>` and exits.
 */
import WebSocket from 'ws'
import { DEMO_PASSWORD } from '../../src/server/setup'
import { ROUTES, serverLiveMessageSchema } from '../../src/shared/sync/wire'
import { serverApi, type ServerApi } from './server-api'

const [server, adminToken, countArg] = process.argv.slice(2)
if (!server || !adminToken || !countArg) {
  console.error('usage: simulated-stations.ts <server url> <admin token> <count>')
  process.exit(2)
}

let pulls = 0

async function connect(api: ServerApi, index: number): Promise<WebSocket> {
  const stationCode = await api.enroll(await api.issueCode(adminToken!), `Simulated ${index}`)
  const token = await api.login(index % 2 ? 'agent1' : 'agent2', DEMO_PASSWORD, stationCode)
  const socket = new WebSocket(`${server!.replace(/^http/, 'ws')}${ROUTES.live}`, [
    `bearer.${token}`,
  ])
  let cursor = 0
  let pulling = false
  const report = () =>
    socket.send(JSON.stringify({ type: 'report', pending: 0, lastSyncAt: Date.now() }))
  const pullUpTo = async (seq: number) => {
    for (let page = 0; cursor < seq && page < 100; page++) {
      const pulled = await api.pull(token, cursor)
      pulls += 1
      cursor = pulled.next
      if (pulled.upToDate) break
    }
    report()
  }
  socket.on('message', (data) => {
    const message = serverLiveMessageSchema.safeParse(JSON.parse(String(data)))
    if (!message.success) return
    const live = message.data
    // As the renderer does: a commit that follows the cursor is applied as it came.
    if (live.type === 'events' && live.after === cursor && !pulling) {
      cursor = live.next
      return
    }
    const upTo = live.type === 'events' ? live.next : live.type === 'poke' ? live.seq : 0
    if (upTo <= cursor || pulling) return
    pulling = true
    pullUpTo(upTo)
      .catch((error: unknown) => console.error(`simulated station ${index}:`, error))
      .finally(() => {
        pulling = false
      })
  })
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  report()
  return socket
}

const api = serverApi(server)
const sockets: WebSocket[] = []
for (let i = 0; i < Number(countArg); i++) sockets.push(await connect(api, i))
process.stdout.write('ready\n')
process.on('SIGTERM', () => {
  for (const socket of sockets) socket.terminate()
  process.stdout.write(`pulls ${pulls}\n`)
  process.exit(0)
})
