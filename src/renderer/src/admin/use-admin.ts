/**
 * The console's plumbing: loading a list from main, running a change and saying how it went,
 * and checking a form against the same zod schema the server uses before the round trip.
 */
import { useCallback, useEffect, useState } from 'react'
import type { z } from 'zod'
import { plainError } from '../session/session-store'

export type FieldErrors = Record<string, string>

/** The first problem of each field, keyed by its path (`teamId`, `matrix.0.1`); `''` for the form. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of error.issues) {
    const key = issue.path.join('.')
    errors[key] ??= issue.message
  }
  return errors
}

/** Parses `value` with `schema`: the data, or the errors to show beside the fields. */
export function check<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; data: z.output<S> } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(value)
  return parsed.success
    ? { ok: true, data: parsed.data }
    : { ok: false, errors: fieldErrors(parsed.error) }
}

/** A list the console shows: loaded on mount, reloaded after each change, extended by pages. */
export function useLoaded<T>(load: () => Promise<T>): {
  data: T | null
  error: string | null
  reload: () => Promise<void>
  /** Adds what `work` loads (the next page) to what is shown. */
  more: (work: Promise<T>, merge: (shown: T, next: T) => T) => Promise<void>
} {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const settle = useCallback(
    (
      work: Promise<T>,
      current: () => boolean = () => true,
      merge: (shown: T, next: T) => T = (_, next) => next,
    ) =>
      work.then(
        (value) => {
          if (!current()) return
          setData((shown) => (shown === null ? value : merge(shown, value)))
          setError(null)
        },
        (e: unknown) => {
          if (current()) setError(plainError(e))
        },
      ),
    [],
  )
  useEffect(() => {
    let current = true
    void settle(load(), () => current)
    return () => {
      current = false
    }
  }, [load, settle])
  const reload = useCallback(() => settle(load()), [load, settle])
  const more = useCallback(
    (work: Promise<T>, merge: (shown: T, next: T) => T) => settle(work, () => true, merge),
    [settle],
  )
  return { data, error, reload, more }
}

/**
 * Runs changes one at a time and keeps the outcome in words, for a `role="status"` line. `change`
 * reloads the lists it names afterwards, whether it worked or not, so they show what the server has.
 */
export function useOutcome(): {
  busy: boolean
  message: { text: string; failed: boolean } | null
  run: (work: () => Promise<string>) => Promise<boolean>
  change: (
    work: () => Promise<string>,
    ...lists: readonly { reload: () => Promise<void> }[]
  ) => Promise<boolean>
} {
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<{ text: string; failed: boolean } | null>(null)
  const run = useCallback(async (work: () => Promise<string>) => {
    setBusy(true)
    try {
      setMessage({ text: await work(), failed: false })
      return true
    } catch (e) {
      setMessage({ text: plainError(e), failed: true })
      return false
    } finally {
      setBusy(false)
    }
  }, [])
  const change = useCallback(
    async (work: () => Promise<string>, ...lists: readonly { reload: () => Promise<void> }[]) => {
      const done = await run(work)
      await Promise.all(lists.map((list) => list.reload()))
      return done
    },
    [run],
  )
  return { busy, message, run, change }
}
