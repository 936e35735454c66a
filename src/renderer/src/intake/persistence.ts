/**
 * The intake draft lives in the station store as it is typed: every change is written (in order,
 * the latest last), and after a crash or reload the agent's call comes back where it was.
 */
import { useEffect } from 'react'
import { useDesk, useSession } from '../app/desk'
import { draftHasContent, type IntakeDraft } from './draft'

export const intakeDraftKey = (username: string) => `intake:${username}`

export function useDraftPersistence(): void {
  const desk = useDesk()
  const username = useSession((s) => s.user?.username)
  useEffect(() => {
    if (!username) return
    const key = intakeDraftKey(username)
    let stopped = false
    // Every write waits for the one before, and the first for the restore: a draft typed before
    // the saved one came back must not overwrite it unseen.
    let chain = desk.store.loadDraft<IntakeDraft>(key).then((saved) => {
      const current = desk.intake.getState().draft
      if (stopped || !saved || (current && draftHasContent(current))) return
      desk.intake.getState().restore(saved.value)
      desk.nav.getState().go({ name: 'intake' })
    })
    let queued = 0
    const unsubscribe = desk.intake.subscribe((state, previous) => {
      if (state.draft === previous.draft) return
      const draft = state.draft
      queued++
      if (!state.saving) desk.intake.getState().markSaving()
      chain = chain
        .then(() =>
          draft && draftHasContent(draft)
            ? desk.store.saveDraft(key, draft)
            : desk.store.clearDraft(key),
        )
        .then(
          () => {
            // "Saved" only once the latest change is written, not an earlier one.
            if (--queued === 0 && !stopped) desk.intake.getState().markSaved(Date.now())
          },
          (error: unknown) => {
            queued--
            // Keep the chain alive: the next keystroke tries again.
            desk.intake
              .getState()
              .markSaveFailed(error instanceof Error ? error.message : String(error))
          },
        )
    })
    return () => {
      stopped = true
      unsubscribe()
    }
  }, [desk, username])
}
