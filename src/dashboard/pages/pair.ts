/// <reference lib="dom" />
// The failover pair: this node and its peer side by side (state, priority,
// who holds the shared address, the last advert, sync version and lag,
// clock skew), the transitions and why, and promote/demote. GET /ha's
// fields arrive with the failover work, so each is read defensively, under
// the names either spelling may take: what is missing shows as "–".
import { html } from 'htm/preact';
import { api } from '../api.ts';
import { count, relative, span } from '../format.ts';
import { useAction, usePoll } from '../live.ts';

type Bag = Readonly<Record<string, unknown>>;

const isBag = (value: unknown): value is Bag => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first of `keys` present in `bag` (snake_case and camelCase both). */
function pick(bag: Bag | undefined, ...keys: string[]): unknown {
  for (const key of keys) {
    for (const name of [key, key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())]) if (bag?.[name] !== undefined) return bag[name];
  }
  return undefined;
}

const text = (value: unknown): string => (value === undefined || value === null ? '–' : typeof value === 'object' ? JSON.stringify(value) : String(value));
const ms = (value: unknown): string => (typeof value === 'number' ? span(value).replace(/^0 s$/, `${value} ms`) : text(value));
const yes = (value: unknown): string => (value === true ? '✓ yes' : value === false ? '✗ no' : '–');

function priority(bag: Bag | undefined): string {
  const value = pick(bag, 'priority');
  const effective = pick(bag, 'effective_priority') ?? (isBag(value) ? pick(value, 'effective') : undefined);
  const configured = isBag(value) ? pick(value, 'configured') : value;
  return effective !== undefined && effective !== configured ? `${text(effective)} (configured ${text(configured)})` : text(configured);
}

function Node({ title, node, sync }: { title: string; node: Bag | undefined; sync: Bag | undefined }) {
  const state = text(pick(node, 'state'));
  return html`
    <section class="panel">
      <h3>${title} ${node ? html`<span class=${`tag ${state === 'MASTER' || state === 'master' ? 'ok' : 'warn'}`}>${state}</span>` : null}</h3>
      ${node ? html`
      <dl class="pairs">
        <dt>Node</dt><dd>${text(pick(node, 'node_id', 'id', 'address'))}</dd>
        <dt>Priority</dt><dd>${priority(node)}</dd>
        <dt>Holds the VIP</dt><dd>${yes(pick(node, 'vip_held', 'holds_vip'))}</dd>
        <dt>Last advert</dt><dd>${pick(node, 'age_ms', 'last_advert_ms') !== undefined ? `${ms(pick(node, 'age_ms', 'last_advert_ms'))} ago` : '–'}</dd>
        <dt>Config version</dt><dd>${text(pick(sync, 'version', 'config_version'))}</dd>
        <dt>Sync lag</dt><dd>${ms(pick(sync, 'lag_ms'))}</dd>
        <dt>Clock skew</dt><dd>${ms(pick(sync, 'clock_skew_ms', 'skew_ms'))}</dd>
      </dl>` : html`<p class="muted">No advert heard.</p>`}
    </section>`;
}

export function Pair() {
  const ha = usePoll(() => api.ha(), 2000);
  const act = useAction(() => ha.reload());
  const status = ha.data;
  if (!status) return ha.error ? html`<p class="alert" role="alert">${ha.error}</p>` : html`<p>Loading…</p>`;
  if (status.enabled !== true) {
    return html`<p class="notice">Failover is off: this hearth runs alone. A standby Pi joins when ha.enabled is set on both (see the README's pair section).</p>`;
  }
  const peers = pick(status, 'peer', 'peers');
  const peer = isBag(peers) ? peers : Array.isArray(peers) && isBag(peers[0]) ? peers[0] : undefined;
  const sync = pick(status, 'sync');
  const syncBag = isBag(sync) ? sync : undefined;
  const transitions = pick(status, 'transitions');
  const failures = pick(status, 'auth_failures', 'rejected');
  const vip = pick(status, 'vip');
  return html`
    ${act.error ? html`<p class="alert" role="alert">${act.error}</p>` : null}
    <p>Shared address ${html`<b>${text(vip)}</b>`}${pick(status, 'reason') ? html` · <span class="muted">${text(pick(status, 'reason'))}</span>` : null}</p>
    <div class="grid">
      <${Node} title="This node" node=${status} sync=${syncBag} />
      <${Node} title="Peer" node=${peer} sync=${isBag(pick(syncBag, 'peer')) ? (pick(syncBag, 'peer') as Bag) : syncBag} />
    </div>
    <div class="toolbar">
      <button type="button" disabled=${act.busy} onClick=${() => confirm('Hand the shared address to the peer and stay standby?') && act.run(() => api.haAction('demote'))}>Demote this node</button>
      <button type="button" class="primary" disabled=${act.busy} onClick=${() => act.run(() => api.haAction('promote'))}>Promote this node</button>
    </div>
    <section class="panel">
      <h3>Transitions</h3>
      ${Array.isArray(transitions) && transitions.length > 0 ? html`<ol class="rows">${transitions.filter(isBag).slice(-20).reverse().map((t) => html`
        <li><span class="main">${text(pick(t, 'from'))} → <b>${text(pick(t, 'to', 'state'))}</b></span>
          <span class="meta">${relative(String(pick(t, 'at', 'time') ?? ''))} · ${text(pick(t, 'reason'))}</span></li>`)}</ol>` : html`<p class="muted">None yet.</p>`}
      <p class="small">Adverts refused (bad MAC, replay, unknown sender): ${typeof failures === 'number' ? count(failures) : text(failures)}</p>
    </section>
    <details class="panel"><summary>Everything GET /ha says</summary><pre class="small">${JSON.stringify(status, null, 2)}</pre></details>`;
}
