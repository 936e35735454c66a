/**
 * Chaos at scale, a few seeds of it in `npm test` (many: `npm run chaos -- --seeds 200`). Each
 * seed: twenty stations with clocks up to five minutes off, agents and supervisors editing the
 * same tickets, outages, station restarts, two server processes on PostgreSQL behind a faulty
 * round-robin, one of them killed with SIGKILL while pushes are in flight. Then: zero events
 * lost, zero duplicated, every replica equal to the server, every ticket number unique.
 *
 * PRODUCT.md: nothing typed is lost; every ticket has one number; every station sees the same
 * tickets. `SEED=n` replays one seed (same decisions; real network timing).
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runSeed } from '../support/random'
import { startChaosCluster, type ChaosCluster } from './cluster'
import { DEFAULT_OPTIONS, floorAccounts, runChaosSeed } from './floor-chaos'

/** Seeds that once failed, each with what it found; they run in every `npm test`. */
const PINNED: readonly { seed: number; found: string }[] = [
  // Both: replicas diverged. Notes of S1 and S11/S16 stamped in the same millisecond with the same
  // counter were applied in the wrong order by the incremental fold (its in-order check compared
  // "hlc|id" as one string); fixed in src/shared/incident/fold.ts. 13 found it with 24 steps a seed,
  // 20 with today's options (15 hit its deadline on the same bug).
  { seed: 13, found: 'divergence: S1 and S16 notes of one instant applied out of order' },
  { seed: 20, found: 'divergence: S1 and S11 notes of one instant applied out of order' },
  { seed: 15, found: 'never agreed before its deadline, on the same fold bug' },
]

const FRESH = 1
const seeds = process.env.SEED
  ? [runSeed('chaos floor')]
  : [
      ...PINNED.map((p) => p.seed),
      ...Array.from({ length: FRESH }, (_, i) => runSeed(`chaos floor #${i + 1}`)),
    ]

let cluster: ChaosCluster | undefined

beforeAll(async () => {
  cluster = await startChaosCluster(floorAccounts(DEFAULT_OPTIONS.stations))
}, 120_000)

afterAll(async () => {
  await cluster?.close()
})

it.each(seeds)(
  `seed %i: ${DEFAULT_OPTIONS.stations} stations through crashes and faults lose nothing and agree`,
  async (seed) => {
    const report = await runChaosSeed(cluster!, seed)
    console.info(
      `[chaos floor] seed=${seed} events=${report.events} kills=${report.kills} (mid-push ${report.killsMidPush}) ` +
        `rejected=${JSON.stringify(report.rejected)} faults=${JSON.stringify(report.faults)} ${report.ms} ms`,
    )
    expect(report.error, `seed ${seed} ran to its verdict`).toBeNull()
    expect(report.kills, 'a server process was killed').toBeGreaterThan(0)
    expect(
      {
        lost: report.lost,
        duplicated: report.duplicated,
        divergent: report.divergent,
        duplicateNumbers: report.duplicateNumbers,
      },
      report.firstDifference ?? `seed ${seed}`,
    ).toEqual({ lost: [], duplicated: [], divergent: [], duplicateNumbers: [] })
    expect(report.events).toBeGreaterThan(0)
  },
  DEFAULT_OPTIONS.seedDeadlineMs + 60_000,
)
