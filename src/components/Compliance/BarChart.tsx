/**
 * A bar chart in plain SVG, for the Compliance view: bars per group, one per series, each with its
 * value above it and a tooltip; the axis runs from 0 to a round maximum. No chart library: the
 * two charts need little, and the view stays small.
 */
import * as React from 'react';

export interface BarSeries {
  name: string;
  color: string;
}

export interface BarGroup {
  label: string;
  /** One value per series, in the series' order. */
  values: number[];
}

export interface BarChartProps {
  title: string;
  series: BarSeries[];
  groups: BarGroup[];
  testId: string;
}

const HEIGHT = 180;
const TOP = 18;
const BOTTOM = 34;
const LEFT = 36;
const BAR = 22;
const GAP = 18;
/** Room for a label such as "≤ 500 ms" under each group. */
const MIN_GROUP = 64;

/** 1, 2 or 5 times a power of ten, at least `value` (and at least 1). */
export function roundMaximum(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((candidate) => candidate >= value) as number;
}

export function BarChart({ title, series, groups, testId }: BarChartProps) {
  const maximum = roundMaximum(Math.max(0, ...groups.flatMap((group) => group.values)));
  const groupWidth = Math.max(series.length * BAR + GAP, MIN_GROUP);
  const barsWidth = series.length * BAR;
  const width = LEFT + groups.length * groupWidth + GAP;
  const plot = HEIGHT - TOP - BOTTOM;
  const y = (value: number) => TOP + plot - (value / maximum) * plot;
  return (
    <figure style={{ margin: 0 }} data-testid={testId}>
      <svg
        role="img"
        aria-label={title}
        viewBox={`0 0 ${width} ${HEIGHT}`}
        width="100%"
        style={{ maxWidth: Math.max(width, 320) * 1.6, fontFamily: 'inherit' }}
      >
        {(Number.isInteger(maximum / 2) ? [0, maximum / 2, maximum] : [0, maximum]).map((tick) => (
          <g key={tick}>
            <line x1={LEFT} x2={width - GAP / 2} y1={y(tick)} y2={y(tick)} stroke="#e1e3ea" />
            <text x={LEFT - 6} y={y(tick) + 4} textAnchor="end" fontSize="10" fill="#606b85">
              {tick}
            </text>
          </g>
        ))}
        {groups.map((group, index) => {
          const x0 = LEFT + GAP + index * groupWidth + (groupWidth - GAP - barsWidth) / 2;
          return (
            <g key={group.label} data-testid="bar-group">
              {group.values.map((value, at) => (
                <g key={series[at].name}>
                  <rect x={x0 + at * BAR} y={y(value)} width={BAR - 2} height={TOP + plot - y(value)} fill={series[at].color}>
                    <title>{`${group.label} · ${series[at].name}: ${value}`}</title>
                  </rect>
                  <text x={x0 + at * BAR + (BAR - 2) / 2} y={y(value) - 4} textAnchor="middle" fontSize="10" fill="#121c2d" data-testid="bar-value">
                    {value}
                  </text>
                </g>
              ))}
              <text x={x0 + barsWidth / 2} y={HEIGHT - BOTTOM + 16} textAnchor="middle" fontSize="10" fill="#121c2d">
                {group.label}
              </text>
            </g>
          );
        })}
      </svg>
      {series.length > 1 && (
        <figcaption style={{ display: 'flex', gap: 16, fontSize: 12 }}>
          {series.map((entry) => (
            <span key={entry.name}>
              <span style={{ display: 'inline-block', width: 10, height: 10, background: entry.color, marginRight: 6 }} aria-hidden="true" />
              {entry.name}
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}
