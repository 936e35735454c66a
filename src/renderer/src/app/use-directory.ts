/** The directory as this station holds it, live: it changes when a newer copy arrives. */
import { useLiveQuery } from 'dexie-react-hooks'
import type { RoutingGuidance, Team, User } from '../../../shared/directory'
import { CSC_TEAM_ID } from '../../../shared/incident/vocabulary'
import { useDesk } from './desk'

export interface DirectoryView {
  /** False until the station store answered: an empty directory and a loading one differ. */
  loaded: boolean
  teams: Team[]
  routingGuidance: RoutingGuidance[]
  users: User[]
  teamName(teamId: string): string
  userName(username: string | null): string
}

const LOADING = {
  loaded: false,
  teams: [] as Team[],
  routingGuidance: [] as RoutingGuidance[],
  users: [] as User[],
}

export function useDirectory(): DirectoryView {
  const { store } = useDesk()
  const data = useLiveQuery(
    async () => {
      const [teams, routingGuidance, users] = await Promise.all([
        store.teams(),
        store.routingGuidance(),
        store.users(),
      ])
      return { loaded: true, teams, routingGuidance, users }
    },
    [store],
    LOADING,
  )
  return {
    ...data,
    teamName: (teamId) =>
      data.teams.find((t) => t.id === teamId)?.name ??
      (teamId === CSC_TEAM_ID ? 'Service Desk (CSC)' : teamId),
    userName: (username) =>
      username
        ? (data.users.find((u) => u.username === username)?.displayName ?? username)
        : 'nobody in particular',
  }
}
