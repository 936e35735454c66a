/**
 * Whatever the order of enrollment and sign-in, and across restarts, a station that looks signed
 * in syncs — or says plainly that its user must sign in again. Real central server (PGlite), real
 * station services and renderer store, each station behind its own link.
 */
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { SafeStorageCredentialStore } from '../../src/main/electron/credential-store'
import { openTicket } from '../../src/shared/incident'
import { ROUTES, stationPresenceSchema } from '../../src/shared/sync/wire'
import { phoneCall } from '../support/incident-fixtures'
import { PASSWORD, openStation, settled, startCentral, type TestStation } from './support/floor'
import { eventually } from './support/station'
import { useFloor } from './support/use-floor'

const floor = useFloor('resume')

/** A station left to the test to enroll and sign in. */
const newStation = (
  name: string,
  credentials?: Parameters<typeof openStation>[0]['credentials'],
): Promise<TestStation> =>
  floor.station(name, `agent${name.toLowerCase()}`, {
    signIn: false,
    ...(credentials ? { credentials } : {}),
  })

const enroll = async (at: TestStation) =>
  at.api.station.enroll({ code: await floor.central.enrollmentCode(), name: `Desk ${at.name}` })
const signIn = (at: TestStation) =>
  at.api.session.login({ username: at.username, password: PASSWORD })

async function recordCall(at: TestStation): Promise<string> {
  const events = await at.record((ctx) =>
    openTicket(phoneCall({ title: `Call at ${at.name}` }), ctx.nextTicketNumber(), ctx),
  )
  return events![0]!.id
}

async function floorEntry(stationCode: string) {
  const response = await fetch(`${floor.central.url}${ROUTES.stations}`, {
    headers: { authorization: `Bearer ${floor.central.adminToken}` },
  })
  const { stations: listed } = (await response.json()) as { stations: unknown[] }
  return listed
    .map((s) => stationPresenceSchema.parse(s))
    .find((s) => s.stationCode === stationCode)
}

/** A call logged now reaches the server, the floor sees the station's report, and no alert shows. */
async function expectSyncingWithoutAlert(at: TestStation): Promise<void> {
  const id = await recordCall(at)
  await settled(at)
  expect((await floor.central.pullAll()).map((row) => row.event.id)).toContain(id)
  const stationCode = (await at.api.station.info({})).stationCode!
  // The report after that push (pending 0, a last sync) went over the live socket and was taken.
  await eventually(
    `${at.name}'s report on the floor`,
    async () => {
      const entry = await floorEntry(stationCode)
      return entry?.online && entry.user === at.username && entry.lastSyncAt !== null
    },
    400,
  )
  const status = await at.api.sync.status({})
  expect(status).toMatchObject({ lastError: null, pending: 0 })
  expect(await at.api.session.current({})).toMatchObject({ mode: 'online', needsSignIn: null })
}

describe('enrollment and sign-in in any order', () => {
  it('enrolled first, then signed in', async () => {
    const at = await newStation('EA')
    await enroll(at)
    await signIn(at)
    await at.sync.start()
    await expectSyncingWithoutAlert(at)
  })

  it('signed in first, then enrolled: the session becomes the station’s, no second sign-in', async () => {
    const at = await newStation('EB')
    await signIn(at)
    await enroll(at)
    await at.sync.start()
    await expectSyncingWithoutAlert(at)
  })

  it('signed in, enrolled, enrolled again with a new code: the session follows the station', async () => {
    const at = await newStation('EC')
    await signIn(at)
    await enroll(at)
    await enroll(at)
    await at.sync.start()
    await expectSyncingWithoutAlert(at)
  })
})

describe('a restart', () => {
  it('resumes the session from the credential store: pushes go on without a new sign-in', async () => {
    const at = await newStation('RA')
    await signIn(at)
    await enroll(at)
    await at.restart()
    expect(await at.api.session.current({})).toMatchObject({
      user: { username: at.username },
      mode: 'online',
      needsSignIn: null,
    })
    await expectSyncingWithoutAlert(at)
  })

  it('in Electron: the token comes back from safeStorage; without a keyring the desk asks to sign in again, saying why', async () => {
    let keyring = true
    // Each start is a new process with its own store object over the same encrypted file.
    const safeStorage = {
      isEncryptionAvailable: () => keyring,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (text: string) => Buffer.from([...Buffer.from(text)].map((b) => b ^ 0x5a)),
      decryptString: (data: Buffer) => Buffer.from([...data].map((b) => b ^ 0x5a)).toString(),
    }
    const at = await newStation(
      'RE',
      () =>
        new SafeStorageCredentialStore(
          safeStorage,
          path.join(floor.dir, 'RE-credentials.json'),
          'linux',
        ),
    )
    await signIn(at)
    await enroll(at)
    await at.restart()
    expect(await at.api.session.current({})).toMatchObject({ mode: 'online', needsSignIn: null })
    await expectSyncingWithoutAlert(at)

    keyring = false
    await at.restart()
    expect(await at.api.session.current({})).toMatchObject({
      mode: 'offline',
      needsSignIn: {
        reason: expect.stringMatching(
          /could not read your sign-in .*no encrypted credential storage.*\): sign in again/,
        ),
      },
    })
  })

  it('a sign-in that expires while the desk is open: the desk is told at once, not at the next push', async () => {
    const shortLived = await startCentral(`${floor.dir}/short-server`, { sessionTtlMs: 4_000 })
    try {
      const at = await floor.station('EX', 'agentex', { central: shortLived, signIn: false })
      await at.api.station.enroll({ code: await shortLived.enrollmentCode(), name: 'Desk EX' })
      const expired = new Promise((resolve) =>
        at.api.on('session.changed', (state) => state.needsSignIn && resolve(state)),
      )
      expect(await signIn(at)).toMatchObject({ mode: 'online', needsSignIn: null })
      expect(await expired).toMatchObject({
        user: { username: 'agentex' },
        mode: 'offline',
        needsSignIn: { reason: expect.stringMatching(/expired: sign in again/) },
      })
    } finally {
      await shortLived.stop()
    }
  })

  it('without the token (a memory-only credential store): says plainly to sign in again, and syncs after', async () => {
    const at = await newStation('RB')
    await signIn(at)
    await enroll(at)
    await at.sync.start()
    await at.restart({ forgetCredentials: true })
    const session = await at.api.session.current({})
    expect(session).toMatchObject({
      user: { username: at.username },
      mode: 'offline',
      needsSignIn: { reason: expect.stringMatching(/did not keep your sign-in.*sign in again/) },
    })
    // The work goes on meanwhile, and waits.
    const id = await recordCall(at)
    expect((await at.api.sync.status({})).pending).toBe(1)
    expect((await floor.central.pullAll()).map((row) => row.event.id)).not.toContain(id)

    const changed = new Promise((resolve) => at.api.on('session.changed', resolve))
    await signIn(at)
    expect(await changed).toMatchObject({ mode: 'online', needsSignIn: null })
    await settled(at)
    expect((await floor.central.pullAll()).map((row) => row.event.id)).toContain(id)
    await expectSyncingWithoutAlert(at)
  })
})
