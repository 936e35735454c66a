/**
 * The priority matrix (impact × urgency → P1–P4), the administrator's to configure: one select
 * per cell, saved as the whole policy (its targets and business days unchanged).
 */
import { useState } from 'react'
import { priorityPolicySchema, type PriorityPolicy } from '../../../shared/incident/priority'
import { useDesk } from '../app/desk'
import { SelectField } from '../ui/fields'
import type { useOutcome } from './use-admin'

const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const
const OPTIONS = PRIORITIES.map((p) => ({ value: p, label: p }))
const IMPACT = ['campus-wide', 'multiple groups', 'one group', 'one person']
const URGENCY = ['critical', 'high', 'moderate', 'low']

export function PriorityMatrix({
  policy,
  outcome,
  saved,
}: {
  policy: PriorityPolicy
  outcome: ReturnType<typeof useOutcome>
  saved: () => Promise<void>
}) {
  const { station } = useDesk()
  const [matrix, setMatrix] = useState(policy.matrix)
  const setCell = (impact: number, urgency: number, value: (typeof PRIORITIES)[number]) =>
    setMatrix(
      matrix.map((row, i) =>
        i === impact ? row.map((cell, j) => (j === urgency ? value : cell)) : row,
      ) as PriorityPolicy['matrix'],
    )
  return (
    <form
      aria-labelledby="matrix-title"
      onSubmit={(event) => {
        event.preventDefault()
        const next = priorityPolicySchema.parse({ ...policy, matrix })
        void outcome.run(async () => {
          await station.admin.saveDirectory({ policy: next })
          await saved()
          return 'Saved the priority matrix.'
        })
      }}
    >
      <h2 id="matrix-title">Priority matrix</h2>
      <table className="table" aria-label="Priority by impact and urgency">
        <thead>
          <tr>
            <th scope="col">Impact \ urgency</th>
            {URGENCY.map((u, j) => (
              <th scope="col" key={u}>
                {j + 1} {u}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {matrix.map((row, i) => (
            <tr key={IMPACT[i]}>
              <th scope="row">
                {i + 1} {IMPACT[i]}
              </th>
              {row.map((cell, j) => (
                <td key={URGENCY[j]}>
                  <SelectField
                    label={`Impact ${i + 1}, urgency ${j + 1}`}
                    className="field--inline"
                    value={cell}
                    options={OPTIONS}
                    onChange={(value) => setCell(i, j, value)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form-actions">
        <button type="submit" className="button--primary" disabled={outcome.busy}>
          Save the priority matrix
        </button>
      </div>
    </form>
  )
}
