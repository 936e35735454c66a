/**
 * UI state of the call intake. The draft here is the one the agent sees; the unfinished ones are
 * calls left before they were logged (a caller who hung up), kept apart so that no call is ever
 * typed into another. `useDraftPersistence` mirrors all of them into the station store as they
 * change, and `restore` brings them back after a reload.
 */
import { createStore } from 'zustand/vanilla'
import type { CallTemplate } from '../../../shared/directory'
import type { Ticket } from '../../../shared/incident/ticket'
import type { IdentityItem } from '../../../shared/incident/vocabulary'
import { NO_REFUSALS, type FormRefusals } from '../ui/rule-errors'
import {
  applyTemplate,
  draftHasContent,
  emptyDraft,
  type CallerFields,
  type IntakeDraft,
} from './draft'

export interface LoggedCall {
  /** The ticket as the write that logged it committed it. */
  ticket: Ticket
}

export interface IntakeState {
  /** Null while no call is being taken. */
  draft: IntakeDraft | null
  /** Calls left before they were logged, newest first: resumed or discarded, never merged. */
  unfinished: readonly IntakeDraft[]
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
  /**
   * Always a fresh call, whoever asks (Ctrl+N, the screen pop, a call link); `fields` are what
   * the asker already knows of it. A call on screen with anything typed joins the unfinished.
   */
  start(now: number, fields?: Partial<Pick<IntakeDraft, 'callerQuery' | 'callId'>>): void
  /** Back to an unfinished call; the one on screen, if typed, takes its place in the list. */
  resume(id: string): void
  discardUnfinished(id: string): void
  /**
   * What the station store held: the call that was on screen (null keeps the one on screen now),
   * and those left unfinished.
   */
  restore(current: IntakeDraft | null, unfinished: readonly IntakeDraft[]): void
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

const newestFirst = (drafts: readonly IntakeDraft[]) =>
  [...drafts].sort((a, b) => b.startedAt - a.startedAt)

export function createIntakeStore() {
  return createStore<IntakeState>()((set, get) => {
    /** Every edit clears the refusals it may have answered: they come back on the next try. */
    const edit = (next: (draft: IntakeDraft) => IntakeDraft) => {
      const { draft } = get()
      if (draft) set({ draft: next(draft), refusals: NO_REFUSALS })
    }
    /** The unfinished list with the call on screen moved into it, if anything was typed. */
    const parked = (except?: string): readonly IntakeDraft[] => {
      const { draft, unfinished } = get()
      const rest = unfinished.filter((d) => d.id !== except)
      return draft && draftHasContent(draft) ? newestFirst([draft, ...rest]) : rest
    }
    return {
      draft: null,
      unfinished: [],
      refusals: NO_REFUSALS,
      logged: null,
      focusCallerRequest: 0,
      savedAt: null,
      saving: false,
      saveError: null,
      start(now, fields = {}) {
        set({
          draft: { ...emptyDraft(now), ...fields },
          unfinished: parked(),
          refusals: NO_REFUSALS,
        })
        get().focusCaller()
      },
      resume(id) {
        const chosen = get().unfinished.find((d) => d.id === id)
        if (!chosen) return
        set({ draft: chosen, unfinished: parked(id), refusals: NO_REFUSALS })
        get().focusCaller()
      },
      discardUnfinished(id) {
        set({ unfinished: get().unfinished.filter((d) => d.id !== id) })
      },
      restore(current, unfinished) {
        const known = new Set(get().unfinished.map((d) => d.id))
        set({
          draft: current ?? get().draft,
          unfinished: newestFirst([
            ...get().unfinished,
            ...unfinished.filter((d) => !known.has(d.id)),
          ]),
          refusals: NO_REFUSALS,
        })
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
