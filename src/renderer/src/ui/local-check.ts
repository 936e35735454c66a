/**
 * What a form can check before the round trip: the same zod schema the station service and the
 * central server judge the request by (required fields, lengths, the password's length, an
 * email's shape), so the answer is the same, only sooner, and under the field it is about.
 */
import { useRef, useState, type RefObject } from 'react'
import { flushSync } from 'react-dom'
import type { z } from 'zod'
import { fieldIssues } from '../../../shared/plain-words'
import { NO_REFUSALS, sortRefusals, type FormRefusals } from './rule-errors'

export interface LocalCheck {
  refusals: FormRefusals
  /** The form the check belongs to: the cursor goes to its first refused field. */
  formRef: RefObject<HTMLFormElement | null>
  /** True when `value` passes; otherwise the refusals show and the first refused field has focus. */
  passes(value: unknown): boolean
  clear(): void
}

export function useLocalCheck(schema: z.ZodType, fields: readonly string[]): LocalCheck {
  const [refusals, setRefusals] = useState<FormRefusals>(NO_REFUSALS)
  const formRef = useRef<HTMLFormElement>(null)
  return {
    refusals,
    formRef,
    passes(value) {
      const result = schema.safeParse(value)
      if (result.success) {
        setRefusals(NO_REFUSALS)
        return true
      }
      flushSync(() => setRefusals(sortRefusals(fieldIssues(result.error), fields)))
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
      return false
    },
    clear: () => setRefusals(NO_REFUSALS),
  }
}
