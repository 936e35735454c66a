/** Rule 10's directory settings as this station holds them, live (the radar, who escalation reaches). */
import { useLiveQuery } from 'dexie-react-hooks'
import {
  DEFAULT_MAJOR_INCIDENT_SETTINGS,
  type MajorIncidentSettings,
} from '../../../shared/directory'
import { useDesk } from './desk'

export function useMajorIncidentSettings(): MajorIncidentSettings {
  const { store } = useDesk()
  return useLiveQuery(() => store.majorIncidentSettings(), [store], DEFAULT_MAJOR_INCIDENT_SETTINGS)
}
