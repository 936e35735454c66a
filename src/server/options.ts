/** The storage flags both command lines share: `--data-dir`, `--database-url`, and their env twins. */
import type { StorageOptions } from './db/open'

export const STORAGE_FLAGS = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
} as const

export const DEFAULT_DATA_DIR = './data'

export function storageOptions(
  values: { 'data-dir'?: string | undefined; 'database-url'?: string | undefined },
  env: NodeJS.ProcessEnv,
): StorageOptions & { dataDir: string } {
  const databaseUrl = values['database-url'] ?? env.DATABASE_URL
  return {
    dataDir: values['data-dir'] ?? env.WARMLINE_DATA_DIR ?? DEFAULT_DATA_DIR,
    ...(databaseUrl ? { databaseUrl } : {}),
  }
}

/** `10.0.0.5, 10.1.0.0/16 fd00::/8`: a list flag or variable, split on commas and white space. */
export function addressList(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean)
}
