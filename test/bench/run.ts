/**
 * `npm run bench [-- SUITE...]`: runs every suite in test/bench/suites, or the named ones, and
 * prints each figure as one JSON line on stdout:
 *   {"name":"store.record_event_p95_ms","value":4.2,"unit":"ms","goal":10,"better":"lower"}
 * Progress goes to stderr. The exit code is non-zero when a suite fails to run; a figure missing
 * its goal is reported on stderr but is a measurement, not a failure.
 */
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { meetsGoal, progress, type BenchResult, type SuiteRun } from './bench'

const suitesDir = path.join(import.meta.dirname, 'suites')

function isResult(value: unknown): value is BenchResult {
  if (typeof value !== 'object' || value === null) return false
  const r = value as Record<string, unknown>
  return (
    typeof r.name === 'string' &&
    typeof r.value === 'number' &&
    Number.isFinite(r.value) &&
    typeof r.unit === 'string' &&
    typeof r.goal === 'number' &&
    (r.better === 'lower' || r.better === 'higher')
  )
}

async function main(): Promise<number> {
  const available = readdirSync(suitesDir)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort()
  const requested = process.argv.slice(2).filter((arg) => arg !== '--')
  const unknown = requested.filter((name) => !available.includes(name))
  if (unknown.length > 0) {
    progress(`unknown suite(s): ${unknown.join(', ')}; available: ${available.join(', ')}`)
    return 2
  }
  const suites = requested.length > 0 ? requested : available
  let failed = 0
  for (const suite of suites) {
    const started = performance.now()
    progress(`suite ${suite}: starting`)
    const emit = (result: BenchResult) => {
      if (!isResult(result))
        throw new Error(`suite ${suite} emitted a malformed result: ${JSON.stringify(result)}`)
      const { name, value, unit, goal, better } = result
      process.stdout.write(`${JSON.stringify({ name, value, unit, goal, better })}\n`)
      progress(
        `${name} = ${value} ${unit} (goal ${better === 'lower' ? '≤' : '≥'} ${goal}${meetsGoal(result) ? '' : ', MISSED'})`,
      )
    }
    try {
      const module = (await import(pathToFileURL(path.join(suitesDir, `${suite}.ts`)).href)) as {
        run?: SuiteRun
      }
      if (typeof module.run !== 'function') throw new Error(`suite ${suite} exports no run(emit)`)
      await module.run(emit)
      progress(`suite ${suite}: done in ${((performance.now() - started) / 1000).toFixed(1)} s`)
    } catch (error) {
      failed += 1
      progress(
        `suite ${suite} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      )
    }
  }
  return failed > 0 ? 1 : 0
}

process.exitCode = await main()
