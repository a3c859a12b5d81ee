/// <reference lib="dom" />
// The query log: the newest answers first, following live while no older
// page is open; a search by client, name, type, result and time; each row
// says why it was answered so, and blocks or allows its name in one click.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, changeConfig } from '../api.ts';
import { clock, ms } from '../format.ts';
import { useAction, usePoll } from '../live.ts';
import type { QuerylogFilter, QuerylogRow } from '../types.ts';
import type { Status } from '../../observe/querylog-store.ts';

const STATUSES = ['blocked', 'cached', 'upstream', 'local', 'error'] as const satisfies readonly Status[];
const SYMBOL: Record<Status, string> = { blocked: '⊘', cached: '↺', upstream: '↗', local: '⌂', error: '⚠' };

function why(row: QuerylogRow): string {
  if (row.blockedBy) return `blocked by ${row.blockedBy.list} line ${row.blockedBy.line} (${row.blockedBy.rule})`;
  if (row.source.startsWith('upstream:')) return `from ${row.upstream ?? row.source.slice(9)} in ${ms(row.latencyMs)}`;
  const sources: Record<string, string> = { zone: 'local zone', cloak: 'cloaking rule', cache: 'from the cache', stale: 'stale cache entry' };
  return `${sources[row.source] ?? row.source}${row.view && row.view !== 'default' ? ` · view ${row.view}` : ''}`;
}

/** `datetime-local` gives local time without a zone; the API wants ISO 8601 with one. */
function isoOf(local: string): string | undefined {
  return local === '' ? undefined : new Date(local).toISOString();
}

export function QueryLog() {
  const [form, setForm] = useState({ client: '', name: '', type: '', status: '', from: '', to: '' });
  const [filter, setFilter] = useState<QuerylogFilter>({ limit: '100' });
  const [live, setLive] = useState(true);
  const log = usePoll(() => api.querylog(filter), live ? 2000 : undefined, [filter]);
  const act = useAction(() => log.reload());
  const field = (key: keyof typeof form) => (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value });
  const search = (event: Event) => {
    event.preventDefault();
    setFilter({
      limit: '100',
      client: form.client || undefined,
      name: form.name || undefined,
      type: form.type.trim() || undefined,
      status: form.status || undefined,
      from: isoOf(form.from),
      to: isoOf(form.to),
    });
  };
  const decide = (name: string, verdict: 'block' | 'allow') =>
    act.run(() =>
      changeConfig((config) => {
        const blocking = config.dns.blocking;
        const rules = blocking.rules.filter((rule) => rule !== name);
        const allow = blocking.allow.filter((rule) => rule !== name);
        const decided = { ...blocking, rules: verdict === 'block' ? [...rules, name] : rules, allow: verdict === 'allow' ? [...allow, name] : allow };
        return { ...config, dns: { ...config.dns, blocking: decided } };
      }),
    );
  const rows = log.data?.rows ?? [];
  return html` <form class="inline" role="search" onSubmit=${search}>
      <label>Client <input name="client" value=${form.client} onInput=${field('client')} placeholder="192.168.1.20" size="14" /></label>
      <label>Name contains <input name="name" value=${form.name} onInput=${field('name')} size="16" /></label>
      <label>Type <input name="type" value=${form.type} onInput=${field('type')} placeholder="A" size="5" /></label>
      <label
        >Result
        <select name="status" value=${form.status} onChange=${field('status')}>
          <option value="">any</option>
          ${STATUSES.map((s) => html`<option value=${s}>${s}</option>`)}
        </select></label
      >
      <label>From <input type="datetime-local" name="from" value=${form.from} onInput=${field('from')} /></label>
      <label>To <input type="datetime-local" name="to" value=${form.to} onInput=${field('to')} /></label>
      <button class="primary" type="submit">Search</button>
      <label class="check"><input type="checkbox" checked=${live} onChange=${() => setLive(!live)} /> Follow live</label>
    </form>
    ${log.error ? html`<p class="alert" role="alert">${log.error}</p>` : null} ${act.error ? html`<p class="alert" role="alert">${act.error}</p>` : null}
    <section class="panel">
      <h3 class="visually-hidden">Answers</h3>
      ${
        rows.length === 0
          ? html`<p class="muted">${log.data ? 'No query matches.' : 'Loading…'}</p>`
          : html` <ol class="rows querylog">
              ${rows.map(
                (row) =>
                  html` <li data-name=${row.name}>
                    <span class="main"><b>${row.name}</b> <span class="muted">${row.type}</span></span>
                    <span class=${`tag ${row.status === 'blocked' || row.status === 'error' ? 'bad' : 'ok'}`}>
                      ${SYMBOL[row.status]} ${row.status}${row.rcode !== 'NOERROR' ? ` · ${row.rcode}` : ''}</span
                    >
                    <span class="meta">${clock(row.time)} · ${row.client} · ${why(row)}</span>
                    <span class="actions">
                      ${
                        row.status === 'blocked'
                          ? html`<button type="button" disabled=${act.busy} onClick=${() => decide(row.name, 'allow')} aria-label=${`Allow ${row.name}`}>
                              Allow
                            </button>`
                          : html`<button
                              type="button"
                              class="danger"
                              disabled=${act.busy}
                              onClick=${() => decide(row.name, 'block')}
                              aria-label=${`Block ${row.name}`}
                            >
                              Block
                            </button>`
                      }
                    </span>
                  </li>`,
              )}
            </ol>`
      }
      <div class="toolbar">
        ${
          filter.before
            ? html`<button
                type="button"
                onClick=${() => {
                  setFilter({ ...filter, before: undefined });
                  setLive(true);
                }}
              >
                Newest
              </button>`
            : null
        }
        ${
          log.data?.next
            ? html` <button
                type="button"
                onClick=${() => {
                  setLive(false);
                  setFilter({ ...filter, before: log.data?.next });
                }}
              >
                Older answers
              </button>`
            : null
        }
      </div>
    </section>`;
}
