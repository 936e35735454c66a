/**
 * The station's copy of the server's directory: teams, routing guidance, users, callers, call
 * templates and the priority policy tickets are folded with.
 */
import type { Table } from 'dexie'
import { callerOfRow, callerRow } from './db'
import { planSearch, prefixesAll, queryWords } from './query'
import { META, MAX_WINDOW, type StoreCore } from './store-core'
import type { StationStore } from './store-types'

export type Directory = Pick<
  StationStore,
  | 'replaceDirectory'
  | 'teams'
  | 'routingGuidance'
  | 'users'
  | 'templates'
  | 'priorityPolicy'
  | 'findCallers'
>

export function createDirectory(core: StoreCore): Directory {
  const { db } = core
  return {
    async replaceDirectory(directory) {
      const tables = [db.teams, db.routingGuidance, db.users, db.callers, db.templates, db.meta]
      await db.transaction('rw', tables, async () => {
        await replaceAll(db.teams, directory.teams)
        await replaceAll(db.routingGuidance, directory.routingGuidance)
        if (directory.users) await replaceAll(db.users, directory.users)
        if (directory.callers) await replaceAll(db.callers, directory.callers.map(callerRow))
        if (directory.templates) await replaceAll(db.templates, directory.templates)
        if (directory.policy) await core.putMeta(META.policy, directory.policy)
      })
      // Tickets already projected keep the targets they were folded with until they next change.
      if (directory.policy) core.policy = directory.policy
    },

    teams: () => db.teams.toArray(),
    routingGuidance: () => db.routingGuidance.toArray(),
    users: () => db.users.toArray(),
    templates: () => db.templates.toArray(),
    priorityPolicy: () => core.policy,

    async findCallers(query, limit = 20) {
      const bounded = Math.min(Math.max(limit, 0), MAX_WINDOW)
      const trimmed = query.trim()
      if (bounded === 0 || trimmed === '') return []
      const plan = planSearch(trimmed)
      if (plan.kind === 'phone') {
        const rows = await db.callers
          .where('phoneDigits')
          .startsWith(plan.digits)
          .limit(bounded)
          .toArray()
        return rows.map(callerOfRow)
      }
      const words = queryWords(trimmed)
      if (words.length === 0) return []
      const [byUsername, byName] = await Promise.all([
        words.length === 1
          ? db.callers.where('usernameKey').startsWith(words[0]!).limit(bounded).toArray()
          : Promise.resolve([]),
        db.callers
          .where('nameWords')
          .startsWith(longest(words))
          .distinct()
          .filter((row) => prefixesAll(row.nameWords, words))
          .limit(bounded)
          .toArray(),
      ])
      const unique = new Map([...byUsername, ...byName].map((row) => [row.id, row]))
      return [...unique.values()].slice(0, bounded).map(callerOfRow)
    },
  }
}

function longest(words: readonly string[]): string {
  return words.reduce((a, b) => (b.length > a.length ? b : a))
}

async function replaceAll<T>(table: Table<T, string>, rows: readonly T[]): Promise<void> {
  await table.clear()
  await table.bulkPut([...rows])
}
