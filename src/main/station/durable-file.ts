/**
 * Small files that must survive a crash or a power cut: written to a temporary file, fsync'd,
 * renamed over the old one, and the directory fsync'd so the rename itself is on disk.
 */
import { mkdir, open, readFile, rename } from 'node:fs/promises'
import path from 'node:path'

async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; its rename is durable enough for our needs there.
  if (process.platform === 'win32') return
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export async function writeFileDurably(file: string, data: string): Promise<void> {
  const dir = path.dirname(file)
  await mkdir(dir, { recursive: true })
  const temp = `${file}.${process.pid}.tmp`
  const handle = await open(temp, 'w', 0o600)
  try {
    await handle.writeFile(data, 'utf8')
    await handle.sync()
  } finally {
    await handle.close()
  }
  await rename(temp, file)
  await syncDirectory(dir)
}

export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** An append-only file whose every append is on disk before the returned promise resolves. */
export class DurableLog {
  private constructor(private readonly handle: Awaited<ReturnType<typeof open>>) {}

  static async open(file: string): Promise<DurableLog> {
    await mkdir(path.dirname(file), { recursive: true })
    const log = new DurableLog(await open(file, 'a', 0o600))
    await syncDirectory(path.dirname(file))
    return log
  }

  async append(lines: readonly string[]): Promise<void> {
    if (lines.length === 0) return
    await this.handle.appendFile(lines.map((line) => `${line}\n`).join(''), 'utf8')
    await this.handle.sync()
  }

  async close(): Promise<void> {
    await this.handle.close()
  }
}
