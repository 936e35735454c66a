/**
 * UI state of the call intake. The draft here is the one the agent sees; `useDraftPersistence`
 * mirrors it into the station store as it changes, and `restore` brings it back after a reload.
 */
import { createStore } from 'zustand/vanilla'
import type { CallTemplate } from '../../../shared/directory'
import type { Ticket } from '../../../shared/incident/ticket'
import type { IdentityItem } from '../../../shared/incident/vocabulary'
import { NO_REFUSALS, type FormRefusals } from '../ui/rule-errors'
import { applyTemplate, emptyDraft, type CallerFields, type IntakeDraft } from './draft'

export interface LoggedCall {
  /** The ticket as the write that logged it committed it. */
  ticket: Ticket
}

export interface IntakeState {
  /** Null while no call is being taken. */
  draft: IntakeDraft | null
  refusals: FormRefusals
  /** The call logged last: its number stays on screen for the agent to read out. */
  logged: LoggedCall | null
  /** Bumped when something asks the intake to put the cursor back into the caller box. */
  focusCallerRequest: number
  /** When the station store last confirmed the draft written. */
  savedAt: number | null
  /** A write of the draft is on its way to the station store. */
  saving: boolean
  /** Set while the draft could not be written; the agent is told rather than surprised later. */
  saveError: string | null
  start(now: number): void
  restore(draft: IntakeDraft): void
  update(patch: Partial<IntakeDraft>): void
  setCaller(caller: CallerFields, callerQuery?: string): void
  applyTemplate(template: CallTemplate): void
  toggleIdentity(item: IdentityItem): void
  refuse(refusals: FormRefusals): void
  loggedAs(call: LoggedCall): void
  discard(): void
  focusCaller(): void
  markSaving(): void
  markSaved(at: number): void
  markSaveFailed(message: string): void
}

export function createIntakeStore() {
  return createStore<IntakeState>()((set, get) => {
    /** Every edit clears the refusals it may have answered: they come back on the next try. */
    const edit = (next: (draft: IntakeDraft) => IntakeDraft) => {
      const { draft } = get()
      if (draft) set({ draft: next(draft), refusals: NO_REFUSALS })
    }
    return {
      draft: null,
      refusals: NO_REFUSALS,
      logged: null,
      focusCallerRequest: 0,
      savedAt: null,
      saving: false,
      saveError: null,
      start(now) {
        // A call already in progress is never thrown away by a stray Ctrl+N.
        if (!get().draft) set({ draft: emptyDraft(now), refusals: NO_REFUSALS })
        get().focusCaller()
      },
      restore(draft) {
        set({ draft, refusals: NO_REFUSALS })
      },
      update(patch) {
        edit((draft) => ({ ...draft, ...patch }))
      },
      setCaller(caller, callerQuery) {
        edit((draft) => ({ ...draft, caller, callerQuery: callerQuery ?? draft.callerQuery }))
      },
      applyTemplate(template) {
        edit((draft) => applyTemplate(draft, template))
      },
      toggleIdentity(item) {
        edit((draft) => ({
          ...draft,
          identity: draft.identity.includes(item)
            ? draft.identity.filter((i) => i !== item)
            : [...draft.identity, item],
        }))
      },
      refuse(refusals) {
        set({ refusals })
      },
      loggedAs(call) {
        set({ draft: null, refusals: NO_REFUSALS, logged: call })
      },
      discard() {
        set({ draft: null, refusals: NO_REFUSALS })
      },
      focusCaller() {
        set({ focusCallerRequest: get().focusCallerRequest + 1 })
      },
      markSaving() {
        set({ saving: true })
      },
      markSaved(at) {
        set({ savedAt: at, saving: false, saveError: null })
      },
      markSaveFailed(message) {
        set({ saveError: message })
      },
    }
  })
}

export type IntakeStore = ReturnType<typeof createIntakeStore>
