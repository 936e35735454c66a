// @vitest-environment happy-dom
/**
 * Issue 10, item 2: whatever starts a call (Ctrl+N, the phone system's screen pop, a call link)
 * starts a fresh one. A call left unfinished is listed with its caller and age, to resume or
 * discard, and is never typed into by the next call; every one of them stays in the station
 * store as typed, so a reload loses none.
 */
import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, test } from 'vitest'
import { emptyDraft } from '../../src/renderer/src/intake/draft'
import { intakeDraftKey, type SavedDraft } from '../../src/renderer/src/intake/persistence'
import { AGENT, Keyboard, useTestStation, renderDesk } from './support/desk'

const station = useTestStation()

const callerBox = () => screen.getByRole('combobox', { name: /Caller/ })
const unfinishedList = () => screen.getByRole('region', { name: /unfinished call/ })

/** The stored intake drafts, by caller box text, and which one was on screen. */
async function storedDrafts(): Promise<{ query: string; onScreen: boolean }[]> {
  const rows = await station.store.listDrafts()
  const saved = await Promise.all(rows.map((r) => station.store.loadDraft<SavedDraft>(r.key)))
  return saved
    .map((s) => ({ query: s!.value.draft.callerQuery, onScreen: s!.value.onScreen }))
    .sort((a, b) => a.query.localeCompare(b.query))
}

async function startCallWithDana(keys: Keyboard) {
  keys.press('n', { ctrlKey: true })
  await screen.findByRole('heading', { name: 'New call' })
  keys.type('dwhit')
  await screen.findByRole('option', { name: /Dana Whitfield/ })
  keys.press('Enter')
  await waitFor(() =>
    expect(screen.getByLabelText('Caller name')).toHaveProperty('value', 'Dana Whitfield'),
  )
}

describe('a new call never reopens the last one', () => {
  test('Ctrl+N in the middle of a call starts an empty one; the first is listed and resumed as it was', async () => {
    renderDesk(station.store)
    const keys = new Keyboard()
    await startCallWithDana(keys)

    keys.press('n', { ctrlKey: true })
    await waitFor(() => expect(callerBox()).toHaveProperty('value', ''))
    expect(document.activeElement).toBe(callerBox())
    expect(screen.getByLabelText('Caller name')).toHaveProperty('value', '')
    const list = await screen.findByRole('region', { name: '1 unfinished call' })
    expect(within(list).getByText('Dana Whitfield')).toBeTruthy()
    expect(within(list).getByText('started just now')).toBeTruthy()

    // The next caller's number goes into the next call only.
    keys.type('+1 555 999 1234')
    expect(callerBox()).toHaveProperty('value', '+1 555 999 1234')
    await waitFor(async () =>
      expect(await storedDrafts()).toEqual([
        { query: '+1 555 999 1234', onScreen: true },
        { query: 'dwhit', onScreen: false },
      ]),
    )

    within(list)
      .getByRole('button', { name: /^Resume the call with Dana Whitfield/ })
      .click()
    await waitFor(() => expect(callerBox()).toHaveProperty('value', 'dwhit'))
    expect(document.activeElement).toBe(callerBox())
    expect(screen.getByLabelText('Caller name')).toHaveProperty('value', 'Dana Whitfield')
    expect(within(unfinishedList()).getByText('+1 555 999 1234')).toBeTruthy()
    await waitFor(async () =>
      expect(await storedDrafts()).toEqual([
        { query: '+1 555 999 1234', onScreen: false },
        { query: 'dwhit', onScreen: true },
      ]),
    )
  })

  test('a screen pop while a call is being typed opens a fresh call with the ringing number', async () => {
    const { station: main, desk } = renderDesk(station.store)
    const keys = new Keyboard()
    await startCallWithDana(keys)
    keys.press('5')
    const first = desk.intake.getState().draft!

    main.emit('call.incoming', { number: '+1 555 999 1234', at: Date.now(), callId: 'pbx-7' })
    await waitFor(() => expect(callerBox()).toHaveProperty('value', '+1 555 999 1234'))
    expect(screen.getByLabelText('Title')).toHaveProperty('value', '')
    expect(desk.intake.getState().draft).toMatchObject({ callId: 'pbx-7' })
    expect(desk.intake.getState().unfinished).toEqual([first])

    // The phone system repeating itself about the same call is that call, not a third one.
    main.emit('call.incoming', { number: '+1 555 999 1234', at: Date.now(), callId: 'pbx-7' })
    expect(desk.intake.getState().unfinished).toHaveLength(1)
    expect(desk.intake.getState().draft?.callId).toBe('pbx-7')
  })

  test('a call link with no call id still starts fresh, never filling the call on screen', async () => {
    const { station: main, desk } = renderDesk(station.store)
    const keys = new Keyboard()
    await startCallWithDana(keys)
    main.emit('call.incoming', { number: '555 777 1212', at: Date.now() })
    await waitFor(() => expect(callerBox()).toHaveProperty('value', '555 777 1212'))
    expect(desk.intake.getState().unfinished.map((d) => d.callerQuery)).toEqual(['dwhit'])
  })

  test('Ctrl+N on an untouched call lists nothing', async () => {
    const { desk } = renderDesk(station.store)
    const keys = new Keyboard()
    keys.press('n', { ctrlKey: true })
    await screen.findByRole('heading', { name: 'New call' })
    keys.press('n', { ctrlKey: true })
    expect(desk.intake.getState().unfinished).toEqual([])
    expect(screen.queryByRole('region', { name: /unfinished call/ })).toBeNull()
  })
})

describe('unfinished calls', () => {
  test('discarding one removes it from the store and keeps the cursor in the list, then the caller box', async () => {
    const { desk } = renderDesk(station.store)
    const keys = new Keyboard()
    await startCallWithDana(keys)
    keys.press('n', { ctrlKey: true })
    keys.type('Chem lab')
    keys.press('n', { ctrlKey: true })
    const list = await screen.findByRole('region', { name: '2 unfinished calls' })
    await waitFor(async () => expect(await storedDrafts()).toHaveLength(2))

    within(list)
      .getByRole('button', { name: /^Discard the call with Chem lab/ })
      .click()
    const resumeDana = within(unfinishedList()).getByRole('button', {
      name: /^Resume the call with Dana Whitfield/,
    })
    expect(document.activeElement).toBe(resumeDana)
    within(unfinishedList())
      .getByRole('button', { name: /^Discard the call with Dana Whitfield/ })
      .click()
    expect(document.activeElement).toBe(callerBox())
    expect(screen.queryByRole('region', { name: /unfinished call/ })).toBeNull()
    expect(desk.intake.getState().unfinished).toEqual([])
    await waitFor(async () => expect(await storedDrafts()).toEqual([]))
  })

  test('come back after a reload as unfinished, and the call that was on screen comes back on screen', async () => {
    const first = renderDesk(station.store)
    const keys = new Keyboard()
    await startCallWithDana(keys)
    keys.press('n', { ctrlKey: true })
    keys.type('Chem lab')
    await waitFor(async () =>
      expect(await storedDrafts()).toEqual([
        { query: 'Chem lab', onScreen: true },
        { query: 'dwhit', onScreen: false },
      ]),
    )
    first.unmount()
    station.store.close()

    const store = await station.reopen()
    renderDesk(store, { name: 'mine' })
    await waitFor(() => expect(callerBox()).toHaveProperty('value', 'Chem lab'))
    const list = screen.getByRole('region', { name: '1 unfinished call' })
    expect(within(list).getByText('Dana Whitfield')).toBeTruthy()
  })

  test('a draft kept the old way (one per agent) comes back on screen and is moved to its own record', async () => {
    const old = emptyDraft(Date.now() - 5 * 60_000) as Partial<ReturnType<typeof emptyDraft>>
    delete old.id
    await station.store.saveDraft(`intake:${AGENT.username}`, { ...old, callerQuery: 'dwhit' })

    const { desk } = renderDesk(station.store, { name: 'mine' })
    await waitFor(() => expect(callerBox()).toHaveProperty('value', 'dwhit'))
    const id = desk.intake.getState().draft!.id
    await waitFor(async () =>
      expect((await station.store.listDrafts()).map((d) => d.key)).toEqual([
        intakeDraftKey(AGENT.username, id),
      ]),
    )
  })
})
