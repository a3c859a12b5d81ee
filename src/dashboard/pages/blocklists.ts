/// <reference lib="dom" />
// The default view's block lists with what each held at the last build,
// add and remove, download now, the names blocked or allowed one by one,
// and "is this name blocked, and by what?".
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, changeConfig } from '../api.ts';
import { count, relative } from '../format.ts';
import { messageOf, useAction, usePoll } from '../live.ts';
import type { Config, Lists, NameCheck } from '../types.ts';

const VERDICTS: Record<NameCheck['verdict'], string> = { blocked: '⊘ blocked', allowed: '✓ allowed', none: '✓ not blocked' };

const sourceOf = (text: string) => (/^https?:\/\//i.test(text) ? { url: text } : { path: text });

function sizes(stats: NonNullable<Lists['lists'][number]['stats']>): string {
  const invalid = stats.invalid ? ` · ${count(stats.invalid)} invalid lines` : '';
  return `${count(stats.blocked)} blocked · ${count(stats.allowed)} allowed · ${count(stats.regexes)} regexes${invalid}`;
}

function Check() {
  const [name, setName] = useState('');
  const [answer, setAnswer] = useState<NameCheck | string | undefined>(undefined);
  const submit = async (event: Event) => {
    event.preventDefault();
    setAnswer(await api.check(name.trim()).catch(messageOf));
  };
  return html` <section class="panel">
    <h3>Is a name blocked?</h3>
    <form class="inline" onSubmit=${submit}>
      <label>Name <input name="check" required value=${name} onInput=${(e: Event) => setName((e.target as HTMLInputElement).value)} /></label>
      <button type="submit">Check</button>
    </form>
    <div aria-live="polite">
      ${
        typeof answer === 'string'
          ? html`<p class="error">${answer}</p>`
          : answer
            ? html` <p>
                  <b class=${answer.verdict === 'blocked' ? 'bad' : 'ok'}>${VERDICTS[answer.verdict]}</b>
                  ${answer.decidedBy ? ` by ${answer.decidedBy.list} line ${answer.decidedBy.line}: ${answer.decidedBy.rule}` : ''}
                </p>
                ${
                  answer.matches.length > 1
                    ? html` <ul class="small">
                        ${answer.matches.map((m) => html`<li>${m.kind}: ${m.list} line ${m.line} (${m.rule})</li>`)}
                      </ul>`
                    : null
                }`
            : null
      }
    </div>
  </section>`;
}

type InlineKey = 'rules' | 'allow';

function InlineRules({ config, onChange }: { config: Config | undefined; onChange: () => unknown }) {
  const act = useAction(onChange);
  const remove = (key: InlineKey, rule: string) =>
    act.run(() =>
      changeConfig((c) => ({
        ...c,
        dns: { ...c.dns, blocking: { ...c.dns.blocking, [key]: c.dns.blocking[key].filter((r) => r !== rule) } },
      })),
    );
  const blocking = config?.dns.blocking;
  const section = (key: InlineKey, title: string, rules: readonly string[]) =>
    html` <section class="panel">
      <h3>${title}</h3>
      ${
        rules.length === 0
          ? html`<p class="muted">None. The query log's rows add them in one click.</p>`
          : html` <ul class="rows">
              ${rules.map(
                (rule) =>
                  html` <li>
                    <span class="main"><code>${rule}</code></span>
                    <span class="actions">
                      <button type="button" disabled=${act.busy} onClick=${() => remove(key, rule)} aria-label=${`Remove ${rule}`}>Remove</button>
                    </span>
                  </li>`,
              )}
            </ul>`
      }
    </section>`;
  return html` ${act.error ? html`<p class="alert" role="alert">${act.error}</p>` : null}
    <div class="grid">
      ${section('rules', 'Blocked one by one', blocking?.rules ?? [])}
      ${section(
        'allow',
        'Allowed',
        (blocking?.allow ?? []).filter((rule) => !rule.includes('/')),
      )}
    </div>`;
}

export function Blocklists() {
  const lists = usePoll(() => api.lists(), 30_000);
  const config = usePoll(() => api.config(), undefined);
  const [source, setSource] = useState('');
  const act = useAction(() => Promise.all([lists.reload(), config.reload()]));
  const add = async (event: Event) => {
    event.preventDefault();
    if (await act.run(() => api.addList(sourceOf(source.trim())))) setSource('');
  };
  return html` <div class="toolbar">
      <button type="button" disabled=${act.busy} onClick=${() => act.run(() => api.refreshLists())}>Download the lists now</button>
      <span class="muted small">Mode: ${config.data?.dns.blocking.mode ?? '…'} · refresh: <code>${config.data?.dns.blocking.refresh ?? '…'}</code></span>
    </div>
    ${act.error || lists.error ? html`<p class="alert" role="alert">${act.error ?? lists.error}</p>` : null}
    <section class="panel">
      <h3>Lists</h3>
      <ul class="rows">
        ${(lists.data?.lists ?? []).map(
          (list) =>
            html` <li>
              <span class="main">${list.source}</span>
              <span class="meta"
                >${list.error ? html`<span class="bad">✗ ${list.error}</span>` : list.stats ? sizes(list.stats) : 'not built yet'}
                ${list.downloaded ? ` · downloaded ${relative(list.downloaded)}` : ''}</span
              >
              <span class="actions"
                ><button
                  type="button"
                  class="danger"
                  disabled=${act.busy}
                  onClick=${() => act.run(() => api.removeList(sourceOf(list.source)))}
                  aria-label=${`Remove the list ${list.source}`}
                >
                  Remove
                </button></span
              >
            </li>`,
        )}
      </ul>
      <form class="inline" onSubmit=${add}>
        <label
          >Add a list (http(s) URL or file)
          <input name="source" required value=${source} onInput=${(e: Event) => setSource((e.target as HTMLInputElement).value)} size="30"
        /></label>
        <button type="submit" disabled=${act.busy}>Add</button>
      </form>
    </section>
    <${Check} />
    <${InlineRules} config=${config.data} onChange=${() => Promise.all([lists.reload(), config.reload()])} />`;
}
