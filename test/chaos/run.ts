/**
 * `npm run chaos -- --seeds 200`: many seeds of the chaos floor, one after another on one
 * PostgreSQL cluster. Each seed prints a line on stderr as it ends; stdout gets one JSON line:
 * {"seeds","stations","events","lost","duplicated","divergent","duplicate_numbers","seconds"},
 * plus "failed" (the failing seeds) when there are any. Exit code 1 when any seed failed.
 *
 *   --seeds N        how many seeds (default 10), consecutive from --first
 *   --first S        the first seed (default: random, printed)
 *   --stations N     stations per seed (default 20; at least 20 is the point)
 *   --steps N        floor actions per seed (default 24)
 *   --profile-wipes  some station restarts come back on a cleared browser profile
 *   --parallel N     seeds run at once (default 2: a seed waits on its servers half the time)
 *   --deadline-s S   the whole run's deadline (default 3600 s)
 *   SEED=n           replays seed n alone
 */
import { parseArgs } from 'node:util'
import { startChaosCluster, type ChaosCluster } from './cluster'
import {
  DEFAULT_OPTIONS,
  failures,
  floorAccounts,
  runChaosSeed,
  type SeedReport,
} from './floor-chaos'

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '10' },
    first: { type: 'string' },
    stations: { type: 'string', default: String(DEFAULT_OPTIONS.stations) },
    steps: { type: 'string', default: String(DEFAULT_OPTIONS.steps) },
    parallel: { type: 'string', default: '2' },
    'profile-wipes': { type: 'boolean', default: false },
    'deadline-s': { type: 'string', default: '3600' },
  },
})
const replay = process.env.SEED ? Number(process.env.SEED) : null
const count = replay === null ? Number(values.seeds) : 1
const first = replay ?? (values.first ? Number(values.first) : Math.floor(Math.random() * 2 ** 30))
const options = {
  ...DEFAULT_OPTIONS,
  stations: Number(values.stations),
  steps: Number(values.steps),
  profileWipes: values['profile-wipes'],
}
const runDeadline = Date.now() + Number(values['deadline-s']) * 1000
console.error(
  `[chaos] seeds ${first}..${first + count - 1}, ${options.stations} stations, ${options.steps} steps`,
)

let cluster: ChaosCluster | null = null
let closing: Promise<void> | null = null
const shutDown = () => (closing ??= cluster?.close().catch(() => undefined) ?? Promise.resolve())
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void shutDown().then(() => process.exit(130)))

function printReport(report: SeedReport): void {
  const problems = failures(report)
  console.error(
    `[chaos] seed=${report.seed} ${problems.length ? `FAILED (${problems.join('; ')})` : 'ok'} ` +
      `events=${report.events} recorded=${report.recorded} rejected=${JSON.stringify(report.rejected)} ` +
      `kills=${report.kills} (mid-push ${report.killsMidPush}) restarts=${report.restarts} (fresh profile ${report.wipes}) faults=${JSON.stringify(report.faults)} ` +
      `serverErrors=${report.serverErrors.length} stationErrors=${report.stationErrors.length} ` +
      `${report.ms}ms (${report.phases})` +
      (report.stationErrors.length
        ? `\n  station: ${report.stationErrors.slice(0, 3).join('\n  ')}`
        : '') +
      (report.firstDifference ? `\n  first difference: ${report.firstDifference}` : '') +
      (report.lost.length ? `\n  lost: ${report.lost.slice(0, 5).join(' ')}` : '') +
      (report.serverErrors.length
        ? `\n  server: ${report.serverErrors.slice(0, 3).join('\n  ')}`
        : ''),
  )
}

const started = performance.now()
const reports: SeedReport[] = []
let exitCode = 0
try {
  cluster = await startChaosCluster(floorAccounts(options.stations))
  const ready = cluster
  let nextSeed = first
  const worker = async () => {
    while (nextSeed < first + count) {
      if (Date.now() > runDeadline) {
        console.error(`[chaos] run deadline passed after ${reports.length} seeds`)
        exitCode = 1
        return
      }
      const seed = nextSeed++
      const report = await runChaosSeed(ready, seed, {
        ...options,
        seedDeadlineMs: Math.min(options.seedDeadlineMs, runDeadline - Date.now()),
      })
      reports.push(report)
      printReport(report)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Number(values.parallel)) }, worker))
} catch (error) {
  console.error('[chaos] the run could not go on:', error)
  exitCode = 1
} finally {
  await shutDown()
}

const failed = reports.filter((r) => failures(r).length > 0).map((r) => r.seed)
const sum = (pick: (r: SeedReport) => number) => reports.reduce((n, r) => n + pick(r), 0)
console.log(
  JSON.stringify({
    seeds: reports.length,
    stations: options.stations,
    events: sum((r) => r.events),
    lost: sum((r) => r.lost.length),
    duplicated: sum((r) => r.duplicated.length),
    divergent: sum((r) => r.divergent.length),
    duplicate_numbers: sum((r) => r.duplicateNumbers.length),
    seconds: Math.round((performance.now() - started) / 100) / 10,
    ...(failed.length ? { failed } : {}),
  }),
)
process.exit(exitCode || (failed.length ? 1 : 0))
