/// <reference lib="dom" />
// The 24-hour chart: a bar an hour for queries, the blocked part drawn over
// it with a hatched fill (so it reads without colour too), in an SVG that
// scales to its box; a table with the same numbers for screen readers.
import { html } from 'htm/preact';
import { count } from './format.ts';
import type { Stats } from './types.ts';

const WIDTH = 480;
const HEIGHT = 140;
const BOTTOM = 16;

export function HourlyChart({ series }: { series: Stats['series'] }) {
  const peak = Math.max(1, ...series.map((hour) => hour.queries));
  const step = WIDTH / Math.max(series.length, 1);
  const y = (value: number) => (HEIGHT - BOTTOM) * (1 - value / peak);
  const total = series.reduce((sum, hour) => sum + hour.queries, 0);
  const blocked = series.reduce((sum, hour) => sum + hour.blocked, 0);
  return html`
    <figure class="chart">
      <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label=${`Queries per hour over the last 24 hours: ${count(total)} in all, ${count(blocked)} blocked; the busiest hour had ${count(peak)}`}>
        <defs>
          <pattern id="hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect width="4" height="4" class="blocked" /><rect width="1.5" height="4" fill="white" opacity="0.6" />
          </pattern>
        </defs>
        <line class="axis" x1="0" x2=${WIDTH} y1=${HEIGHT - BOTTOM} y2=${HEIGHT - BOTTOM} />
        ${series.map((hour, i) => html`
          <g>
            <title>${`${new Date(hour.time).getHours()}:00 — ${count(hour.queries)} queries, ${count(hour.blocked)} blocked`}</title>
            <rect class="queries" x=${i * step + 1} width=${Math.max(step - 2, 1)} y=${y(hour.queries)} height=${HEIGHT - BOTTOM - y(hour.queries)} />
            <rect fill="url(#hatch)" x=${i * step + 1} width=${Math.max(step - 2, 1)} y=${y(hour.blocked)} height=${HEIGHT - BOTTOM - y(hour.blocked)} />
          </g>`)}
        ${series.map((hour, i) => (i % 6 === 0 ? html`<text x=${i * step + 2} y=${HEIGHT - 3}>${`${new Date(hour.time).getHours()}:00`}</text>` : null))}
        <text x=${WIDTH - 2} y="10" text-anchor="end">${`max ${count(peak)}/h`}</text>
      </svg>
      <figcaption class="legend"><span><i class="queries"></i>queries</span><span><i class="blocked"></i>blocked</span></figcaption>
    </figure>`;
}
