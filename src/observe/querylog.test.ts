import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Query, Response, Source } from '../dns/message.ts';
import type { AnsweredQuery } from '../dns/server.ts';
import { QueryLog, type QueryLogOptions } from './querylog.ts';

const DAY_MS = 86_400_000;
const T0 = Date.parse('2025-05-01T12:00:00Z');

function answered(
  name: string,
  source: Source,
  extra: { client?: string; rcode?: number; type?: number; blockedBy?: Response['blockedBy'] } = {},
): AnsweredQuery {
  return {
    query: { name, type: extra.type ?? 1 } as Query,
    client: { address: extra.client ?? '192.168.1.10', port: 5000, transport: 'udp' },
    response: { rcode: extra.rcode ?? 0, source, blockedBy: extra.blockedBy } as Response,
    view: '',
    latencyMs: 0.25,
  };
}

const open: QueryLog[] = [];
const dirs: string[] = [];
const tempDir = () => {
  dirs.push(mkdtempSync(join(tmpdir(), 'hearth-querylog-')));
  return dirs[dirs.length - 1]!;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((log) => log.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A log in a fresh data_dir on a clock the test moves. */
async function openLog(options: Partial<QueryLogOptions> = {}) {
  const clock = { now: T0 };
  const dataDir = options.dataDir ?? tempDir();
  const log = await QueryLog.open({ dataDir, retentionSeconds: 7 * 86400, maxRows: 1_000_000, now: () => clock.now, ...options });
  open.push(log);
  return { log, clock, dataDir };
}

describe('the query log', () => {
  it('writes every answered query with its source, rcode, attribution and latency', async () => {
    const { log } = await openLog();
    log.observe(answered('nas.home.lan', 'zone'));
    log.observe(answered('ads.example', 'blocked', { rcode: 3, blockedBy: { list: 'blocklists/default.txt', line: 7, rule: 'ads.example' } }));
    log.observe(answered('example.org', 'upstream:https://dns.quad9.net/dns-query', { type: 28 }));
    await log.flush();
    const { rows, next } = await log.query({ limit: 10 });
    expect(next).toBeUndefined();
    expect(rows.map((row) => [row.name, row.status, row.type, row.rcode])).toEqual([
      ['example.org', 'upstream', 'AAAA', 'NOERROR'],
      ['ads.example', 'blocked', 'A', 'NXDOMAIN'],
      ['nas.home.lan', 'local', 'A', 'NOERROR'],
    ]);
    expect(rows[0]).toMatchObject({
      time: '2025-05-01T12:00:00.000Z',
      client: '192.168.1.10',
      view: '',
      upstream: 'https://dns.quad9.net/dns-query',
      latencyMs: 0.25,
    });
    expect(rows[1]?.blockedBy).toEqual({ list: 'blocklists/default.txt', line: 7, rule: 'ads.example' });
    expect(rows[2]).not.toHaveProperty('blockedBy');
    expect(rows[2]).not.toHaveProperty('upstream');
  });

  it('writes a full batch without waiting for the timer', async () => {
    const { log } = await openLog();
    for (let i = 0; i < 1000; i++) log.observe(answered(`host${i}.example`, 'cache'));
    await expect.poll(async () => (await log.query({ limit: 1000 })).rows.length, { timeout: 500 }).toBe(1000);
  });

  it('keeps every row of a batch, in order, whatever its size', async () => {
    const { log } = await openLog();
    for (let i = 0; i < 123; i++) log.observe(answered(`host${i}.example`, 'cache'));
    await log.flush();
    const names = (await log.query({ limit: 200 })).rows.map((row) => row.name);
    expect(names).toEqual(Array.from({ length: 123 }, (_, i) => `host${122 - i}.example`));
  });

  it('filters by client, name substring, status and time range', async () => {
    const { log, clock } = await openLog();
    log.observe(answered('tv.home.lan', 'zone', { client: '192.168.1.20' }));
    clock.now += 60_000;
    log.observe(answered('tracker.example', 'blocked', { client: '192.168.1.20' }));
    clock.now += 60_000;
    log.observe(answered('www.example.com', 'cache'));
    log.observe(answered('mail.example.com', 'stale'));
    log.observe(answered('nowhere.example', 'servfail', { rcode: 2 }));
    await log.flush();
    const names = async (filter: Parameters<QueryLog['query']>[0]) => (await log.query(filter)).rows.map((row) => row.name);
    expect(await names({ limit: 10, client: '192.168.1.20' })).toEqual(['tracker.example', 'tv.home.lan']);
    expect(await names({ limit: 10, name: 'EXAMPLE.com' })).toEqual(['mail.example.com', 'www.example.com']);
    expect(await names({ limit: 10, status: 'cached' })).toEqual(['mail.example.com', 'www.example.com']);
    expect(await names({ limit: 10, status: 'error' })).toEqual(['nowhere.example']);
    expect(await names({ limit: 10, from: T0 + 60_000, to: T0 + 60_000 })).toEqual(['tracker.example']);
    expect(await names({ limit: 10, to: T0 + 60_000, name: 'tv' })).toEqual(['tv.home.lan']);
    expect(await names({ limit: 10, client: '10.0.0.1' })).toEqual([]);
  });

  it('pages newest first with a cursor, without repeating or skipping rows', async () => {
    const { log, clock } = await openLog();
    // Several rows share a millisecond, so the cursor needs the id too.
    for (let i = 0; i < 25; i++) {
      if (i % 4 === 0) clock.now += 1;
      log.observe(answered(`host${i}.example`, 'cache'));
    }
    await log.flush();
    const seen: string[] = [];
    let page = await log.query({ limit: 10 });
    const sizes = [page.rows.length];
    seen.push(...page.rows.map((row) => row.name));
    while (page.next) {
      page = await log.query({ limit: 10, before: page.next });
      sizes.push(page.rows.length);
      seen.push(...page.rows.map((row) => row.name));
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `host${24 - i}.example`));
  });

  it('deletes rows older than the retention and beyond max_rows', async () => {
    const { log, clock } = await openLog({ retentionSeconds: 7 * 86400, maxRows: 5 });
    for (let i = 0; i < 3; i++) log.observe(answered(`old${i}.example`, 'cache'));
    clock.now += 8 * DAY_MS;
    for (let i = 0; i < 7; i++) log.observe(answered(`new${i}.example`, 'cache'));
    await log.flush();
    expect((await log.query({ limit: 100 })).rows).toHaveLength(10);
    expect(await log.prune()).toBe(5); // 3 too old, then 2 over max_rows
    const rows = (await log.query({ limit: 100 })).rows.map((row) => row.name);
    expect(rows).toEqual(['new6.example', 'new5.example', 'new4.example', 'new3.example', 'new2.example']);
  });

  it('flushes on close, and a reopened log keeps the rows', async () => {
    const { log, dataDir } = await openLog();
    log.observe(answered('before-close.example', 'cache'));
    await log.close();
    log.observe(answered('after-close.example', 'cache'));
    expect(log.dropped).toBe(1);
    const { log: reopened } = await openLog({ dataDir });
    expect((await reopened.query({ limit: 10 })).rows.map((row) => row.name)).toEqual(['before-close.example']);
  });

  it('fails to open where the database cannot be created', async () => {
    const dataDir = tempDir();
    mkdirSync(join(dataDir, 'querylog.sqlite')); // a directory where the file should be
    await expect(QueryLog.open({ dataDir, retentionSeconds: 86400, maxRows: 10 })).rejects.toThrow();
  });
});
