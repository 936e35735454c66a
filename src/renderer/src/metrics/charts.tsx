/**
 * The supervisor's bar charts, drawn with visx (issue 12, item 2): React components over d3
 * scales that render plain SVG elements, so each bar is an element React owns — a button with a
 * name that axe and a screen reader can check — and only the few modules used are bundled.
 *
 * Each chart has axes, the value over each bar, a tooltip (on hover and on keyboard focus), and
 * says so in words when there is nothing to draw. The bars are one tab stop (arrow keys move
 * between them); Enter, Space or a click opens the queue filtered to the tickets behind the bar.
 */
import { AxisBottom, AxisLeft } from '@visx/axis'
import { localPoint } from '@visx/event'
import { Group } from '@visx/group'
import { scaleBand, scaleLinear } from '@visx/scale'
import { Bar } from '@visx/shape'
import { Tooltip, useTooltip } from '@visx/tooltip'
import { useRef, useState, type KeyboardEvent, type MouseEvent } from 'react'
import type { ChartBar, ChartSeries } from './chart-data'
import './charts.css'

export type ShowTickets = (ticketIds: readonly string[], label: string) => void

const MARGIN = { top: 18, right: 12, bottom: 28, left: 36 }
const INK = '#1f2933'
const MUTED = '#52606d'

interface Layout {
  width: number
  height: number
  /** Columns: a bar per hour, upright. Rows: a bar per team, lying, with room for names. */
  layout: 'columns' | 'rows'
}

export function BarChart({
  series,
  onShowTickets,
  tone = 'normal',
  width = 520,
  height = 200,
  layout = 'columns',
}: {
  series: ChartSeries
  onShowTickets?: ShowTickets
  tone?: 'normal' | 'bad'
} & Partial<Layout>) {
  const titleId = `chart-${series.title.replace(/\W+/g, '-').toLowerCase()}`
  return (
    <figure className="chart-figure" aria-labelledby={titleId}>
      <figcaption id={titleId}>{series.title}</figcaption>
      {series.empty ? (
        <p className="chart-empty">{series.emptyText}</p>
      ) : (
        <Plot
          series={series}
          tone={tone}
          width={width}
          height={layout === 'rows' ? Math.max(height, series.bars.length * 26 + 40) : height}
          layout={layout}
          {...(onShowTickets ? { onShowTickets } : {})}
        />
      )}
    </figure>
  )
}

function Plot({
  series,
  onShowTickets,
  tone,
  width,
  height,
  layout,
}: Layout & { series: ChartSeries; onShowTickets?: ShowTickets; tone: 'normal' | 'bad' }) {
  const rows = layout === 'rows'
  const margin = rows ? { ...MARGIN, left: 150, right: 36 } : MARGIN
  const innerWidth = width - margin.left - margin.right
  const innerHeight = height - margin.top - margin.bottom
  const max = Math.max(1, ...series.bars.map((b) => b.value))
  const band = scaleBand<string>({
    domain: series.bars.map((b) => b.key),
    range: rows ? [0, innerHeight] : [0, innerWidth],
    padding: 0.2,
  })
  const value = scaleLinear<number>({
    domain: [0, max],
    range: rows ? [0, innerWidth] : [innerHeight, 0],
    nice: true,
  })
  const labelOf = new Map(series.bars.map((b) => [b.key, b.label]))
  const ticks = value.ticks(Math.min(4, max)).filter(Number.isInteger)

  const [active, setActive] = useState(0)
  const bars = useRef<(SVGRectElement | null)[]>([])
  const tooltip = useTooltip<ChartBar>()
  const container = useRef<HTMLDivElement>(null)

  const place = (bar: ChartBar) => {
    const at = band(bar.key) ?? 0
    return rows
      ? { left: margin.left + value(bar.value) + 8, top: margin.top + at }
      : { left: margin.left + at, top: margin.top + value(bar.value) - 8 }
  }
  const show = (bar: ChartBar, event?: MouseEvent) => {
    const point = event && container.current ? localPoint(container.current, event) : null
    const spot = point ? { left: point.x + 12, top: point.y - 12 } : place(bar)
    tooltip.showTooltip({ tooltipData: bar, tooltipLeft: spot.left, tooltipTop: spot.top })
  }
  const open = (bar: ChartBar) => {
    if (bar.value > 0) onShowTickets?.(bar.ticketIds, bar.description)
  }
  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const last = series.bars.length - 1
    const step: Record<string, number> = {
      ArrowRight: 1,
      ArrowDown: 1,
      ArrowLeft: -1,
      ArrowUp: -1,
      Home: -Infinity,
      End: Infinity,
    }
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault()
      open(series.bars[index]!)
    } else if (step[event.key] !== undefined) {
      event.preventDefault()
      const next = Math.max(0, Math.min(last, index + step[event.key]!))
      setActive(next)
      bars.current[next]?.focus()
    }
  }

  return (
    <div className="chart-plot" ref={container} style={{ width, height }}>
      <svg className="chart" width={width} height={height} role="group" aria-label={series.title}>
        <Group left={margin.left} top={margin.top}>
          {series.bars.map((bar, index) => {
            const at = band(bar.key) ?? 0
            const length = rows ? value(bar.value) : innerHeight - value(bar.value)
            const geometry = rows
              ? { x: 0, y: at, width: length, height: band.bandwidth() }
              : { x: at, y: value(bar.value), width: band.bandwidth(), height: length }
            const clickable = Boolean(onShowTickets) && bar.value > 0
            return (
              <g key={bar.key}>
                <Bar
                  {...geometry}
                  innerRef={(element) => {
                    bars.current[index] = element
                  }}
                  className={`chart__bar${tone === 'bad' ? ' chart__bar--bad' : ''}${clickable ? ' chart__bar--link' : ''}`}
                  role="button"
                  tabIndex={index === active ? 0 : -1}
                  aria-label={
                    clickable ? `${bar.description}. Show these tickets` : bar.description
                  }
                  aria-disabled={clickable ? undefined : true}
                  onMouseMove={(event: MouseEvent) => show(bar, event)}
                  onMouseLeave={tooltip.hideTooltip}
                  onFocus={() => {
                    setActive(index)
                    show(bar)
                  }}
                  onBlur={tooltip.hideTooltip}
                  onClick={() => open(bar)}
                  onKeyDown={(event: KeyboardEvent) => onKeyDown(event, index)}
                />
                {bar.value > 0 && (
                  <text
                    className="chart__value"
                    aria-hidden="true"
                    fill={INK}
                    fontSize={11}
                    textAnchor={rows ? 'start' : 'middle'}
                    x={rows ? length + 4 : at + band.bandwidth() / 2}
                    y={rows ? at + band.bandwidth() / 2 + 4 : value(bar.value) - 4}
                  >
                    {bar.value}
                  </text>
                )}
              </g>
            )
          })}
          {rows ? (
            <>
              <AxisLeft
                scale={band}
                tickFormat={(key) => labelOf.get(key) ?? key}
                stroke={MUTED}
                tickStroke={MUTED}
                tickLabelProps={{ fill: INK, fontSize: 11, textAnchor: 'end', dy: '0.33em' }}
              />
              <AxisBottom
                top={innerHeight}
                scale={value}
                tickValues={ticks}
                tickFormat={(v) => String(v)}
                stroke={MUTED}
                tickStroke={MUTED}
                tickLabelProps={{ fill: INK, fontSize: 11, textAnchor: 'middle' }}
              />
            </>
          ) : (
            <>
              <AxisLeft
                scale={value}
                tickValues={ticks}
                tickFormat={(v) => String(v)}
                stroke={MUTED}
                tickStroke={MUTED}
                tickLabelProps={{ fill: INK, fontSize: 11, textAnchor: 'end', dy: '0.33em' }}
              />
              <AxisBottom
                top={innerHeight}
                scale={band}
                tickFormat={(key) => labelOf.get(key) ?? key}
                stroke={MUTED}
                tickStroke={MUTED}
                tickLabelProps={{ fill: INK, fontSize: 11, textAnchor: 'middle' }}
              />
            </>
          )}
        </Group>
      </svg>
      {tooltip.tooltipOpen && tooltip.tooltipData && (
        // The bar's own name says the same to a screen reader.
        <Tooltip
          left={tooltip.tooltipLeft ?? 0}
          top={tooltip.tooltipTop ?? 0}
          className="chart-tooltip"
          aria-hidden="true"
        >
          {tooltip.tooltipData.description}
          {onShowTickets && tooltip.tooltipData.value > 0 ? (
            <span className="chart-tooltip__hint"> · click to list them</span>
          ) : null}
        </Tooltip>
      )}
    </div>
  )
}

/** A share (0..1) as a filled bar; nothing to show when there is no whole yet. */
export function ShareBar({ share, label }: { share: number | null; label: string }) {
  const width = 120
  const x = scaleLinear<number>({ domain: [0, 1], range: [0, width] })
  return (
    <svg className="chart" role="img" aria-label={label} width={width} height={8}>
      <Bar x={0} y={0} width={width} height={8} fill="#e4e7eb" />
      {share !== null && <Bar className="chart__bar" x={0} y={0} width={x(share)} height={8} />}
    </svg>
  )
}
