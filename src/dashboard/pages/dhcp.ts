/// <reference lib="dom" />
// DHCP: the leases held now (name, MAC, address, time left), one click to
// make a lease static, and the static leases themselves.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { relative } from '../format.ts';
import { useAction, usePoll } from '../live.ts';
import type { Lease, StaticLease } from '../types.ts';

/** A lease names its host in full (phone.home.lan); a static lease takes the host's label (phone). */
const hostLabel = (fqdn: string) => fqdn.split('.')[0] ?? fqdn;

const staticOf = (lease: Lease): StaticLease => ({ mac: lease.mac, ip: lease.address, ...(lease.hostname ? { hostname: hostLabel(lease.hostname) } : {}) });

const input = (set: (value: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);

export function Dhcp() {
  const leases = usePoll(() => api.leases(), 10_000);
  const statics = usePoll(() => api.statics(), undefined);
  const act = useAction(() => Promise.all([leases.reload(), statics.reload()]));
  const [draft, setDraft] = useState({ mac: '', ip: '', hostname: '' });
  const set = (key: keyof typeof draft) => input((value) => setDraft({ ...draft, [key]: value }));
  const reserve = (lease: StaticLease) => act.run(() => api.addStatic(lease));
  const reserved = new Set((statics.data?.static_leases ?? []).map((s) => s.ip));
  const add = async (event: Event) => {
    event.preventDefault();
    if (await reserve({ mac: draft.mac, ip: draft.ip, ...(draft.hostname ? { hostname: draft.hostname } : {}) })) setDraft({ mac: '', ip: '', hostname: '' });
  };
  return html` ${
      leases.data && !leases.data.enabled
        ? html`<p class="notice">The DHCP server is off (dhcp.enabled: false). Static leases below apply when it is on.</p>`
        : null
    }
    ${act.error || leases.error ? html`<p class="alert" role="alert">${act.error ?? leases.error}</p>` : null}
    <section class="panel">
      <h3>Leases</h3>
      ${
        (leases.data?.leases ?? []).length === 0
          ? html`<p class="muted">No lease is held.</p>`
          : html` <ul class="rows leases">
              ${(leases.data?.leases ?? []).map(
                (lease) =>
                  html` <li data-address=${lease.address}>
                    <span class="main"><b>${lease.hostname ?? '(no name)'}</b> ${lease.address}</span>
                    <span class="meta">${lease.mac} · ${lease.kind === 'static' ? 'static' : `ends ${relative(lease.expires)}`}</span>
                    <span class="actions"
                      >${
                        lease.kind === 'static' || reserved.has(lease.address)
                          ? html`<span class="tag ok">✓ static</span>`
                          : html` <button
                              type="button"
                              disabled=${act.busy}
                              aria-label=${`Make ${lease.address} static`}
                              onClick=${() => reserve(staticOf(lease))}
                            >
                              Make static
                            </button>`
                      }
                    </span>
                  </li>`,
              )}
            </ul>`
      }
    </section>
    <section class="panel">
      <h3>Static leases</h3>
      <ul class="rows statics">
        ${(statics.data?.static_leases ?? []).map(
          (lease) =>
            html` <li>
              <span class="main"><b>${lease.hostname ?? '(no name)'}</b> ${lease.ip}</span>
              <span class="meta">${lease.mac ?? `client id ${lease.client_id ?? ''}`}</span>
              <span class="actions"
                ><button
                  type="button"
                  class="danger"
                  disabled=${act.busy}
                  onClick=${() => act.run(() => api.removeStatic({ ip: lease.ip }))}
                  aria-label=${`Remove the static lease of ${lease.ip}`}
                >
                  Remove
                </button></span
              >
            </li>`,
        )}
      </ul>
      <form class="inline" onSubmit=${add} aria-label="Add a static lease">
        <label>MAC <input name="mac" required value=${draft.mac} onInput=${set('mac')} placeholder="aa:bb:cc:dd:ee:ff" size="17" /></label>
        <label>Address <input name="ip" required value=${draft.ip} onInput=${set('ip')} placeholder="192.168.1.10" size="14" /></label>
        <label>Name <input name="hostname" value=${draft.hostname} onInput=${set('hostname')} placeholder="nas" size="12" /></label>
        <button type="submit" disabled=${act.busy}>Reserve</button>
      </form>
    </section>`;
}
