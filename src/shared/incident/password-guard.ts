/**
 * Rule 3: passwords are never given or reset by email, so an emailed note must not carry one.
 * A heuristic over the phrasings a service desk actually writes, in English: a cue ("password",
 * "passcode", "PIN", "pw", "login … / …", "reset it to") followed by what reads as the secret.
 * Where the phrasing says outright that a value follows ("password is", "pw:", "set your password
 * to") any word that is not ordinary English counts; where it does not ("password X", "reset it to
 * X") only a token that looks like a password (letters with digits or symbols, or a 4–8 digit PIN).
 *
 * What it cannot catch, said in the refusal and in README: a password with no cue word near it
 * ("here it is: Tmp#4821"), a plain word given as a password after a weak cue ("passcode
 * sunflower"), one split across lines or spelled out ("T m p 4 8 2 1"), other languages, and
 * anything in an attachment. It is a safety net for the agent, not a guarantee.
 */

const CUE = String.raw`(?:password|passwd|passcode|passphrase|pwd|pw|pin(?:\s*code)?)`
const TOKEN = String.raw`(\S+)`

/** Words that follow a cue in ordinary sentences about passwords, not a password itself. */
const ORDINARY = new Set(
  `a an the to be is was are been being has have had will would should must can could may might
  not no now still also just only then so and or but if at in on of for from by via with without
  over under into through about after before until when while that this these those it its you
  your yours we our they their he she his her i my me us them what which who where how why please
  here there again yet already required requirement requirements policy policies expired expires
  expire expiring expiry reset resets change changed changes changing set sent send link page
  portal manager field prompt prompted correct incorrect wrong invalid valid locked unlocked
  case-sensitive sensitive strong weak long short too very same different new old temporary temp
  default blank empty hidden masked secret private protected strength length characters character
  digits letters hint hints reminder recovery rules complexity history updated update working
  works fine ok okay good safe something anything nothing one first last next own below above
  attached enclosed provided given known shared emailed mailed phoned called told confirmed
  verified accepted entered typed needed necessary fixed done ready reused used unique generated
  chosen`.split(/\s+/),
)

const clean = (token: string) => token.replace(/^[("'«[{<]+/, '').replace(/[.,;:!?)\]}"'»>]+$/, '')

function isAddress(token: string): boolean {
  return (
    /^(?:https?:\/\/|www\.)/i.test(token) ||
    /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(token) ||
    /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:edu|com|org|net|gov|io)(?:\/\S*)?$/i.test(token)
  )
}

const isPin = (token: string) => /^\d{4,8}$/.test(token)

/** Reads as a password: mixed letters and digits, or symbols beside them, never a plain word. */
function looksLikePassword(raw: string): boolean {
  const token = clean(raw)
  if (isPin(token)) return true
  if (token.length < 6 || isAddress(token) || /^[a-z]+(?:-[a-z]+)+$/i.test(token)) return false
  const letters = /[a-z]/i.test(token)
  const digits = /\d/.test(token)
  const symbols = /[^a-z0-9'-]/i.test(token)
  return (letters && digits) || (symbols && (letters || digits))
}

/** Any value that is not ordinary English: what follows "password is" or "pw:". */
function isValue(raw: string): boolean {
  const token = clean(raw)
  if (looksLikePassword(raw)) return true
  return token.length >= 3 && !isAddress(token) && !ORDINARY.has(token.toLowerCase())
}

interface Phrasing {
  pattern: RegExp
  /** How sure the phrasing is that a value follows. */
  value: (token: string) => boolean
}

const phrasings: Phrasing[] = [
  // "password: X", "pw=X", "PIN: 1234", "pass: X"
  {
    pattern: new RegExp(String.raw`\b(?:${CUE}|pass)\s*(?:[:=]|=>|->)\s*${TOKEN}`, 'gi'),
    value: isValue,
  },
  // "password is X", "your new password will be X", "PIN is 1234", "password changed to X"
  // (longer connectives first: "was changed to X" must not stop at "was")
  {
    pattern: new RegExp(
      String.raw`\b${CUE}\s+(?:(?:has\s+been\s+|is\s+|was\s+|been\s+)?(?:set|changed|reset|updated)\s+to|will\s+be|would\s+be|shall\s+be|should\s+be|becomes|remains|is|was)\s+(?:now\s+)?${TOKEN}`,
      'gi',
    ),
    value: isValue,
  },
  // "the password for your account is X"
  {
    pattern: new RegExp(
      String.raw`\b${CUE}\s+for\s+(?:\S+\s+){0,4}?(?:is|will\s+be)\s+(?:now\s+)?${TOKEN}`,
      'gi',
    ),
    value: isValue,
  },
  // "set your password to X", "I reset the passcode back to X", "changed your PIN to X"
  {
    pattern: new RegExp(
      String.raw`\b(?:re)?set\s+(?:up\s+)?(?:your|the|his|her|their|a)?\s*(?:new\s+|temporary\s+|temp\s+)?${CUE}\s+(?:back\s+)?to\s+${TOKEN}|\bchanged?\s+(?:your|the)\s+${CUE}\s+to\s+${TOKEN}`,
      'gi',
    ),
    value: isValue,
  },
  // "temporary password sunshine", "new PIN 4821"
  {
    pattern: new RegExp(
      String.raw`\b(?:temporary|temp|new|initial|one-time|default|interim)\s+${CUE}\s+${TOKEN}`,
      'gi',
    ),
    value: isValue,
  },
  // "password Tmp#4821-Blue", "passcode 483920", "PIN 1234": a password-looking token right after
  {
    pattern: new RegExp(String.raw`\b${CUE}\s+(?:to\s+|of\s+)?${TOKEN}`, 'gi'),
    value: looksLikePassword,
  },
  // "reset it to Spring2025#", "changed it to …"
  {
    pattern: new RegExp(
      String.raw`\b(?:(?:re)?set|changed?)\s+it\s+(?:back\s+)?to\s+${TOKEN}`,
      'gi',
    ),
    value: looksLikePassword,
  },
  // "login: jdoe / Winter2024!", "username jdoe, password Winter2024!"
  {
    pattern: new RegExp(
      String.raw`\b(?:login|log-in|username|user\s*name|user\s*id|user|account)\s*[:=]?\s*\S+\s*(?:\/|\||,|;|\band\b)\s*(?:${CUE}\s*[:=]?\s*)?${TOKEN}`,
      'gi',
    ),
    value: looksLikePassword,
  },
  // "use Winter2024! as your password", "Winter2024! is your new password"
  {
    pattern: new RegExp(
      String.raw`${TOKEN}\s+(?:as|is)\s+(?:your|the)\s+(?:new\s+|temporary\s+|temp\s+)?${CUE}\b`,
      'gi',
    ),
    value: looksLikePassword,
  },
]

/** The phrase that gives a password away, or null when none of the known phrasings is there. */
export function passwordPhrase(text: string): string | null {
  for (const { pattern, value } of phrasings) {
    for (const match of text.matchAll(pattern)) {
      const token = match.slice(1).find((group) => group !== undefined)
      if (token !== undefined && value(token)) {
        // The phrase without the secret: the refusal may say where, never repeat the password.
        return match[0].slice(0, match[0].lastIndexOf(token)).trim()
      }
    }
  }
  return null
}
