/**
 * The agent's intake path in real Chromium, the whole desk on a station holding 100,000 tickets
 * (test/bench/intake-path.ts):
 *   intake.log_call_to_number_p95_ms     Ctrl+Enter to the ticket number painted
 *   store.record_event_intake_p95_ms     the commit that follows it in the background
 * Its own suite, so the path can be measured without the store suite's records and searches.
 */
import type { Emit } from '../bench'
import { runIntakePath } from '../intake-path'

export async function run(emit: Emit): Promise<void> {
  await runIntakePath(emit)
}
