/**
 * Rule 3 (passwords are never given out by email) from the other side: a password Warmline
 * lets someone choose is one its note guard (password-guard.ts) recognises, so an agent who
 * pastes it into a customer note is stopped. The guard reads a single word as a password only
 * when it mixes letters with digits or symbols (or is a PIN): a one-word password must too. A
 * passphrase (words with spaces) is long enough to be left alone.
 */
import { passwordPhrase } from './password-guard'

export function newPasswordProblem(input: {
  username: string
  newPassword: string
  /** When the person changes their own: the one it replaces. */
  currentPassword?: string
}): string | null {
  const { username, newPassword } = input
  if (input.currentPassword !== undefined && newPassword === input.currentPassword)
    return 'The new password is the current one: choose a different one.'
  if (newPassword.toLowerCase().includes(username.toLowerCase()))
    return 'The password must not contain the user name.'
  if (!/\s/.test(newPassword) && passwordPhrase(`I reset it to ${newPassword}`) === null)
    return 'Mix letters with digits or symbols, or use several words.'
  return null
}
