import { describe, expect, it } from 'vitest'
import { addCustomerNote, foldTicket, openTicket } from '../../src/shared/incident'
import { accepted, phoneCall, testContext } from '../support/incident-fixtures'

/** Emailed to the customer: rule 3 refuses it when it gives a password away. */
function emailed(body: string) {
  const ctx = testContext()
  const ticket = foldTicket(accepted(openTicket(phoneCall(), 'A1-1', ctx)))!
  return addCustomerNote(ticket, body, { customer: true, cc: [] }, ctx)
}

// How service desk agents actually write a password into a note.
const REFUSED = [
  'Your temporary password is Blue-Fish-42',
  'Password: Winter2024!',
  'password = hunter22',
  'I set your password to Tmp#4821-Blue, please change it after you sign in.',
  'I set your password to sunshine; change it when you sign in.',
  'Your new password will be Winter2024!',
  'Your new password will be sunshine',
  'Temporary password Tmp4821',
  'temporary password sunflower',
  'pw: Qx7!rt2',
  'PW=abc123',
  'pwd: lemonade',
  'Passcode 483920',
  'passcode is 4839',
  'I reset it to Spring2025# for you.',
  'Your PIN is 1234',
  'PIN: 0000',
  'login: jdoe / Winter2024!',
  'Username jdoe, password Winter2024!',
  'password Tmp#4821-Blue',
  'Your password was changed to Qwerty!23',
  'The password for the shared mailbox is now Lib#2024.',
  'Please use Winter2024! as your password.',
  'Winter2024! is your new password.',
  'Your password has been reset to Autumn-77.',
]

// Notes about passwords that give none away: they must be sent.
const SENT = [
  'I reset your password over the phone.',
  'Please change your password at https://password.example.edu/change',
  'Password policy requires 12 characters.',
  'Your password expires in 90 days.',
  'We never send passwords by email.',
  'Your password has been reset; you will be asked to choose a new one when you sign in.',
  'Your PIN was sent to your phone.',
  'Reset your password at the self-service portal.',
  'The password field is case-sensitive.',
  'Call us on 555 0100 to get your password.',
  'Login issues / password resets are handled by the IAM team.',
  'Your new password must be at least 12 characters long.',
  'I set your password to expire in 90 days.',
  'I reset it to the factory settings.',
  'Your username is jdoe.',
  'Your printer queue was cleared; please try printing again.',
]

describe('rule 3: passwords are never given or reset by email', () => {
  it.each(REFUSED)('refuses to email %j', (body) => {
    const result = emailed(body)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.errors[0]).toMatchObject({ field: 'body', rule: 'rule 3' })
    // The refusal says what the check cannot see, and never repeats the password.
    expect(result.errors[0]!.message).toMatch(/not caught/)
    for (const secret of ['Winter2024', 'Tmp#4821', 'hunter22', '4839', 'Qx7!rt2'])
      if (body.includes(secret)) expect(result.errors[0]!.message).not.toContain(secret)
  })

  it.each(SENT)('emails %j', (body) => {
    expect(emailed(body).ok).toBe(true)
  })

  it('keeps a password in a note that is not emailed: it never reaches the customer', () => {
    const ctx = testContext()
    const ticket = foldTicket(accepted(openTicket(phoneCall(), 'A1-1', ctx)))!
    const result = addCustomerNote(
      ticket,
      'I set your password to Tmp#4821-Blue',
      { customer: false, cc: [] },
      ctx,
    )
    expect(result.ok).toBe(true)
  })
})
