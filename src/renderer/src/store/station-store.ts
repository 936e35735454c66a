/**
 * The station store: the repository the UI works through (ARCHITECTURE.md "Stores"). Every write
 * is one IndexedDB transaction that writes the events *and* the tickets projection they change, so
 * a crash leaves either both or neither. Reads are index lookups with limits, never scans.
 *
 * Events made here are `pending` until the server answers for them (`applyPushResults`); events
 * from the server arrive in pages (`applyRemotePage`) that move the pull cursor in the same
 * transaction. A rejected event stays in the log, visible, but leaves the projection: the server
 * and every other station never see it, and all replicas must fold the same set.
 *
 * Each seam is its own module: the write path (write-path.ts with optimistic-write.ts and
 * projection.ts), sync writes (sync-writes.ts), a new station's bootstrap (bootstrap-writes.ts),
 * search (search.ts), queue windows (queue-windows.ts), the directory (directory.ts) and drafts
 * (drafts.ts), over the state they share (store-core.ts). This file only assembles them.
 */
import {
  DEFAULT_PRIORITY_POLICY,
  priorityPolicySchema,
  type PriorityPolicy,
} from '../../../shared/incident/priority'
import { createBootstrapWrites } from './bootstrap-writes'
import { StationDb } from './db'
import { createDirectory } from './directory'
import { createDrafts } from './drafts'
import { createProjection } from './projection'
import { createQueueWindows } from './queue-windows'
import { createTicketSearch } from './search'
import { META, createStoreCore, type StationMeta } from './store-core'
import type { StationStore, StationStoreOptions } from './store-types'
import { createSyncWrites } from './sync-writes'
import { NumberPool } from './ticket-numbers'
import { createWritePath, prefetchNumbers } from './write-path'

export * from './store-types'

/**
 * Opens (creating or upgrading) the station database `name` and returns its repository.
 */
export async function createStationStore(
  name: string,
  options: StationStoreOptions,
): Promise<StationStore> {
  const db = new StationDb(name, options)
  await db.open()
  const stationMeta = async () =>
    (await db.meta.get(META.station))?.value as StationMeta | undefined
  const numbers = new NumberPool(
    options.numbers,
    async (code) => (await stationMeta())?.lastSequence[code] ?? 0,
  )
  // A policy cached before the business calendar existed reads with the default calendar.
  const cachedPolicy = priorityPolicySchema.safeParse((await db.meta.get(META.policy))?.value)
  const policy: PriorityPolicy = cachedPolicy.success ? cachedPolicy.data : DEFAULT_PRIORITY_POLICY
  const core = createStoreCore(db, options.now ?? Date.now, numbers, policy)
  const projection = createProjection(core)

  const bootstrap = createBootstrapWrites(
    core,
    () => new StationDb(name, { ...options, durability: 'relaxed', keepsWords: false }),
  )
  const { close: closeBootstrap, ...bootstrapWrites } = bootstrap
  const store: StationStore = {
    name,
    close: () => {
      closeBootstrap()
      db.close()
    },
    ...createWritePath(core, projection),
    ...createSyncWrites(core, projection),
    ...bootstrapWrites,
    ...createTicketSearch(core),
    ...createQueueWindows(core),
    ...createDirectory(core),
    ...createDrafts(core),
    onTicketsChanged: core.onTicketsChanged,
  }
  const known = await stationMeta()
  if (known) prefetchNumbers(core, known.code)
  return store
}
