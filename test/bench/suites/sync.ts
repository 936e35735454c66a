/**
 * Sync across the floor, at the scale of a whole floor reconnecting:
 *   sync.catch_up_50x8h_s   50 stations, each back from 8 hours offline with ~300 events, until every
 *                           replica equals the central server (goal ≤ 10 s); see sync/catch-up.ts
 */
import type { Emit } from '../bench'
import { measureCatchUp } from '../sync/catch-up'

export async function run(emit: Emit): Promise<void> {
  await measureCatchUp(emit)
}
