/**
 * Drafts: what the agent is typing, saved as they type, as `meta` rows under one key prefix so
 * the unfinished ones are listed by one key range.
 */
import type { StoreCore } from './store-core'
import type { Draft, StationStore } from './store-types'

const DRAFT_PREFIX = 'draft:'

export type Drafts = Pick<StationStore, 'saveDraft' | 'loadDraft' | 'clearDraft' | 'listDrafts'>

export function createDrafts(core: StoreCore): Drafts {
  const { db } = core
  return {
    async saveDraft(key, value) {
      await db.meta.put({ key: DRAFT_PREFIX + key, value: { value, savedAt: core.now() } })
    },

    async loadDraft<T>(key: string) {
      return core.getMeta<Draft<T>>(DRAFT_PREFIX + key)
    },

    async clearDraft(key) {
      await db.meta.delete(DRAFT_PREFIX + key)
    },

    async listDrafts() {
      const rows = await db.meta.where('key').startsWith(DRAFT_PREFIX).toArray()
      return rows.map((row) => ({
        key: row.key.slice(DRAFT_PREFIX.length),
        savedAt: (row.value as Draft<unknown>).savedAt,
      }))
    },
  }
}
