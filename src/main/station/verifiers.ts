/**
 * Offline sign-in: for each user who signed in online on this station, a scrypt verifier of the
 * password (salted, never the password itself) and the profile the server returned. Signing in
 * offline proves knowledge of the password the server last accepted here; it grants nothing the
 * server did not grant then.
 */
import {
  randomBytes,
  scrypt as scryptCallback,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto'
import path from 'node:path'
import { z } from 'zod'
import { userSchema, type User } from '../../shared/directory'
import { readJsonFile, writeFileDurably } from './durable-file'

/** 2^15 rounds, 32 MiB: slow enough to make guessing a stolen file expensive, fast enough to sign in. */
export const DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const

const verifierSchema = z.object({
  user: userSchema,
  salt: z.string(),
  hash: z.string(),
  params: z.object({ N: z.number().int(), r: z.number().int(), p: z.number().int() }),
  updatedAt: z.number(),
})
const fileSchema = z.record(z.string(), verifierSchema)
type Verifier = z.infer<typeof verifierSchema>

function scrypt(
  password: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
): Promise<Buffer> {
  const options: ScryptOptions = { ...params, maxmem: 256 * params.N * params.r }
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, 32, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  )
}

export class VerifierStore {
  private constructor(
    private readonly file: string,
    private readonly verifiers: Record<string, Verifier>,
    private readonly params: { N: number; r: number; p: number },
  ) {}

  static async open(
    dataDir: string,
    params: { N: number; r: number; p: number } = DEFAULT_SCRYPT,
  ): Promise<VerifierStore> {
    const file = path.join(dataDir, 'offline-users.json')
    const parsed = fileSchema.safeParse((await readJsonFile(file)) ?? {})
    // A damaged file only costs offline sign-in until the next online one; it must not stop the app.
    return new VerifierStore(file, parsed.success ? parsed.data : {}, params)
  }

  async remember(user: User, password: string, nowMs: number): Promise<void> {
    const salt = randomBytes(16)
    const hash = await scrypt(password, salt, this.params)
    this.verifiers[user.username] = {
      user,
      salt: salt.toString('base64'),
      hash: hash.toString('base64'),
      params: { ...this.params },
      updatedAt: nowMs,
    }
    await writeFileDurably(this.file, JSON.stringify(this.verifiers, null, 2))
  }

  /** The user, when the password matches their verifier; null for unknown users and wrong passwords alike. */
  async verify(username: string, password: string): Promise<User | null> {
    const verifier = Object.hasOwn(this.verifiers, username) ? this.verifiers[username] : undefined
    if (!verifier) {
      // Spend the same effort for an unknown user, so timing does not tell who has signed in here.
      await scrypt(password, randomBytes(16), this.params)
      return null
    }
    const expected = Buffer.from(verifier.hash, 'base64')
    const actual = await scrypt(password, Buffer.from(verifier.salt, 'base64'), verifier.params)
    return actual.length === expected.length && timingSafeEqual(actual, expected)
      ? verifier.user
      : null
  }
}
