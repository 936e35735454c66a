/**
 * The window's size and place, remembered in the station's data folder across restarts. A saved
 * place no longer on any screen (a laptop undocked from its second monitor) is dropped, keeping
 * the size, so the window never opens where nobody can see it.
 */
import path from 'node:path'
import { z } from 'zod'
import { readJsonFile, writeFileDurably } from '../station/durable-file'

const coordinate = z.number().int().min(-100_000).max(100_000)
const length = z.number().int().min(200).max(100_000)

export const windowStateSchema = z.object({
  x: coordinate,
  y: coordinate,
  width: length,
  height: length,
  maximized: z.boolean(),
})
export type WindowState = z.infer<typeof windowStateSchema>

export interface Rectangle {
  x: number
  y: number
  width: number
  height: number
}

export const windowStateFile = (dataDir: string) => path.join(dataDir, 'window-state.json')

/** The saved state, or null when there is none or it is not one (a hand-edited file, say). */
export async function loadWindowState(dataDir: string): Promise<WindowState | null> {
  const parsed = windowStateSchema.safeParse(
    await readJsonFile(windowStateFile(dataDir)).catch(() => undefined),
  )
  return parsed.success ? parsed.data : null
}

export function saveWindowState(dataDir: string, state: WindowState): Promise<void> {
  return writeFileDurably(windowStateFile(dataDir), JSON.stringify(state))
}

/** At least this much of the title bar must be on a screen for the place to be kept. */
const VISIBLE_PX = 64

/** The BrowserWindow bounds to open with: the saved size, and its place if a screen shows it. */
export function boundsToOpen(
  state: WindowState,
  workAreas: readonly Rectangle[],
): Partial<Rectangle> {
  const onScreen = workAreas.some(
    (a) =>
      state.x + state.width - VISIBLE_PX >= a.x &&
      state.x + VISIBLE_PX <= a.x + a.width &&
      state.y >= a.y &&
      state.y + VISIBLE_PX <= a.y + a.height,
  )
  return onScreen
    ? { x: state.x, y: state.y, width: state.width, height: state.height }
    : { width: state.width, height: state.height }
}
