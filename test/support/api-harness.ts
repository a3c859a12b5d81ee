// The admin API behind a real HTTP client: a listening server with a fake
// hearth behind ApiContext and a real ConfigStore on a temp file. A test
// replaces any part of the fake through `overrides`.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigStore } from '../../src/config/store.ts';
import type { NameCheck } from '../../src/dns/blocklist/blocklists.ts';
import { createLogger } from '../../src/observe/log.ts';
import { Metrics } from '../../src/observe/metrics.ts';
import { Stats } from '../../src/observe/stats.ts';
import { TokenCheck } from '../../src/api/auth.ts';
import type { DdnsStatus } from '../../src/ddns/status.ts';
import type { ApiContext } from '../../src/api/context.ts';
import type { ApiApp } from '../../src/api/api-app.ts';
import { buildApi } from '../../src/api/server.ts';

export const TOKEN = 'test-token';

export interface Reply {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read answers of every route's shape; the routes' schemas check them
  readonly body: any;
  readonly headers: Headers;
}

export interface Harness {
  readonly url: string;
  readonly store: ConfigStore;
  readonly file: string | undefined;
  readonly dir: string;
  readonly refreshed: () => number;
  readonly call: (method: string, path: string, options?: { body?: unknown; raw?: string; token?: string | null; type?: string }) => Promise<Reply>;
  readonly close: () => Promise<void>;
}

export const CHECK: NameCheck = {
  verdict: 'blocked',
  decidedBy: { list: 'blocklists/default.txt', line: 3, rule: 'ads.example' },
  matches: [{ kind: 'block', list: 'blocklists/default.txt', line: 3, rule: 'ads.example' }],
};

const IDLE_DDNS: DdnsStatus = {
  enabled: false,
  schedule: '*/5 * * * *',
  running: false,
  lastRun: null,
  nextRun: null,
  addresses: { v4: null, v6: null },
  records: [],
};

/** `text` is the config file (DIR is its directory), or null for the built-in config. */
export async function start(text: string | null = '', overrides: Partial<ApiContext> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-api-'));
  mkdirSync(join(dir, 'lists'));
  writeFileSync(join(dir, 'lists', 'extra.txt'), 'tracker.example\n');
  let file: string | undefined;
  if (text !== null) {
    file = join(dir, 'hearth.yaml');
    writeFileSync(file, `data_dir: ${join(dir, 'data')}\n${text.replaceAll('DIR', dir)}`);
  }
  const loaded = ConfigStore.load(file);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join('\n'));
  const store = loaded.store;
  let refreshed = 0;
  const ctx: ApiContext = {
    config: () => store.current,
    configFile: () => file,
    replaceConfig: async (config) => store.write(config),
    flushCache: () => 42,
    refreshLists: async () => {
      refreshed++;
    },
    listReports: () => [{ source: 'blocklists/default.txt', stats: { blocked: 7, allowed: 1, regexes: 0, unsupported: 2, invalid: 0, firstErrors: [] } }],
    checkName: (_name, view) => (view === 'nope' ? undefined : CHECK),
    metrics: new Metrics(),
    stats: new Stats(),
    // A hearth without views: the zone routes answer 404 (zones.test.ts brings real zones).
    zones: { list: () => undefined, records: () => undefined, update: () => undefined },
    // DHCP off, unless a test brings a server; an updater with no records.
    dhcp: undefined,
    ddns: { status: () => IDLE_DDNS, updateNow: async () => IDLE_DDNS },
    ...overrides,
  };
  const app: ApiApp = await buildApi(ctx, { token: new TokenCheck(TOKEN), logger: createLogger('silent') });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    store,
    file,
    dir,
    refreshed: () => refreshed,
    call: async (method, path, options = {}) => {
      const headers: Record<string, string> = {};
      const token = options.token === undefined ? TOKEN : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      if (body !== undefined) headers['content-type'] = options.type ?? 'application/json';
      const response = await fetch(`${url}${path}`, { method, headers, body });
      const textBody = await response.text();
      let parsed: unknown = textBody;
      try {
        parsed = JSON.parse(textBody);
      } catch {
        /* HTML or plain text */
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    close: () => app.close(),
  };
}
