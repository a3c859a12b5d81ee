/// <reference lib="dom" />
// One glance: the last 24 hours of queries, the blocked share, the cache's
// hit ratio, the top names, blocked names and clients (by their DHCP name
// where hearth gave them a lease), the upstreams and the lists.
import { html } from 'htm/preact';
import { api, gauge } from '../api.ts';
import { HourlyChart } from '../chart.ts';
import { count, ms, percent, relative } from '../format.ts';
import { usePoll } from '../live.ts';
import type { Stats } from '../types.ts';

function Top({ title, rows, empty }: { title: string; rows: readonly { label: string; count: number }[]; empty: string }) {
  return html` <section class="panel">
    <h3>${title}</h3>
    ${
      rows.length === 0
        ? html`<p class="muted">${empty}</p>`
        : html` <ol class="rows">
            ${rows.map((row) => html`<li><span class="main">${row.label}</span><span class="count">${count(row.count)}</span></li>`)}
          </ol>`
    }
  </section>`;
}

/** Each upstream now (up or backed off, its moving-average latency, from
 *  the metrics) and over 24 h (answers and average, from the statistics). */
function Upstreams({ stats, metrics }: { stats: Stats; metrics: string | undefined }) {
  const up = gauge(metrics ?? '', 'hearth_upstream_up');
  const latency = gauge(metrics ?? '', 'hearth_upstream_latency_seconds');
  const day = new Map(stats.upstreams.map((u) => [u.upstream.replace(/^upstream:/, ''), u]));
  const urls = [...new Set([...up.keys(), ...day.keys()])];
  return html` <section class="panel">
    <h3>Upstreams</h3>
    ${
      urls.length === 0
        ? html`<p class="muted">None configured: names outside the local zones are refused (Settings).</p>`
        : html` <ul class="rows">
            ${urls.map(
              (url) =>
                html` <li>
                  <span class="main">${url}</span>
                  ${up.has(url) ? html`<span class=${`tag ${up.get(url) === 1 ? 'ok' : 'bad'}`}>${up.get(url) === 1 ? '✓ up' : '✗ backed off'}</span>` : null}
                  <span class="meta"
                    >${latency.has(url) ? `${ms((latency.get(url) ?? 0) * 1000)} now · ` : ''}${count(day.get(url)?.count ?? 0)} answers in 24 h</span
                  >
                </li>`,
            )}
          </ul>`
    }
  </section>`;
}

export function Overview() {
  const stats = usePoll(() => api.stats(), 5000);
  const metrics = usePoll(() => api.metrics(), 5000);
  const leases = usePoll(() => api.leases(), 30_000);
  const lists = usePoll(() => api.lists(), 60_000);
  const s = stats.data;
  if (!s) return stats.error ? html`<p class="alert" role="alert">${stats.error}</p>` : html`<p>Loading…</p>`;
  const names = new Map((leases.data?.leases ?? []).filter((l) => l.hostname).map((l) => [l.address, l.hostname ?? '']));
  const t = s.totals;
  return html` <div class="figures" aria-live="polite">
      <div class="figure"><b>${count(t.queries)}</b><span>queries (24 h)</span></div>
      <div class="figure"><b>${count(t.blocked)}</b><span>blocked · ${percent(t.blocked, t.queries)}</span></div>
      <div class="figure"><b>${percent(t.cached, t.queries - t.blocked - t.local - t.error)}</b><span>cache hits</span></div>
      <div class="figure"><b>${count(t.local)}</b><span>answered locally</span></div>
      <div class="figure"><b>${ms(t.avgLatencyMs)}</b><span>average answer</span></div>
    </div>
    <section class="panel">
      <h3>Queries per hour</h3>
      <${HourlyChart} series=${s.series} />
    </section>
    <div class="grid">
      <${Top} title="Top names" empty="No queries yet." rows=${s.topNames.map((r) => ({ label: r.name, count: r.count }))} />
      <${Top} title="Top blocked" empty="Nothing blocked yet." rows=${s.topBlocked.map((r) => ({ label: r.name, count: r.count }))} />
      <${Top}
        title="Top clients"
        empty="No clients yet."
        rows=${s.topClients.map((r) => ({ label: names.has(r.client) ? `${names.get(r.client)} (${r.client})` : r.client, count: r.count }))}
      />
      <${Upstreams} stats=${s} metrics=${metrics.data} />
      <section class="panel">
        <h3>Block lists</h3>
        <ul class="rows">
          ${(lists.data?.lists ?? []).map(
            (l) =>
              html` <li>
                <span class="main">${l.source}</span>
                <span class="meta"
                  >${l.error ? html`<span class="bad">✗ ${l.error}</span>` : `${count(l.stats?.blocked ?? 0)} names`}
                  ${l.downloaded ? ` · downloaded ${relative(l.downloaded)}` : ''}</span
                >
              </li>`,
          )}
        </ul>
        <p class="small"><a href="#/blocklists">Manage lists</a></p>
      </section>
    </div>`;
}
