/**
 * Every intake draft lives in the station store as it is typed, one record per call: the call on
 * screen and each unfinished one. Every change is written (in order, the latest last), and after
 * a crash or reload the agent's call comes back where it was, and the unfinished ones with it.
 */
import { useEffect } from 'react'
import { useDesk, useSession } from '../app/desk'
import type { Desk } from '../app/desk'
import { draftHasContent, emptyDraft, type IntakeDraft } from './draft'
import type { IntakeState } from './intake-store'

/** Where one call's draft is kept. */
export const intakeDraftKey = (username: string, draftId: string) => `intake:${username}:${draftId}`

/** Before drafts were kept per call, one record per user held the call on screen. */
const legacyDraftKey = (username: string) => `intake:${username}`

/** What is stored per call: the draft, and whether it was the one on screen. */
export interface SavedDraft {
  draft: IntakeDraft
  onScreen: boolean
}

type Wanted = ReadonlyMap<string, SavedDraft>

/** The records the intake's state asks for: an untouched call on screen is not worth keeping. */
export function wantedDrafts(state: Pick<IntakeState, 'draft' | 'unfinished'>): Wanted {
  const wanted = new Map<string, SavedDraft>()
  for (const draft of state.unfinished) wanted.set(draft.id, { draft, onScreen: false })
  if (state.draft && draftHasContent(state.draft))
    wanted.set(state.draft.id, { draft: state.draft, onScreen: true })
  return wanted
}

/** What to write (a record) or remove (null) to go from `before` to `after`, by draft id. */
export function draftChanges(before: Wanted, after: Wanted): Map<string, SavedDraft | null> {
  const changes = new Map<string, SavedDraft | null>()
  for (const [id, saved] of after) {
    const previous = before.get(id)
    if (previous?.draft !== saved.draft || previous.onScreen !== saved.onScreen)
      changes.set(id, saved)
  }
  for (const id of before.keys()) if (!after.has(id)) changes.set(id, null)
  return changes
}

/** A stored draft as this version knows it: fields added since it was written get defaults. */
function normalised(value: unknown, id: string): IntakeDraft | null {
  if (typeof value !== 'object' || value === null) return null
  const draft = value as Partial<IntakeDraft>
  if (typeof draft.startedAt !== 'number') return null
  return { ...emptyDraft(draft.startedAt, id), ...draft, id }
}

interface Loaded {
  current: IntakeDraft | null
  unfinished: IntakeDraft[]
  /** A record in the old one-per-user place, to remove once its call is stored per call. */
  legacy: boolean
}

async function loadDrafts(store: Desk['store'], username: string): Promise<Loaded> {
  const prefix = intakeDraftKey(username, '')
  const keys = (await store.listDrafts())
    .filter(({ key }) => key.startsWith(prefix) || key === legacyDraftKey(username))
    .sort((a, b) => b.savedAt - a.savedAt)
  const loaded: Loaded = { current: null, unfinished: [], legacy: false }
  for (const { key } of keys) {
    const saved = (await store.loadDraft<unknown>(key))?.value
    if (key === legacyDraftKey(username)) {
      const draft = normalised(saved, emptyDraft(Date.now()).id)
      loaded.legacy = draft !== null
      if (draft && !loaded.current) loaded.current = draft
      else if (draft) loaded.unfinished.push(draft)
      continue
    }
    const record = saved as Partial<SavedDraft> | undefined
    const draft = normalised(record?.draft, key.slice(prefix.length))
    if (!draft) continue
    // Two windows may each have left a call on screen; the later one comes back on screen.
    if (record?.onScreen && !loaded.current) loaded.current = draft
    else loaded.unfinished.push(draft)
  }
  return loaded
}

export function useDraftPersistence(): void {
  const desk = useDesk()
  const username = useSession((s) => s.user?.username)
  useEffect(() => {
    if (!username) return
    const intake = desk.intake
    let stopped = false
    /** The records still to write (or remove, null), by store key; only the latest matters. */
    const pending = new Map<string, SavedDraft | null>()
    let written: Wanted = new Map()
    let writing = false
    let restoring = true
    let legacy = false

    // One write at a time, latest first: a burst of keystrokes costs one write in flight and one
    // waiting, not one per key (each write is a flushed IndexedDB commit that a logging call
    // would queue behind).
    async function writeLatest(): Promise<void> {
      writing = true
      while (pending.size > 0 && !stopped) {
        const [key, saved] = pending.entries().next().value!
        pending.delete(key)
        try {
          await (saved ? desk.store.saveDraft(key, saved) : desk.store.clearDraft(key))
          if (pending.size === 0 && !stopped) intake.getState().markSaved(Date.now())
        } catch (error) {
          // The next change tries again.
          intake.getState().markSaveFailed(error instanceof Error ? error.message : String(error))
        }
      }
      writing = false
    }

    function enqueue(key: string, saved: SavedDraft | null): void {
      // Re-inserted, so a call's latest record is written after whatever was queued before it.
      pending.delete(key)
      pending.set(key, saved)
    }

    function follow(state: IntakeState): void {
      // Writes start after the restore: a draft typed meanwhile is diffed against what came back.
      if (restoring) return
      const wanted = wantedDrafts(state)
      const changes = draftChanges(written, wanted)
      written = wanted
      if (changes.size === 0) return
      for (const [id, saved] of changes) enqueue(intakeDraftKey(username!, id), saved)
      if (!state.saving) intake.getState().markSaving()
      if (!writing) void writeLatest()
    }

    const unsubscribe = intake.subscribe((state, previous) => {
      if (state.draft !== previous.draft || state.unfinished !== previous.unfinished) follow(state)
    })
    void loadDrafts(desk.store, username)
      .then((loaded) => {
        if (stopped) return
        // A call already typed in this window stays on screen; the saved one joins the list.
        const typed = intake.getState().draft
        const onScreen = typed !== null && draftHasContent(typed) ? null : loaded.current
        const unfinished = [...loaded.unfinished]
        if (!onScreen && loaded.current) unfinished.push(loaded.current)
        intake.getState().restore(onScreen, unfinished)
        if (onScreen) desk.nav.getState().go({ name: 'intake' })
        // What came back is stored already, except a call from the old one-per-user place:
        // that one is written per call first, then its old record goes, so a crash loses nothing.
        written = new Map(
          [...wantedDrafts(intake.getState())].filter(
            ([id]) => !loaded.legacy || id !== loaded.current?.id,
          ),
        )
        legacy = loaded.legacy
      })
      .catch((error: unknown) =>
        intake.getState().markSaveFailed(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => {
        restoring = false
        if (stopped) return
        follow(intake.getState())
        if (legacy) enqueue(legacyDraftKey(username), null)
        if (pending.size > 0 && !writing) void writeLatest()
      })
    return () => {
      stopped = true
      unsubscribe()
    }
  }, [desk, username])
}
