export {
  createStationStore,
  StoreError,
  type BootstrapState,
  type DirectoryData,
  type Draft,
  type PushResultsOutcome,
  type QueueKey,
  type QueueWindow,
  type RecordContext,
  type RecordResult,
  type RemotePage,
  type RemotePageResult,
  type StationStore,
  type StationStoreOptions,
  type TicketsChange,
} from './station-store'
export { STATION_DB_VERSION, type StoredEvent, type SyncState } from './db'
export { type NumberAuthority } from './ticket-numbers'
