/// <reference lib="dom" />
// Settings: upstreams, blocking mode and cache size, saved whole through
// PUT /config; the server validates, and each of its issues is shown next
// to the field its path names.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure } from '../api.ts';
import { messageOf, usePoll } from '../live.ts';
import type { Config } from '../types.ts';

const STRATEGIES = ['parallel_best', 'fastest', 'failover', 'round_robin'] as const satisfies readonly Config['dns']['upstreams']['strategy'][];
const MODES = ['nxdomain', 'null_ip', 'refused', 'custom_ip'] as const satisfies readonly Config['dns']['blocking']['mode'][];

interface Form {
  servers: string;
  strategy: string;
  mode: string;
  customIp: string;
  cacheSize: string;
}

/** Field → the config path its issues come under. */
const PATHS: Record<keyof Form, string> = {
  servers: 'dns.upstreams.servers',
  strategy: 'dns.upstreams.strategy',
  mode: 'dns.blocking.mode',
  customIp: 'dns.blocking.custom_ip',
  cacheSize: 'dns.cache.max_entries',
};

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');

function formOf(config: Config): Form {
  return {
    servers: config.dns.upstreams.servers.join('\n'),
    strategy: config.dns.upstreams.strategy,
    mode: config.dns.blocking.mode,
    customIp: config.dns.blocking.custom_ip.join('\n'),
    cacheSize: String(config.dns.cache.max_entries),
  };
}

function applied(config: Config, form: Form): Config {
  const dns = config.dns;
  return {
    ...config,
    dns: {
      ...dns,
      upstreams: { ...dns.upstreams, servers: lines(form.servers), strategy: form.strategy as Config['dns']['upstreams']['strategy'] },
      blocking: { ...dns.blocking, mode: form.mode as Config['dns']['blocking']['mode'], custom_ip: lines(form.customIp) },
      cache: { ...dns.cache, max_entries: form.cacheSize === '' ? Number.NaN : Number(form.cacheSize) },
    },
  };
}

export function Settings() {
  const config = usePoll(() => api.config(), undefined);
  const [form, setForm] = useState<Form | undefined>(undefined);
  const [issues, setIssues] = useState<Partial<Record<keyof Form, string>>>({});
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  useEffect(() => {
    if (config.data && !form) setForm(formOf(config.data));
  }, [config.data]);
  if (!form || !config.data) return config.error ? html`<p class="alert" role="alert">${config.error}</p>` : html`<p>Loading…</p>`;
  const current = config.data;
  const set = (key: keyof Form) => (e: Event) => setForm({ ...form, [key]: (e.target as HTMLInputElement).value });
  const save = async (event: Event) => {
    event.preventDefault();
    setIssues({});
    try {
      const { version } = await api.putConfig(applied(current, form));
      setMessage({ ok: true, text: `Saved and applied (config version ${version}).` });
      await config.reload();
    } catch (failure) {
      const found: Partial<Record<keyof Form, string>> = {};
      for (const issue of failure instanceof ApiFailure ? (failure.body?.issues ?? []) : []) {
        const path = issue.path.filter((key) => typeof key === 'string').join('.');
        const field = (Object.keys(PATHS) as (keyof Form)[]).find((key) => path.startsWith(PATHS[key]));
        if (field) found[field] = [found[field], issue.message].filter(Boolean).join('; ');
      }
      setIssues(found);
      setMessage({ ok: false, text: Object.keys(found).length > 0 ? 'Not saved: see the fields marked below.' : messageOf(failure) });
    }
  };
  const error = (key: keyof Form) => (issues[key] ? html`<span id=${`${key}-error`} class="error" role="alert">✗ ${issues[key]}</span>` : null);
  const described = (key: keyof Form) => (issues[key] ? `${key}-error` : undefined);
  return html` <form class="panel" onSubmit=${save} novalidate>
    <h3>Upstreams</h3>
    <label
      >Servers, one a line (udp://, tcp://, tls://, https://)
      <textarea
        name="servers"
        value=${form.servers}
        onInput=${set('servers')}
        aria-invalid=${Boolean(issues.servers)}
        aria-describedby=${described('servers')}
      ></textarea>
    </label>
    ${error('servers')}
    <label
      >Strategy
      <select name="strategy" value=${form.strategy} onChange=${set('strategy')}>
        ${STRATEGIES.map((s) => html`<option value=${s}>${s}</option>`)}
      </select></label
    >
    ${error('strategy')}
    <h3>Blocking</h3>
    <label
      >Answer for a blocked name
      <select name="mode" value=${form.mode} onChange=${set('mode')}>
        ${MODES.map((m) => html`<option value=${m}>${m}</option>`)}
      </select></label
    >
    ${error('mode')}
    ${
      form.mode === 'custom_ip'
        ? html`<label
            >Addresses to answer, one a line
            <textarea
              name="customIp"
              value=${form.customIp}
              onInput=${set('customIp')}
              aria-invalid=${Boolean(issues.customIp)}
              aria-describedby=${described('customIp')}
            ></textarea>
          </label>`
        : null
    }
    ${error('customIp')}
    <h3>Cache</h3>
    <label
      >Entries at most
      <input
        name="cacheSize"
        type="number"
        min="0"
        value=${form.cacheSize}
        onInput=${set('cacheSize')}
        aria-invalid=${Boolean(issues.cacheSize)}
        aria-describedby=${described('cacheSize')}
    /></label>
    ${error('cacheSize')}
    <div class="toolbar">
      <button class="primary" type="submit">Save</button>
      <button
        type="button"
        onClick=${() => {
          setForm(formOf(current));
          setIssues({});
          setMessage(undefined);
        }}
      >
        Undo changes
      </button>
    </div>
    ${message ? html`<p class=${message.ok ? 'ok' : 'error'} role="status">${message.ok ? '✓' : '✗'} ${message.text}</p>` : null}
  </form>`;
}
