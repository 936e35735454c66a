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
    /** The draft still to write, if any; only the latest matters, so later ones replace it. */
    let next: { draft: IntakeDraft | null } | null = null
    let writing = false

    // One write at a time, latest first: a burst of keystrokes costs one write in flight and one
    // waiting, not one per key (each write is a flushed IndexedDB commit that a logging call
    // would queue behind).
    async function writeLatest(): Promise<void> {
      writing = true
      while (next && !stopped) {
        const { draft } = next
        next = null
        try {
          await (draft && draftHasContent(draft)
            ? desk.store.saveDraft(key, draft)
            : desk.store.clearDraft(key))
          if (!next && !stopped) desk.intake.getState().markSaved(Date.now())
        } catch (error) {
          // The next change tries again.
          desk.intake
            .getState()
            .markSaveFailed(error instanceof Error ? error.message : String(error))
        }
      }
      writing = false
    }

    // A draft typed before the saved one came back must not overwrite it unseen: writes start
    // after the restore.
    const restored = desk.store.loadDraft<IntakeDraft>(key).then((saved) => {
      const current = desk.intake.getState().draft
      if (stopped || !saved || (current && draftHasContent(current))) return
      desk.intake.getState().restore(saved.value)
      desk.nav.getState().go({ name: 'intake' })
    })
    const unsubscribe = desk.intake.subscribe((state, previous) => {
      if (state.draft === previous.draft) return
      next = { draft: state.draft }
      if (!state.saving) desk.intake.getState().markSaving()
      if (!writing) void restored.then(writeLatest)
    })
    return () => {
      stopped = true
      unsubscribe()
    }
  }, [desk, username])
}
