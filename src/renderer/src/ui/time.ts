/** Times as an agent reads them on the floor: short, local, relative where that helps. */
import { useEffect, useState } from 'react'

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayTimeFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
})

const DAY_MS = 24 * 60 * 60 * 1000

/** "14:05" today, "Fri 27 Nov, 14:05" on other days. */
export function formatWhen(ms: number, nowMs: number): string {
  const sameDay = new Date(ms).toDateString() === new Date(nowMs).toDateString()
  return sameDay ? timeFormat.format(ms) : dayTimeFormat.format(ms)
}

/** "just now", "4 min ago", "2 h ago", "3 days ago". */
export function formatAgo(ms: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - ms) / 1000))
  if (seconds < 45) return 'just now'
  const minutes = Math.round(seconds / 60)
  if (minutes < 60) return `${minutes} min ago`
  const hours = Math.round(minutes / 60)
  if (hours < 24) return `${hours} h ago`
  const days = Math.round((nowMs - ms) / DAY_MS)
  return `${days} day${days === 1 ? '' : 's'} ago`
}

/** A call timer: "4:07", or "1:02:07" past the hour. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = String(total % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

/** The wall clock, re-read every `intervalMs`: for timers and "due in" figures. */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs)
    return () => clearInterval(timer)
  }, [intervalMs])
  return now
}
