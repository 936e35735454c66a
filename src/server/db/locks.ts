/** Transaction-level advisory lock keys, one per critical section that spans processes. */
export const ADVISORY_LOCKS = {
  migrate: 7_301_001,
  /** Held while events get their `seq` and the projection moves: commit order = `seq` order. */
  eventLog: 7_301_002,
  /** First-run setup: two concurrent setup calls cannot both create a first administrator. */
  setup: 7_301_003,
  /** With a call id's hash as the second key: one call's events fold one at a time. */
  call: 7_301_004,
  /** Changes that could leave no active administrator: one at a time, re-counted inside. */
  admins: 7_301_010,
} as const
