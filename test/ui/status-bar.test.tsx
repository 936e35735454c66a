// @vitest-environment happy-dom
/**
 * What the status bar offers: the in-place sign-in at the desk (after a restart that lost the
 * token, or an expiry, it says plainly why nothing syncs and asks for the password right there),
 * and sending set-aside events again. Driven by role and label, with the keys going wherever the
 * focus is. The station API is scripted here (a real server cannot start in a DOM test); the
 * integration tests run main's side against the real one.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { expect, test } from 'vitest'
import { createDesk, DeskProvider } from '../../src/renderer/src/app/desk'
import { Shell } from '../../src/renderer/src/app/Shell'
import {
  createStationApi,
  type SessionState,
  type StationEvent,
  type StationMethod,
  type SyncStatus,
} from '../../src/shared/station-api'
import { AGENT, Keyboard, useTestStation, STATION_CODE } from './support/desk'

const PASSWORD = 'the right password'
const REASON =
  'This station did not keep your sign-in when it restarted: sign in again to send your work to the central server.'

const station = useTestStation()

const STATUS: SyncStatus = {
  connection: 'online',
  pending: 0,
  waitingForSignIn: 0,
  setAside: 0,
  lastSyncAt: null,
  lastError: null,
  clockWarning: null,
  nextRetryAt: null,
}

/**
 * A station API whose main checks one password and sets aside one event until told to send it
 * again; every other call answers `offline`.
 */
function scriptedStation() {
  const logins: string[] = []
  let setAside = 1
  const listeners = new Set<(event: StationEvent, payload: unknown) => void>()
  const online: SessionState = {
    user: AGENT,
    mode: 'online',
    expiresAt: Date.now() + 3_600_000,
    needsSignIn: null,
  }
  const api = createStationApi({
    invoke: async (method: StationMethod, request: unknown) => {
      if (method === 'session.login') {
        const { password } = request as { password: string }
        logins.push(password)
        if (password === PASSWORD) return { ok: true, value: online }
        return { ok: false, error: { code: 'invalid_credentials', message: 'Wrong.' } }
      }
      if (method === 'sync.status') return { ok: true, value: { ...STATUS, setAside } }
      if (method === 'sync.sendSetAsideAgain') {
        setAside = 0
        return { ok: true, value: { ...STATUS, setAside } }
      }
      return {
        ok: false,
        error: { code: 'offline', message: 'The central server cannot be reached.' },
      }
    },
    subscribe: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  })
  return { api, logins }
}

function renderDeskNeedingSignIn() {
  const scripted = scriptedStation()
  const desk = createDesk({ station: scripted.api, store: station.store, afterWrite: () => {} })
  desk.session.setState({
    phase: 'desk',
    user: AGENT,
    mode: 'offline',
    stationCode: STATION_CODE,
    needsSignIn: { reason: REASON },
  })
  render(
    <DeskProvider desk={desk}>
      <Shell />
    </DeskProvider>,
  )
  return { desk, ...scripted }
}

test('says why nothing syncs, and signs the agent in again in place, keeping the focus where the agent is', async () => {
  const keys = new Keyboard()
  const { desk, logins } = renderDeskNeedingSignIn()
  const prompt = await screen.findByRole('region', { name: 'Sign in again' })
  expect(prompt.textContent).toContain(REASON)
  // It does not take the focus by itself: an agent typing a ticket goes on typing.
  expect(prompt.contains(document.activeElement)).toBe(false)

  fireEvent.click(within(prompt).getByRole('button', { name: 'Sign in again' }))
  const password = within(prompt).getByLabelText(`Password for ${AGENT.displayName}`)
  await waitFor(() => expect(document.activeElement).toBe(password))

  // A wrong password: said plainly, and the focus stays in the field for another try.
  keys.type('not it')
  fireEvent.submit(password.closest('form')!)
  expect(await within(prompt).findByRole('alert')).toHaveProperty(
    'textContent',
    'Wrong user name or password.',
  )
  expect(document.activeElement).toBe(password)
  expect((password as HTMLInputElement).value).toBe('')

  // Escape gives up for now: the way back in is where the focus is.
  keys.press('Escape')
  await waitFor(() =>
    expect(document.activeElement).toBe(
      within(prompt).getByRole('button', { name: 'Sign in again' }),
    ),
  )
  expect(within(prompt).queryByRole('alert')).toBeNull()

  // The button opens the form again; the right password signs in and the prompt goes.
  fireEvent.click(document.activeElement!)
  await waitFor(() =>
    expect(document.activeElement).toBe(
      within(prompt).getByLabelText(`Password for ${AGENT.displayName}`),
    ),
  )
  keys.type(PASSWORD)
  fireEvent.submit((document.activeElement as HTMLInputElement).closest('form')!)
  await waitFor(() => expect(screen.queryByRole('region', { name: 'Sign in again' })).toBeNull())
  expect(desk.session.getState()).toMatchObject({ mode: 'online', needsSignIn: null })
  expect(logins).toEqual(['not it', PASSWORD])
})

test('shows nothing when the session syncs', async () => {
  const { desk } = renderDeskNeedingSignIn()
  await screen.findByRole('region', { name: 'Sign in again' })
  desk.session.getState().sessionChanged({
    user: AGENT,
    mode: 'online',
    expiresAt: Date.now() + 3_600_000,
    needsSignIn: null,
  })
  await waitFor(() => expect(screen.queryByRole('region', { name: 'Sign in again' })).toBeNull())
})

test('offers to send the events set aside again, and the offer goes once they are back in the outbox', async () => {
  renderDeskNeedingSignIn()
  const bar = screen.getByRole('contentinfo', { name: 'Station status' })
  const again = await within(bar).findByRole('button', { name: 'Send 1 set-aside event again' })
  fireEvent.click(again)
  await waitFor(() => expect(within(bar).queryByRole('button', { name: /set-aside/ })).toBeNull())
})

test("shows a new station's history loading, as a labelled progress bar and status, until it is all in", async () => {
  renderDeskNeedingSignIn()
  const bar = screen.getByRole('contentinfo', { name: 'Station status' })
  const before = document.activeElement
  const history = (loaded: number, phase: 'history' | 'done' = 'history') =>
    station.store.adoptSnapshot({
      page: { tickets: [], position: 0 },
      state: { phase, after: null, loaded, total: 100_000 },
    })

  await history(42_000)
  const progress = await within(bar).findByRole('progressbar', { name: 'Loading history' })
  expect(progress.getAttribute('aria-valuetext')).toBe('Loading history: 42,000 of 100,000 tickets')
  expect(within(bar).getByText('Loading history: 42,000 of 100,000 tickets')).toBeTruthy()
  // Announced in tenths, not at every chunk.
  await history(43_500)
  await waitFor(() =>
    expect(within(bar).getByText('Loading history: 43,500 of 100,000 tickets')).toBeTruthy(),
  )
  expect(within(bar).getByText('Loading history: 40 percent').getAttribute('role')).toBe('status')

  await history(98_000)
  await waitFor(() =>
    expect(within(bar).getByRole('progressbar', { name: 'Loading history' })).toHaveProperty(
      'value',
      98_000,
    ),
  )
  // Progress is told, never grabbed: the focus stays where the agent is.
  expect(document.activeElement).toBe(before)

  await history(100_000, 'done')
  await waitFor(() => expect(within(bar).queryByRole('progressbar')).toBeNull())
  expect(within(bar).queryByText(/Loading history/)).toBeNull()
})

test("says when search has not reached a new station's tickets yet: the open ones for a moment, then the history", async () => {
  renderDeskNeedingSignIn()
  const bar = screen.getByRole('contentinfo', { name: 'Station status' })
  const before = document.activeElement
  const state = (phase: 'openWords' | 'words' | 'done', searchable: number) =>
    station.store.adoptSnapshot({
      page: { tickets: [], position: 0 },
      state: { phase, after: null, loaded: 100_000, total: 100_000, searchable },
    })

  await state('openWords', 0)
  const told = await within(bar).findByText('Open tickets loaded; search is catching up…')
  expect(told.getAttribute('role')).toBe('status')
  await state('words', 61_000)
  const progress = await within(bar).findByRole('progressbar', {
    name: 'Indexing history for search',
  })
  expect(progress.getAttribute('aria-valuetext')).toBe(
    'Indexing history for search: 61,000 of 100,000 tickets',
  )
  expect(
    within(bar).getByText('Indexing history for search: 60 percent').getAttribute('role'),
  ).toBe('status')
  expect(document.activeElement).toBe(before)
  await state('done', 100_000)
  await waitFor(() => expect(within(bar).queryByRole('progressbar')).toBeNull())
  expect(within(bar).queryByText(/search/)).toBeNull()
})
