/**
 * A list of the console (users, sessions, stations, the audit trail): why it could not be loaded,
 * if so, and a table named for screen readers with a header cell per column.
 */
import type { ReactElement } from 'react'

export function AdminList<T>({
  label,
  columns,
  items,
  error,
  row,
}: {
  label: string
  columns: readonly string[]
  items: readonly T[]
  error?: string | null
  /** One `<tr>` (with its key) per item. */
  row: (item: T) => ReactElement
}) {
  return (
    <>
      {error && <p className="form-errors">{error}</p>}
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column} scope="col">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{items.map(row)}</tbody>
      </table>
    </>
  )
}
