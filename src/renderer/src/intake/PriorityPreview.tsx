/** The priority that impact × urgency give, and when its targets fall due, as the agent sets them. */
import {
  clockOf,
  describeDuration,
  targetsFor,
  type PriorityPolicy,
} from '../../../shared/incident/priority'
import type { Level } from '../../../shared/incident/vocabulary'
import { formatWhen } from '../ui/time'

interface PriorityPreviewProps {
  receivedAt: number
  impact: Level
  urgency: Level
  policy: PriorityPolicy
  nowMs: number
}

export function PriorityPreview({
  receivedAt,
  impact,
  urgency,
  policy,
  nowMs,
}: PriorityPreviewProps) {
  const targets = targetsFor(receivedAt, impact, urgency, policy)
  const target = policy.targets[targets.priority]
  const clock = clockOf(targets.priority, policy)
  return (
    <div className="priority" role="status" aria-label="Priority">
      <span className={`pill pill--${targets.priority}`}>{targets.priority}</span>
      <dl className="priority__targets">
        <dt>First assignment</dt>
        <dd>
          by {formatWhen(targets.firstAssignmentDueAt, nowMs)}{' '}
          <span className="muted">({describeDuration(target.firstAssignment, clock)})</span>
        </dd>
        <dt>Resolution</dt>
        <dd>
          by {formatWhen(targets.resolutionDueAt, nowMs)}{' '}
          <span className="muted">({describeDuration(target.resolution, clock)})</span>
        </dd>
      </dl>
    </div>
  )
}
