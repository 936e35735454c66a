import { describe, expect, it } from 'vitest'
import { newPasswordProblem } from '../../src/shared/incident/password-choice'
import { passwordPhrase } from '../../src/shared/incident/password-guard'

describe('choosing a password', () => {
  it('rule 3: every one-word password it accepts is one the note guard stops in an email', () => {
    for (const password of ['Winter2024!', 'demo-password-1', 'Tmp#4821-Blue', 'q7w8e9r0t1y2']) {
      expect(newPasswordProblem({ username: 'jlee', newPassword: password })).toBeNull()
      expect(passwordPhrase(`Your new password is ${password}`)).not.toBeNull()
    }
  })

  it('rule 3: refuses a one-word password the guard would read as an ordinary word', () => {
    expect(newPasswordProblem({ username: 'jlee', newPassword: 'sunflowers' })).toMatch(/digits/)
    expect(newPasswordProblem({ username: 'jlee', newPassword: 'correct-horse' })).toMatch(/digits/)
  })

  it('rule 3: accepts a passphrase of several words', () => {
    expect(
      newPasswordProblem({ username: 'jlee', newPassword: 'correct horse battery staple' }),
    ).toBeNull()
  })

  it('rule 3: refuses the current password and one that contains the user name', () => {
    expect(
      newPasswordProblem({
        username: 'jlee',
        newPassword: 'Winter2024!',
        currentPassword: 'Winter2024!',
      }),
    ).toMatch(/current one/)
    expect(newPasswordProblem({ username: 'jlee', newPassword: 'JLee-2024-spring' })).toMatch(
      /user name/,
    )
  })
})
