/**
 * A child process for the counter's crash test: reserves blocks of ticket numbers one after the
 * other and prints each block once `reserve` has resolved (that is, once it was handed out), until
 * it is killed.
 */
import { TicketNumbers } from '../../../src/main/station/ticket-numbers'

const [file, stationCode] = process.argv.slice(2) as [string, string]
const numbers = await TicketNumbers.open(file)
for (let i = 0; i < 100_000; i++) {
  const block = await numbers.reserve(stationCode, 3)
  process.stdout.write(`${block.first}-${block.last}\n`)
}
