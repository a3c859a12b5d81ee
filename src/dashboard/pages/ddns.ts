/// <reference lib="dom" />
// Dynamic DNS: the public addresses found, and per record the provider, the
// address it last confirmed, the last result and the next run; update now.
import { html } from 'htm/preact';
import { api } from '../api.ts';
import { relative } from '../format.ts';
import { useAction, usePoll } from '../live.ts';
import type { DdnsStatus } from '../types.ts';

type Family = DdnsStatus['records'][number]['v4'];

function FamilyLine({ label, family }: { label: string; family: Family }) {
  if (!family) return null;
  const result = family.lastResult;
  const good = result && (result.kind === 'updated' || result.kind === 'unchanged');
  return html`<span class="meta"
    >${label} ${family.address ?? '–'}
    ${result ? html` · <span class=${good ? 'ok' : 'bad'}>${good ? '✓' : '✗'} ${result.kind}</span> ${relative(result.at)}` : ' · not run yet'}
    ${result?.message ? ` (${result.message})` : ''} ${family.retryAt ? ` · retry ${relative(family.retryAt)}` : ''}</span
  >`;
}

export function Ddns() {
  const status = usePoll(() => api.ddns(), 15_000);
  const act = useAction(() => status.reload());
  const s = status.data;
  if (!s) return status.error ? html`<p class="alert" role="alert">${status.error}</p>` : html`<p>Loading…</p>`;
  return html` ${s.enabled ? null : html`<p class="notice">No dynamic DNS record is configured (ddns.records).</p>`}
    ${act.error ? html`<p class="alert" role="alert">${act.error}</p>` : null}
    <section class="panel">
      <h3>Addresses found</h3>
      <dl class="pairs">
        <dt>IPv4</dt>
        <dd>${s.addresses.v4 ? `${s.addresses.v4.address ?? '–'} (${s.addresses.v4.detail})` : '–'}</dd>
        <dt>IPv6</dt>
        <dd>${s.addresses.v6 ? `${s.addresses.v6.address ?? '–'} (${s.addresses.v6.detail})` : '–'}</dd>
        <dt>Last run</dt>
        <dd>${relative(s.lastRun)}</dd>
        <dt>Next run</dt>
        <dd>${relative(s.nextRun)} <span class="muted small">(<code>${s.schedule}</code>)</span></dd>
      </dl>
      <div class="toolbar">
        <button type="button" class="primary" disabled=${act.busy || s.running || !s.enabled} onClick=${() => act.run(() => api.ddnsUpdate())}>
          ${s.running || act.busy ? 'Updating…' : 'Update now'}
        </button>
      </div>
    </section>
    <section class="panel">
      <h3>Records</h3>
      ${
        s.records.length === 0
          ? html`<p class="muted">None.</p>`
          : html` <ul class="rows">
              ${s.records.map(
                (record) =>
                  html` <li>
                    <span class="main"
                      ><b>${record.name}</b>
                      <span class="muted">${record.provider}</span>
                      ${record.stopped ? html` <span class="tag bad">✗ stopped: ${record.stopped.reason}</span>` : null}</span
                    >
                    <${FamilyLine} label="IPv4" family=${record.v4} />
                    <${FamilyLine} label="IPv6" family=${record.v6} />
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
}
