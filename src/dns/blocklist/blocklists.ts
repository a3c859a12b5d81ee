// The block- and allowlists of every view, each distinct `blocking` config
// built once into a DomainSet. A rebuild happens beside the live set and
// replaces it in one assignment, so queries never see a half-built set and
// a view's stage keeps the same BlocklistRef across rebuilds.
import { statSync } from 'node:fs';
import type { Logger } from '../../observe/log.ts';
import type { SourceError } from '../../diagnostics/source-error.ts';
import type { Name } from '../record.ts';
import { DomainSetBuilder, type DomainSet, type RuleKind } from './matcher.ts';
import { parseList, parseListFile, type ListStats } from './parse.ts';
import { downloadList, isUrl, listPath, savedAt, type DownloadProgress, type DownloadResult } from './sources.ts';

export interface ListsConfig {
  readonly lists: readonly string[];
  /** Inline block rules, in any syntax a list file takes (a name, `||name^`). */
  readonly rules: readonly string[];
  /** List files/URLs, or inline rules (a name, `@@||name^`) when neither. */
  readonly allow: readonly string[];
}

export interface ListReport {
  readonly source: string;
  readonly stats?: ListStats;
  readonly error?: string;
  /** For a URL list: when the copy read was downloaded (ISO 8601). */
  readonly downloaded?: string;
}

/** One distinct lists config and its current set. */
/** A URL list's report before its first download: `hearth check` prints it as a note, not an error. */
export const NOT_DOWNLOADED = 'not downloaded yet';

export class BlocklistRef {
  readonly config: ListsConfig;
  /** List number → where it came from, for attribution ("blocked by LIST line N"). */
  readonly sources: readonly string[];
  set: DomainSet | undefined;
  /** When the last build started reading its files (epoch ms). */
  builtAt = 0;
  reports: readonly ListReport[] = [];

  constructor(config: ListsConfig) {
    this.config = config;
    this.sources = [
      ...config.lists,
      ...(config.rules.length > 0 ? [INLINE_BLOCK] : []),
      ...config.allow.filter(isListSource),
      ...(inlineRules(config).length > 0 ? [INLINE] : []),
    ];
  }

  /** Is `name` blocked, by which list and line, and which rules would allow
   *  it: the answer to `GET /blocklists/check?name=`. */
  check(name: Name): NameCheck {
    const decision = this.set?.decide(name) ?? { verdict: 'none' as const };
    const source = (list: number) => this.sources[list] ?? '?';
    return {
      verdict: decision.verdict,
      ...(decision.verdict === 'none' ? {} : { decidedBy: { list: source(decision.list), line: decision.line, rule: decision.rule } }),
      matches: (this.set?.explain(name) ?? []).map((m) => ({ kind: m.kind, list: source(m.list), line: m.line, rule: m.rule })),
    };
  }
}

export interface NameCheck {
  readonly verdict: 'none' | 'blocked' | 'allowed';
  readonly decidedBy?: { readonly list: string; readonly line: number; readonly rule: string };
  /** Every rule that matches, the most specific first. */
  readonly matches: readonly { readonly kind: RuleKind; readonly list: string; readonly line: number; readonly rule: string }[];
}

const INLINE = 'config:dns.blocking.allow';
const INLINE_BLOCK = 'config:dns.blocking.rules';

function isListSource(entry: string): boolean {
  return isUrl(entry) || entry.includes('/');
}

function inlineRules(config: ListsConfig): string[] {
  return config.allow.filter((entry) => !isListSource(entry));
}

export class Blocklists {
  private readonly dataDir: string;
  private readonly log: Logger;
  private refs = new Map<string, BlocklistRef>();
  /** Builds run one at a time; a request during a build waits for it. */
  private building: Promise<void> = Promise.resolve();

  constructor(dataDir: string, log: Logger) {
    this.dataDir = dataDir;
    this.log = log;
  }

  /** The ref for a lists config, shared by every view with the same config. */
  ref(config: ListsConfig): BlocklistRef {
    const key = JSON.stringify([config.lists, config.rules, config.allow]);
    let ref = this.refs.get(key);
    if (!ref) this.refs.set(key, (ref = new BlocklistRef({ lists: [...config.lists], rules: [...config.rules], allow: [...config.allow] })));
    return ref;
  }

  /** Forgets the configs no view uses any more. */
  retain(used: ReadonlySet<BlocklistRef>): void {
    this.refs = new Map([...this.refs].filter(([, ref]) => used.has(ref)));
  }

  /** Rebuilds sets from files and saved copies (no network): every set, or
   *  only those never built or with a list file changed since their build. */
  load(only: 'changed' | 'all' = 'all'): Promise<void> {
    this.building = this.building.then(async () => {
      for (const ref of this.refs.values()) if (only === 'all' || this.changed(ref)) await this.build(ref);
    });
    return this.building;
  }

  private changed(ref: BlocklistRef): boolean {
    if (!ref.set) return true;
    return ref.sources.some((source) => {
      const path = source === INLINE || source === INLINE_BLOCK ? undefined : listPath(source, this.dataDir);
      return path !== undefined && (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0) > ref.builtAt;
    });
  }

  /** Downloads every URL list (each once), then rebuilds every set. */
  async refresh(progress?: (url: string) => DownloadProgress): Promise<Map<string, DownloadResult>> {
    const urls = new Set([...this.refs.values()].flatMap((ref) => ref.sources.filter(isUrl)));
    const results = new Map<string, DownloadResult>();
    for (const url of urls) {
      const result = await downloadList(url, this.dataDir, progress?.(url));
      results.set(url, result);
      if (result.outcome === 'failed') this.log.warn({ list: url, error: result.error }, 'list download failed; keeping the saved copy');
    }
    // Only what a download (or an edit) changed is rebuilt: a 304 costs nothing.
    await this.load('changed');
    return results;
  }

  /** Entries read from each list in the last builds (for the metrics). */
  sizes(): { readonly list: string; readonly entries: number }[] {
    return [...this.refs.values()].flatMap((ref) =>
      ref.reports.map((report) => ({
        list: report.source,
        entries: (report.stats?.blocked ?? 0) + (report.stats?.allowed ?? 0) + (report.stats?.regexes ?? 0),
      })),
    );
  }

  /** Problems in the lists, as `hearth check` prints them. */
  errors(): SourceError[] {
    return [...this.refs.values()].flatMap((ref) =>
      ref.reports.flatMap((report) => [
        ...(report.error ? [{ file: report.source, line: 0, message: report.error }] : []),
        ...(report.stats?.firstErrors ?? []),
      ]),
    );
  }

  private async build(ref: BlocklistRef): Promise<void> {
    ref.builtAt = Date.now();
    const builder = new DomainSetBuilder(ref.set?.size);
    const reports: ListReport[] = [];
    const allowFrom = ref.config.lists.length + (ref.config.rules.length > 0 ? 1 : 0);
    for (const [list, source] of ref.sources.entries()) {
      const role = list >= allowFrom ? 'allow' : 'block';
      const options = { file: source, list, role } as const;
      if (source === INLINE || source === INLINE_BLOCK) {
        const rules = source === INLINE ? inlineRules(ref.config) : ref.config.rules;
        reports.push({ source, stats: parseList(rules.join('\n'), builder, options) });
        continue;
      }
      const path = listPath(source, this.dataDir);
      if (!path) {
        reports.push({ source, error: NOT_DOWNLOADED });
        continue;
      }
      const downloaded = isUrl(source) ? savedAt(source, this.dataDir) : undefined;
      try {
        reports.push({ source, stats: await parseListFile(path, builder, options), ...(downloaded ? { downloaded } : {}) });
      } catch (error) {
        reports.push({ source, error: `cannot read: ${(error as Error).message}` });
      }
    }
    ref.set = builder.build();
    ref.reports = reports;
    this.log.info(
      {
        lists: reports.map((r) => ({
          list: r.source,
          entries: (r.stats?.blocked ?? 0) + (r.stats?.allowed ?? 0) + (r.stats?.regexes ?? 0),
          unsupported: r.stats?.unsupported,
          error: r.error,
        })),
      },
      'blocklists built',
    );
  }
}
