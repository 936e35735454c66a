// @vitest-environment happy-dom
/**
 * Issue 10, item 9: words for people. A refusal names the field as a person knows it, never by
 * an internal prefix ("session.setup: password: …"), wherever it comes from: the station
 * service's check of a request, the central server's check, the process rules. The technical
 * text is kept beside the words, for logs. Rule numbers are tooltips. What a form can check
 * itself (required, lengths, the password's length) it checks before the round trip, with the
 * same schema.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { z } from 'zod'
import { createDispatcher, type StationHandlers } from '../../src/main/station/dispatch'
import { ServerClient } from '../../src/main/station/server-client'
import { ApiError, errorBody, validate } from '../../src/server/http/http'
import { fieldIssues, fieldName, plainIssues } from '../../src/shared/plain-words'
import { StationError } from '../../src/shared/station-api'
import { setupRequestSchema } from '../../src/shared/sync/wire'
import { createDesk, DeskProvider } from '../../src/renderer/src/app/desk'
import { SetupScreen, SignInScreen } from '../../src/renderer/src/session/SessionScreens'
import { FormErrors } from '../../src/renderer/src/ui/fields'
import { offlineStation } from '../support/offline-station'
import { openTestStation } from './support/desk'

afterEach(() => cleanup())

const SHORT_PASSWORD = { username: 'admin', displayName: 'Ada', password: 'short' }

describe('field names', () => {
  test.each([
    ['password', 'Password'],
    ['displayName', 'Display name'],
    ['caller.email', 'Caller email'],
    ['payload.warmTransfer.acceptedBy', 'Accepted by'],
    ['callers.2.id', 'Callers, entry 3, id'],
    ['', ''],
  ])('%s reads as "%s"', (path, name) => {
    expect(fieldName(path)).toBe(name)
  })

  test('a schema refusal reads as sentences, each naming its field; a missing field is required', () => {
    const result = z
      .object({ password: z.string().min(10, 'use at least 10 characters'), username: z.string() })
      .safeParse({
        password: 'short',
      })
    expect(plainIssues(fieldIssues(result.error!))).toBe(
      'Password: use at least 10 characters. User name: is required.',
    )
  })
})

describe('the station service', () => {
  test('refuses a bad request in plain words and keeps the method and path for the log', async () => {
    const dispatch = createDispatcher({} as StationHandlers)
    const reply = await dispatch('session.setup', SHORT_PASSWORD)
    expect(reply).toEqual({
      ok: false,
      error: {
        code: 'bad_request',
        message: 'Password: use at least 10 characters.',
        detail: 'session.setup: password: use at least 10 characters',
      },
    })
  })

  test("passes the central server's field-by-field refusal on in plain words", async () => {
    let body: unknown
    try {
      validate(setupRequestSchema, SHORT_PASSWORD)
    } catch (error) {
      const refusal = error as ApiError
      body = errorBody(refusal.code, refusal.message, refusal.fields)
    }
    // The server's body keeps its technical message and adds the fields for clients.
    expect(body).toEqual({
      error: {
        code: 'invalid_request',
        message: 'password: use at least 10 characters',
        fields: [{ field: 'password', message: 'use at least 10 characters' }],
      },
    })
    const client = new ServerClient({
      baseUrl: 'http://central.invalid',
      fetch: async () => new Response(JSON.stringify(body), { status: 400 }),
    })
    const refused = await client.setup(SHORT_PASSWORD).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(StationError)
    expect(refused).toMatchObject({
      code: 'refused',
      message: 'Password: use at least 10 characters.',
      detail: 'invalid_request: password: use at least 10 characters',
    })
  })
})

describe('rule numbers', () => {
  test('are the tooltip of a refusal, not part of its words', () => {
    render(<FormErrors messages={[{ text: 'Choose the team to escalate to.', rule: 'rule 4' }]} />)
    expect(screen.getByText('Choose the team to escalate to.')).toHaveProperty(
      'title',
      'Service desk process rule 4',
    )
  })
})

describe('checks the form makes itself', () => {
  async function renderScreen(screenToShow: 'setup' | 'signIn') {
    const station = await openTestStation()
    const desk = createDesk({
      station: offlineStation().api,
      store: station.store,
      afterWrite: () => undefined,
    })
    const setup = vi.fn(async () => undefined)
    const signIn = vi.fn(async () => undefined)
    desk.session.setState({ setup, signIn })
    render(
      <DeskProvider desk={desk}>
        {screenToShow === 'setup' ? <SetupScreen /> : <SignInScreen />}
      </DeskProvider>,
    )
    return { setup, signIn, close: () => station.store.close() }
  }

  test('first-run setup refuses a short password under the field, with the cursor there, and never asks the server', async () => {
    const { setup, close } = await renderScreen('setup')
    fireEvent.change(screen.getByLabelText('Display name'), { target: { value: 'Ada Admin' } })
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'short' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create administrator and start' }))
    const password = screen.getByLabelText('Password')
    await waitFor(() => expect(password.getAttribute('aria-invalid')).toBe('true'))
    expect(document.activeElement).toBe(password)
    const describedBy = password.getAttribute('aria-describedby')!.split(' ')
    expect(document.getElementById(describedBy.at(-1)!)?.textContent).toBe(
      'Use at least 10 characters.',
    )
    expect(setup).not.toHaveBeenCalled()

    fireEvent.change(password, { target: { value: 'long-enough-1' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create administrator and start' }))
    await waitFor(() => expect(setup).toHaveBeenCalledTimes(1))
    close()
  })

  test('sign-in asks for the user name before asking the server', async () => {
    const { signIn, close } = await renderScreen('signIn')
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    const username = screen.getByLabelText('User name')
    await waitFor(() => expect(username.getAttribute('aria-invalid')).toBe('true'))
    expect(document.activeElement).toBe(username)
    expect(signIn).not.toHaveBeenCalled()
    close()
  })
})
