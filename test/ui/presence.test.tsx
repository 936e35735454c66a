// @vitest-environment happy-dom
/**
 * Issue 12, item 5, in the window: screens say which ticket they show while they show it, main
 * hears one report per change, and who else has the ticket open is shown as it changes.
 */
import { act, cleanup, render, screen } from '@testing-library/react'
import { afterEach, expect, it } from 'vitest'
import { uuidv7 } from '../../src/shared/ids'
import { AlsoOpen } from '../../src/renderer/src/presence/AlsoOpen'
import { createPresence, useShowing } from '../../src/renderer/src/presence/presence'
import { loopbackStation } from '../queue/harness'

afterEach(cleanup)

const names: Record<string, string> = { agent2: 'Priya Natarajan', super1: 'Sam Rivera' }
const userName = (u: string) => names[u] ?? u
const settled = () => act(async () => await new Promise((resolve) => setTimeout(resolve, 0)))

function Screen({
  presence,
  ticketId,
}: {
  presence: ReturnType<typeof createPresence>
  ticketId: string
}) {
  useShowing(presence, ticketId)
  return <AlsoOpen presence={presence} ticketId={ticketId} userName={userName} />
}

it('reports the tickets on screen once per change, and shows who else has one open, live', async () => {
  const station = loopbackStation()
  const presence = createPresence(station.api)
  const off = presence.start()
  const ticket = uuidv7()
  const other = uuidv7()

  const { rerender, unmount } = render(<Screen presence={presence} ticketId={ticket} />)
  await settled()
  expect(station.reports).toEqual([{ viewing: [ticket], intakeOpen: false }])
  const status = screen.getByRole('status', { name: 'Also open by' })
  expect(status.textContent).toBe('')

  act(() =>
    station.emit('presence.viewers', {
      viewers: [
        { ticketId: ticket, user: 'agent2', stationCode: 'S2' },
        { ticketId: other, user: 'super1', stationCode: 'S9' },
      ],
    }),
  )
  expect(status.textContent).toBe('Also open by Priya Natarajan at S2')

  // Moving to another ticket is one report, not a release and a show.
  rerender(<Screen presence={presence} ticketId={other} />)
  await settled()
  expect(station.reports.at(-1)).toEqual({ viewing: [other], intakeOpen: false })
  expect(station.reports).toHaveLength(2)
  expect(screen.getByRole('status', { name: 'Also open by' }).textContent).toBe(
    'Also open by Sam Rivera at S9',
  )

  presence.setIntakeOpen(true)
  unmount()
  await settled()
  expect(station.reports.at(-1)).toEqual({ viewing: [], intakeOpen: true })
  off()
})
