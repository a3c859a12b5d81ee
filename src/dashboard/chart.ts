/// <reference lib="dom" />
// The 24-hour chart: a bar an hour for queries, the blocked part drawn over
// it with a hatched fill (so it reads without colour too). The SVG stretches
// to its box; its labels are HTML beside it, so text keeps its size on a
// phone and on a desktop alike.
import { html } from 'htm/preact';
import { count } from './format.ts';
import type { Stats } from './types.ts';

const HEIGHT = 100;

export function HourlyChart({ series }: { series: Stats['series'] }) {
  const peak = Math.max(1, ...series.map((hour) => hour.queries));
  const width = Math.max(series.length, 1) * 10;
  const y = (value: number) => HEIGHT * (1 - value / peak);
  const total = series.reduce((sum, hour) => sum + hour.queries, 0);
  const blocked = series.reduce((sum, hour) => sum + hour.blocked, 0);
  const hourOf = (time: string) => `${new Date(time).getHours()}:00`;
  return html` <figure class="chart">
    <p class="chart-peak small muted">busiest hour: ${count(peak)} queries</p>
    <svg
      viewBox="0 0 ${width} ${HEIGHT}"
      preserveAspectRatio="none"
      role="img"
      aria-label=${`Queries per hour over the last 24 hours: ${count(total)} in all, ${count(blocked)} blocked; the busiest hour had ${count(peak)}`}
    >
      <defs>
        <pattern id="hatch" width="3" height="3" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="3" height="3" class="blocked" />
          <rect width="1" height="3" fill="white" opacity="0.6" />
        </pattern>
      </defs>
      ${series.map(
        (hour, i) =>
          html` <g>
            <title>${`${hourOf(hour.time)}: ${count(hour.queries)} queries, ${count(hour.blocked)} blocked`}</title>
            <rect class="queries" x=${i * 10 + 1} width="8" y=${y(hour.queries)} height=${HEIGHT - y(hour.queries)} />
            <rect fill="url(#hatch)" x=${i * 10 + 1} width="8" y=${y(hour.blocked)} height=${HEIGHT - y(hour.blocked)} />
          </g>`,
      )}
    </svg>
    <div class="chart-axis small muted" aria-hidden="true">
      ${series.filter((_, i) => i % 6 === 0).map((hour) => html`<span>${hourOf(hour.time)}</span>`)}<span>now</span>
    </div>
    <figcaption class="legend">
      <span><i class="queries"></i>queries</span><span><i class="blocked"></i>blocked (hatched)</span>
    </figcaption>
  </figure>`;
}
