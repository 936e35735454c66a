/**
 * What the queue's cells and panels read besides their row: the shared ticking clock and the
 * directory's names. A context, so a cell deep in the virtualised grid subscribes to the clock
 * itself and the grid never re-renders because time passed.
 */
import { createContext, useContext, useSyncExternalStore } from 'react'
import type { RoutingGuidance, Team, User } from '../../../shared/directory'
import type { Presence } from '../presence/presence'
import type { Ticker } from './clock'

/** The directory as the desk holds it (the app shell's `useDirectory()` fits as is). */
export interface QueueDirectory {
  teams: readonly Team[]
  routingGuidance: readonly RoutingGuidance[]
  users: readonly User[]
  teamName(teamId: string): string
  userName(username: string | null): string
}

export interface QueueEnv {
  ticker: Ticker
  directory: QueueDirectory
  /** Who else has which ticket open (absent where the screen runs without a live station). */
  presence?: Presence
}

const QueueEnvContext = createContext<QueueEnv | null>(null)
export const QueueEnvProvider = QueueEnvContext.Provider

export function useQueueEnv(): QueueEnv {
  const env = useContext(QueueEnvContext)
  if (!env) throw new Error('useQueueEnv outside <QueueEnvProvider>')
  return env
}

/**
 * A value derived from the clock, re-rendering only when the value changes: a timer showing
 * minutes renders once a minute although the clock ticks every second.
 */
export function useTicking<T extends string | number | boolean>(derive: (now: number) => T): T {
  const { ticker } = useQueueEnv()
  return useSyncExternalStore(ticker.subscribe, () => derive(ticker.now()))
}
