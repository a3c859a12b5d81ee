/// <reference lib="dom" />
// The local zones and their records (every change goes through the zone's
// RFC 2136 path: the serial grows, the journal keeps it), the cloaking
// rules, and the split-horizon views.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { useAction, usePoll } from '../live.ts';
import type { DnsRecord } from '../types.ts';

const input = (set: (value: string) => void) => (e: Event) => set((e.target as HTMLInputElement).value);

function RecordRow({
  record,
  busy,
  onSave,
  onDelete,
}: {
  record: DnsRecord;
  busy: boolean;
  onSave: (data: string, ttl: number) => unknown;
  onDelete: () => unknown;
}) {
  const [editing, setEditing] = useState(false);
  const [data, setData] = useState(record.data);
  const [ttl, setTtl] = useState(String(record.ttl));
  const fixed = record.type === 'SOA';
  if (editing) {
    return html` <li>
      <form
        class="inline"
        onSubmit=${async (e: Event) => {
          e.preventDefault();
          if (await onSave(data, Number(ttl))) setEditing(false);
        }}
      >
        <span class="main"><b>${record.name}</b> ${record.type}</span>
        <label>Data <input name="data" value=${data} onInput=${input(setData)} size="24" /></label>
        <label>TTL <input name="ttl" type="number" min="0" value=${ttl} onInput=${input(setTtl)} size="6" /></label>
        <button class="primary" type="submit" disabled=${busy}>Save</button>
        <button type="button" onClick=${() => setEditing(false)}>Cancel</button>
      </form>
    </li>`;
  }
  return html` <li data-record=${`${record.name} ${record.type} ${record.data}`}>
    <span class="main"><b>${record.name}</b> <span class="muted">${record.type}</span> ${record.data}</span>
    <span class="meta">TTL ${record.ttl}</span>
    ${
      fixed
        ? null
        : html`<span class="actions">
            <button type="button" onClick=${() => setEditing(true)} aria-label=${`Edit ${record.name} ${record.type} ${record.data}`}>Edit</button>
            <button type="button" class="danger" disabled=${busy} onClick=${onDelete} aria-label=${`Delete ${record.name} ${record.type} ${record.data}`}>
              Delete
            </button>
          </span>`
    }
  </li>`;
}

function Records({ zone, view }: { zone: string; view: string | undefined }) {
  const records = usePoll(() => api.records(zone, view), 15_000, [zone, view]);
  const act = useAction(() => records.reload());
  const [draft, setDraft] = useState({ name: '', type: 'A', data: '', ttl: '' });
  const set = (key: keyof typeof draft) => input((value) => setDraft({ ...draft, [key]: value }));
  const add = async (event: Event) => {
    event.preventDefault();
    const record = { name: draft.name, type: draft.type, data: draft.data, ...(draft.ttl ? { ttl: Number(draft.ttl) } : {}) };
    const ok = await act.run(() => api.addRecord(zone, record, view));
    if (ok) setDraft({ ...draft, name: '', data: '' });
  };
  // A change is an add, then the old record's delete: if the add is refused, nothing is lost.
  // (The same data with a new TTL would be refused as a duplicate: that one is deleted first.)
  const save = (record: DnsRecord) => (data: string, ttl: number) =>
    act.run(async () => {
      const old = { name: record.name, type: record.type, data: record.data };
      if (data === record.data) await api.deleteRecord(zone, old, view);
      await api.addRecord(zone, { name: record.name, type: record.type, data, ttl }, view);
      if (data !== record.data && record.type !== 'CNAME') await api.deleteRecord(zone, old, view);
    });
  return html` ${act.error || records.error ? html`<p class="alert" role="alert">${act.error ?? records.error}</p>` : null}
    <p class="muted small">Serial ${records.data?.serial ?? '…'}</p>
    <ul class="rows">
      ${(records.data?.records ?? []).map(
        (record) =>
          html` <${RecordRow}
            key=${`${record.name} ${record.type} ${record.data}`}
            record=${record}
            busy=${act.busy}
            onSave=${save(record)}
            onDelete=${() => act.run(() => api.deleteRecord(zone, { name: record.name, type: record.type, data: record.data }, view))}
          />`,
      )}
    </ul>
    <form class="inline" onSubmit=${add} aria-label="Add a record">
      <label>Name <input name="name" required value=${draft.name} onInput=${set('name')} placeholder=${`tv.${zone.replace(/\.$/, '')}`} size="18" /></label>
      <label>Type <input name="type" required value=${draft.type} onInput=${set('type')} size="6" /></label>
      <label>Data <input name="data" required value=${draft.data} onInput=${set('data')} placeholder="192.168.1.40" size="18" /></label>
      <label>TTL <input name="ttl" type="number" min="0" value=${draft.ttl} onInput=${set('ttl')} size="6" /></label>
      <button class="primary" type="submit" disabled=${act.busy}>Add record</button>
    </form>`;
}

function Cloaking() {
  const rules = usePoll(() => api.cloaking(), undefined);
  const act = useAction(() => rules.reload());
  const [rule, setRule] = useState('');
  return html` <section class="panel">
    <h3>Cloaking rules</h3>
    ${act.error ? html`<p class="error" role="alert">${act.error}</p>` : null}
    <ul class="rows">
      ${(rules.data?.rules ?? []).map(
        (r) =>
          html` <li>
            <span class="main"><code>${r}</code></span>
            <span class="actions">
              <button type="button" class="danger" disabled=${act.busy} onClick=${() => act.run(() => api.removeCloak(r))} aria-label=${`Remove ${r}`}>
                Remove
              </button>
            </span>
          </li>`,
      )}
    </ul>
    <form
      class="inline"
      onSubmit=${async (e: Event) => {
        e.preventDefault();
        if (await act.run(() => api.addCloak(rule))) setRule('');
      }}
    >
      <label>Rule <input name="rule" required value=${rule} onInput=${input(setRule)} placeholder="=nas.lan 192.168.1.10" size="24" /></label>
      <button type="submit" disabled=${act.busy}>Add rule</button>
    </form>
  </section>`;
}

export function LocalDns() {
  const config = usePoll(() => api.config(), undefined);
  const views = config.data?.dns.views ?? [];
  const [view, setView] = useState<string | undefined>(undefined);
  const zones = usePoll(() => api.zones(view), undefined, [view]);
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  // The house's names first: a forward zone rather than a reverse one.
  const all = zones.data?.zones ?? [];
  const zone = all.some((z) => z.origin === chosen) ? chosen : (all.find((z) => !z.origin.endsWith('.arpa')) ?? all[0])?.origin;
  return html` <section class="panel">
      <h3>Zones</h3>
      ${zones.error ? html`<p class="alert" role="alert">${zones.error}</p>` : null}
      <div class="toolbar">
        ${
          views.length === 0
            ? null
            : html` <label
                >View
                <select name="view" value=${view ?? 'default'} onChange=${(e: Event) => setView((e.target as HTMLSelectElement).value)}>
                  <option value="default">default (everyone else)</option>
                  ${views.map((v) => html`<option value=${v.name}>${v.name} (${v.clients.join(', ')})</option>`)}
                </select></label
              >`
        }
        ${
          zones.data?.zones.length === 0
            ? html`<p class="muted">No local zone: add *.zone files to dns.zones_dir.</p>`
            : html` <label
                >Zone
                <select name="zone" value=${zone} onChange=${(e: Event) => setChosen((e.target as HTMLSelectElement).value)}>
                  ${all.map((z) => html`<option value=${z.origin}>${z.origin} (${z.records} records)</option>`)}
                </select></label
              >`
        }
      </div>
      ${zone ? html`<${Records} key=${`${view ?? ''} ${zone}`} zone=${zone} view=${view} />` : null}
    </section>
    <${Cloaking} />
    <section class="panel">
      <h3>Views</h3>
      ${
        views.length === 0
          ? html`<p class="muted">One view: every client sees the same answers.</p>`
          : html` <ul class="rows">
              ${views.map(
                (v) =>
                  html` <li>
                    <span class="main"><b>${v.name}</b></span
                    ><span class="meta">clients ${v.clients.join(', ')}</span>
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
}
