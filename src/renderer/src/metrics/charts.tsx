/**
 * Small charts as inline SVG (no chart library): a bar per hour, and a share as a bar. Each chart
 * is an image with a text alternative that says what it shows, and its numbers are in the CSV.
 */
const BAR = 14
const GAP = 3

export function HourBars({
  title,
  values,
  hourLabels,
  format = String,
  tone = 'normal',
  height = 90,
}: {
  title: string
  values: readonly number[]
  hourLabels: readonly string[]
  format?: (value: number) => string
  tone?: 'normal' | 'bad'
  height?: number
}) {
  const max = Math.max(1, ...values)
  const plot = height - 16
  const width = values.length * (BAR + GAP)
  const peak = values.indexOf(Math.max(...values))
  const summary =
    values.some((v) => v > 0) && peak >= 0
      ? `${title}: highest ${format(values[peak]!)} at ${hourLabels[peak]}.`
      : `${title}: none today.`
  return (
    <figure className="chart-figure">
      <figcaption>{title}</figcaption>
      <svg
        className="chart"
        role="img"
        aria-label={summary}
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
      >
        {values.map((value, i) => {
          const h = Math.round((value / max) * plot)
          return (
            <rect
              key={hourLabels[i]}
              className={`chart__bar${tone === 'bad' ? ' chart__bar--bad' : ''}`}
              x={i * (BAR + GAP)}
              y={plot - h}
              width={BAR}
              height={h}
            >
              <title>{`${hourLabels[i]}: ${format(value)}`}</title>
            </rect>
          )
        })}
        {hourLabels.map((label, i) =>
          i % 3 === 0 ? (
            <text key={label} className="chart__axis" x={i * (BAR + GAP)} y={height - 2}>
              {label}
            </text>
          ) : null,
        )}
      </svg>
    </figure>
  )
}

/** A share (0..1) as a filled bar; nothing to show when there is no whole yet. */
export function ShareBar({ share, label }: { share: number | null; label: string }) {
  const width = 120
  return (
    <svg
      className="chart"
      role="img"
      aria-label={label}
      width={width}
      height={8}
      viewBox={`0 0 ${width} 8`}
    >
      <rect x={0} y={0} width={width} height={8} fill="#e4e7eb" />
      {share !== null && (
        <rect className="chart__bar" x={0} y={0} width={Math.round(share * width)} height={8} />
      )}
    </svg>
  )
}
