/// <reference lib="dom" />
// The failover pair: this node and its peer side by side (state, priority,
// who holds the shared address, the last advert), the sync (config version,
// leases, clock skew), the transitions and why, and promote/demote. GET /ha
// grows with the failover and sync work, so every field is read
// defensively: one not there yet shows as "–", and the raw answer is one
// click away.
import { html } from 'htm/preact';
import { api } from '../api.ts';
import { count, relative, span } from '../format.ts';
import { useAction, usePoll } from '../live.ts';

type Bag = Readonly<Record<string, unknown>>;

const isBag = (value: unknown): value is Bag => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a path of keys, each tried as snake_case and camelCase. */
function at(bag: unknown, ...path: string[]): unknown {
  let here = bag;
  for (const key of path) {
    if (!isBag(here)) return undefined;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    here = here[key] ?? here[camel];
  }
  return here;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '–';
  return isBag(value) || Array.isArray(value) ? JSON.stringify(value) : String(value);
}
const ms = (value: unknown): string => (typeof value !== 'number' ? '–' : Math.abs(value) < 1000 ? `${Math.round(value)} ms` : span(Math.abs(value)));
/** `good` for true, `bad` for false, "–" for a field not there. */
const either = (value: unknown, good: unknown, bad: unknown): unknown => (value === undefined ? '–' : value ? good : bad);
const yes = (value: unknown): string => (value === true ? '✓ yes' : value === false ? '✗ no' : '–');

function priority(node: unknown): string {
  const value = at(node, 'priority');
  const configured = isBag(value) ? at(value, 'configured') : value;
  const effective = isBag(value) ? at(value, 'effective') : undefined;
  return effective !== undefined && effective !== configured ? `${text(effective)} (configured ${text(configured)})` : text(configured);
}

function StateTag({ state }: { state: unknown }) {
  const name = text(state).toLowerCase();
  return html`<span class=${`tag ${name === 'master' ? 'ok' : 'warn'}`}>${name === 'master' ? '★' : '○'} ${name}</span>`;
}

function Node({ title, node, self }: { title: string; node: unknown; self: boolean }) {
  const vip = at(node, 'vip');
  const impaired = at(node, 'impaired');
  return html` <section class="panel">
    <h3>${title} ${node ? html`<${StateTag} state=${at(node, 'state')} />` : null}</h3>
    ${
      node
        ? html` <dl class="pairs">
            <dt>Node</dt>
            <dd>${text(at(node, 'node_id'))}${at(node, 'address') ? html` <span class="muted small">${text(at(node, 'address'))}</span>` : null}</dd>
            <dt>Priority</dt>
            <dd>${priority(node)}</dd>
            ${
              self
                ? html`<dt>Holds the VIP</dt>
                    <dd>${yes(isBag(vip) ? at(vip, 'held') : at(node, 'vip_held'))}</dd>`
                : html`<dt>Last advert</dt>
                    <dd>${at(node, 'age_ms') === undefined ? '–' : `${ms(at(node, 'age_ms'))} ago`}</dd>`
            }
            <dt>Health</dt>
            <dd>
              ${
                impaired === undefined || impaired === null || impaired === false
                  ? '✓ healthy'
                  : html`<span class="bad">✗ ${impaired === true ? 'impaired' : text(impaired)}</span>`
              }
            </dd>
            ${
              self && at(node, 'demoted') === true
                ? html`<dt>Demoted</dt>
                    <dd>✓ stays standby until promoted</dd>`
                : null
            }
          </dl>`
        : html`<p class="muted">No advert heard from a peer.</p>`
    }
  </section>`;
}

function Sync({ sync }: { sync: unknown }) {
  if (!isBag(sync)) return null;
  const conflicts = at(sync, 'config', 'conflict_files');
  return html` <section class="panel">
    <h3>Sync</h3>
    <dl class="pairs">
      <dt>Channel</dt>
      <dd>${either(at(sync, 'connected'), '✓ connected', html`<span class="bad">✗ not connected</span>`)}</dd>
      <dt>Config version</dt>
      <dd>${text(at(sync, 'config', 'version'))} ${either(at(sync, 'config', 'in_sync'), '(✓ same on both)', '(✗ differs)')}</dd>
      <dt>Leases</dt>
      <dd>
        ${
          at(sync, 'leases', 'stale') === true
            ? html`<span class="bad">✗ standby catching up</span>`
            : at(sync, 'leases')
              ? `✓ ${text(at(sync, 'leases', 'replicated'))} replicated`
              : '–'
        }
      </dd>
      <dt>Sync lag</dt>
      <dd>${ms(at(sync, 'lag_ms'))}</dd>
      <dt>Clock skew</dt>
      <dd>${ms(at(sync, 'clock_skew', 'offset_ms') ?? at(sync, 'clock_skew_ms'))}</dd>
      ${
        Array.isArray(conflicts) && conflicts.length > 0
          ? html`<dt>Conflicts kept in</dt>
              <dd>${conflicts.map(text).join(', ')}</dd>`
          : null
      }
    </dl>
  </section>`;
}

/** Adverts refused, whatever the shape: a count, or counts by reason. */
function refused(status: unknown): string {
  const value = at(status, 'adverts', 'rejected') ?? at(status, 'auth_failures');
  if (typeof value === 'number') return count(value);
  if (!isBag(value)) return '–';
  const entries = Object.entries(value).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return total === 0
    ? '0'
    : `${count(total)} (${entries
        .filter(([, n]) => n > 0)
        .map(([reason, n]) => `${reason} ${count(n)}`)
        .join(', ')})`;
}

export function Pair() {
  const ha = usePoll(() => api.ha(), 2000);
  const act = useAction(() => ha.reload());
  const status = ha.data;
  if (!status) return ha.error ? html`<p class="alert" role="alert">${ha.error}</p>` : html`<p>Loading…</p>`;
  if (status.enabled !== true) {
    return html`<p class="notice">Failover is off: this hearth runs alone. A standby Pi joins when ha.enabled is set on both.</p>`;
  }
  const peers = at(status, 'peers') ?? at(status, 'peer');
  const peer = Array.isArray(peers) ? peers[0] : peers;
  const vip = at(status, 'vip');
  const transitions = (Array.isArray(at(status, 'transitions')) ? (at(status, 'transitions') as unknown[]) : [])
    .filter(isBag)
    .sort((a, b) => String(at(b, 'at') ?? '').localeCompare(String(at(a, 'at') ?? '')));
  return html` ${act.error ? html`<p class="alert" role="alert">${act.error}</p>` : null}
    <p>Shared address (VIP): <b>${text(isBag(vip) ? at(vip, 'address') : vip)}</b></p>
    <div class="grid">
      <${Node} title="This node" node=${status} self=${true} />
      <${Node} title="Peer" node=${peer} self=${false} />
      <${Sync} sync=${at(status, 'sync')} />
    </div>
    <div class="toolbar">
      <button
        type="button"
        disabled=${act.busy}
        onClick=${() => confirm('Hand the shared address to the peer and stay standby?') && act.run(() => api.haAction('demote'))}
      >
        Demote this node
      </button>
      <button type="button" class="primary" disabled=${act.busy} onClick=${() => act.run(() => api.haAction('promote'))}>Promote this node</button>
    </div>
    <section class="panel">
      <h3>Transitions</h3>
      ${
        transitions.length > 0
          ? html`<ol class="rows">
              ${transitions.slice(0, 20).map(
                (t) =>
                  html` <li>
                    <span class="main">${text(at(t, 'from'))} → <b>${text(at(t, 'to'))}</b></span>
                    <span class="meta">${relative(String(at(t, 'at') ?? ''))} · ${text(at(t, 'reason'))}</span>
                  </li>`,
              )}
            </ol>`
          : html`<p class="muted">None yet.</p>`
      }
      <p class="small">Adverts refused (bad MAC, replay, unknown sender): ${refused(status)}</p>
    </section>
    <details class="panel">
      <summary>Everything GET /ha says</summary>
      <pre class="small">${JSON.stringify(status, null, 2)}</pre>
    </details>`;
}
