/**
 * The benchmark contract: a suite is `test/bench/suites/<name>.ts` exporting
 * `async function run(emit)`; every figure it measures goes out through `emit` as one JSON line.
 */
export interface BenchResult {
  /** `<suite>.<metric>_<unit>`, e.g. `store.record_event_p95_ms`. */
  name: string
  value: number
  unit: string
  goal: number
  better: 'lower' | 'higher'
}

export type Emit = (result: BenchResult) => void

export type SuiteRun = (emit: Emit) => Promise<void>

/** Progress for the person watching: stderr, so stdout stays one JSON object per line. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`)
}

/** The p-th percentile (0–100) by the nearest-rank method. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values')
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

export function meetsGoal(result: BenchResult): boolean {
  return result.better === 'lower' ? result.value <= result.goal : result.value >= result.goal
}
