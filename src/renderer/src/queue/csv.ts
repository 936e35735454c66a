/**
 * CSV export of any supervisor view (queue, floor, metrics, QA review). RFC 4180: CRLF between
 * records, a field quoted when it holds a comma, a quote, CR or LF, quotes doubled inside.
 *
 * Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and tab or CR, which some strip
 * first) as a formula, and ticket titles and caller names are typed by anyone: such a text cell
 * gets a leading apostrophe (OWASP "CSV injection"). Numbers are written as numbers, so a
 * negative figure stays a number.
 */
export type CsvCell = string | number | boolean | null | undefined

const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

export function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : ''
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  const text = FORMULA_START.test(value) ? `'${value}` : value
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(csvField).join(',')]
  for (const row of rows) lines.push(row.map(csvField).join(','))
  return `${lines.join('\r\n')}\r\n`
}

/** A column of an exported view: its heading and how a record becomes that cell. */
export interface CsvColumn<T> {
  header: string
  value: (record: T) => CsvCell
}

export function recordsToCsv<T>(columns: readonly CsvColumn<T>[], records: Iterable<T>): string {
  const rows = (function* () {
    for (const record of records) yield columns.map((column) => column.value(record))
  })()
  return toCsv(
    columns.map((c) => c.header),
    rows,
  )
}

/** `warmline-queue-2026-11-27T09-30.csv`: the view and the moment, safe as a file name anywhere. */
export function csvFileName(view: string, now: number): string {
  return `warmline-${view}-${new Date(now).toISOString().slice(0, 16).replace(':', '-')}.csv`
}

/**
 * Hands the text to the browser as a download. The BOM makes spreadsheet programs read the file as
 * UTF-8, so accented caller names survive.
 */
export function downloadCsv(fileName: string, csv: string): void {
  const url = URL.createObjectURL(new Blob(['\ufeff', csv], { type: 'text/csv;charset=utf-8' }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.click()
  // The click has queued the download with the URL; it is not needed any more.
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
