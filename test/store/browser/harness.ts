/**
 * The page side of the Chromium store tests: the real store and the real domain, bundled with
 * `bundleForBrowser` and reachable from `page.evaluate` as `window.storeHarness`.
 */
import * as incident from '../../../src/shared/incident'
import { createStationStore } from '../../../src/renderer/src/store'
import { StationDb, ticketRow } from '../../../src/renderer/src/store/db'
import { memoryNumbers } from '../../support/ticket-numbers'
import * as fixtures from '../fixtures'
import * as redaction from '../redaction-scenarios'

const storeHarness = {
  createStationStore,
  StationDb,
  ticketRow,
  incident,
  fixtures,
  redaction,
  memoryNumbers,
}

export type StoreHarness = typeof storeHarness

declare global {
  interface Window {
    storeHarness: StoreHarness
  }
}

window.storeHarness = storeHarness
