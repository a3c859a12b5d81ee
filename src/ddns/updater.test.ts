import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test/support/temp-dir.ts';
import type { Family } from './address.ts';
import { ddnsSchema, type DdnsConfig } from './config.ts';
import type { Detection } from './detect/detection.ts';
import { FakeHttp, type SeenRequest } from '../../test/support/fake-http.ts';
import { DdnsUpdater } from './updater.ts';

const V4 = '93.184.216.34';
const V4_NEXT = '93.184.216.35';
const V6 = '2606:2800:220:1:248:1893:25c8:1946';
const HOUR = 3600_000;

/** The home's addresses as the fake detector reports them; undefined: none of that family. */
let home: Record<Family, string | undefined>;
let now: number;
let provider: FakeHttp;
let dataDir: string;
let logs: Array<{ level: number; msg: string }>;
const open: DdnsUpdater[] = [];

const detector = () => ({
  detect: async (family: Family): Promise<Detection> => {
    const address = home[family];
    return address ? { kind: 'found', address, from: 'test' } : { kind: 'missing', reason: `no IPv${family} here` };
  },
});

function config(records: unknown[], extra: object = {}): DdnsConfig {
  return ddnsSchema.parse({ records, ...extra });
}

async function updater(ddns: DdnsConfig): Promise<DdnsUpdater> {
  const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const made = await DdnsUpdater.open({ config: ddns, dataDir, log, now: () => now, random: () => 0, timeoutMs: 2000, detector });
  open.push(made);
  return made;
}

const dyndns2 = (extra: object = {}) => ({ provider: 'dyndns2', name: 'home.example.com', server: provider.url, login: 'alice', password: 'pw', ...extra });
const cloudflare = (extra: object = {}) => ({ provider: 'cloudflare', name: 'home.example.com', zone_id: 'z1', token: 'tok', api_url: provider.url, ...extra });
const duckdns = () => ({ provider: 'duckdns', name: 'myhome', token: 'tok', server: provider.url });

/** A fake Cloudflare API holding `records` (type → content), which PATCH and POST change. */
function cloudflareApi(records: Map<string, string>): (request: SeenRequest) => object {
  return (request) => {
    if (request.method === 'GET') {
      const content = records.get(request.query.type!);
      return { body: { success: true, errors: [], result: content ? [{ id: `id-${request.query.type}`, content, ttl: 300, proxied: false }] : [] } };
    }
    const body = JSON.parse(request.body) as { content: string; type?: string };
    records.set(body.type ?? request.path.split('id-')[1]!, body.content);
    return { body: { success: true, errors: [], result: {} } };
  };
}

const requestLine = (r: SeenRequest) =>
  `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query as Record<string, string>)}` : ''}`;

beforeEach(async () => {
  home = { 4: V4, 6: undefined };
  now = Date.parse('2025-06-01T12:00:00Z');
  provider = await FakeHttp.start();
  dataDir = tempDir();
  logs = [];
});

afterEach(async () => {
  for (const made of open.splice(0)) await made.close();
  await provider.close();
});

describe('keeping a record up to date', () => {
  it('updates once, then sends no request at all while the address stays, even after a restart', async () => {
    provider.always({ body: `good ${V4}` });
    const first = await updater(config([dyndns2()]));
    await first.updateNow();
    expect(provider.requests.map(requestLine)).toEqual([`GET /nic/update?hostname=home.example.com&myip=${V4}`]);
    await first.updateNow();
    await first.close();
    open.splice(open.indexOf(first), 1);
    now += 48 * HOUR;
    await (await updater(config([dyndns2()]))).updateNow();
    expect(provider.requests).toHaveLength(1);
  });

  it('sends the new address when it changes', async () => {
    provider.always({ body: 'good' });
    const ddns = await updater(config([dyndns2()]));
    await ddns.updateNow();
    home[4] = V4_NEXT;
    const status = await ddns.updateNow();
    expect(provider.requests.map((r) => r.query.myip)).toEqual([V4, V4_NEXT]);
    expect(status.records[0]!.v4).toMatchObject({ address: V4_NEXT, lastResult: { kind: 'updated', message: `now ${V4_NEXT}` }, failures: 0, retryAt: null });
  });

  it('reads a Cloudflare record before changing it, and leaves it alone when it is right', async () => {
    const records = new Map([['A', V4]]);
    provider.answer = cloudflareApi(records);
    const ddns = await updater(config([cloudflare()]));
    await ddns.updateNow();
    expect(provider.requests.map(requestLine)).toEqual(['GET /zones/z1/dns_records?type=A&name=home.example.com']);
    await ddns.updateNow();
    expect(provider.requests).toHaveLength(1);
    // A day on, the provider is asked again, in case the record was edited elsewhere.
    now += 25 * HOUR;
    records.set('A', '93.184.216.99');
    await ddns.updateNow();
    expect(provider.requests.slice(1).map(requestLine)).toEqual(['GET /zones/z1/dns_records?type=A&name=home.example.com', 'PATCH /zones/z1/dns_records/id-A']);
    expect(records.get('A')).toBe(V4);
  });

  it('sends the update anyway when forced', async () => {
    provider.always({ body: 'OK\n\n\nNOCHANGE' });
    const ddns = await updater(config([duckdns()]));
    await ddns.updateNow();
    await ddns.updateNow();
    expect(provider.requests).toHaveLength(1);
    const status = await ddns.updateNow({ force: true });
    expect(provider.requests).toHaveLength(2);
    expect(status.records[0]!.v4!.lastResult).toMatchObject({ kind: 'unchanged', message: 'the provider had it already' });
  });
});

describe('each address family on its own', () => {
  it('in an IPv6-only home, updates the AAAA record and never touches the A record', async () => {
    home = { 4: undefined, 6: V6 };
    const records = new Map([['A', '93.184.216.1']]);
    provider.answer = cloudflareApi(records);
    const status = await (await updater(config([cloudflare()]))).updateNow();
    expect(provider.requests.map((r) => `${r.method} ${r.query.type ?? r.body}`)).toEqual([
      'GET AAAA',
      `POST {"type":"AAAA","name":"home.example.com","content":"${V6}","ttl":1,"proxied":false}`,
    ]);
    expect(records.get('A')).toBe('93.184.216.1');
    expect(status.addresses).toEqual({
      v4: { address: null, detail: 'no IPv4 here', at: expect.any(String) },
      v6: { address: V6, detail: 'test', at: expect.any(String) },
    });
    expect(status.records[0]!.v4!.lastResult).toMatchObject({ kind: 'no-address' });
  });

  it('updates only the families ddns.ip asks for', async () => {
    home = { 4: V4, 6: V6 };
    provider.always({ body: 'good' });
    const status = await (await updater(config([dyndns2()], { ip: { v4: false } }))).updateNow();
    expect(provider.requests.map((r) => r.query.myip)).toEqual([V6]);
    expect(status.records[0]!.v4).toBeNull();
    expect(status.addresses.v4).toBeNull();
  });
});

describe('transient errors', () => {
  it('backs off after a 5xx, exponentially, and starts afresh after a success', async () => {
    provider.always({ status: 503, body: 'try later' });
    const ddns = await updater(config([dyndns2()]));
    let status = await ddns.updateNow();
    // random() is 0: the jittered delay is half the ceiling (60 s at first).
    expect(status.records[0]!.v4).toMatchObject({
      failures: 1,
      retryAt: new Date(now + 30_000).toISOString(),
      lastResult: { kind: 'transient', message: 'HTTP 503: try later' },
    });
    await ddns.updateNow();
    expect(provider.requests).toHaveLength(1);
    now += 30_000;
    status = await ddns.updateNow();
    expect(provider.requests).toHaveLength(2);
    expect(status.records[0]!.v4).toMatchObject({ failures: 2, retryAt: new Date(now + 60_000).toISOString() });
    now += 60_000;
    provider.always({ body: 'good' });
    status = await ddns.updateNow();
    expect(status.records[0]!.v4).toMatchObject({ failures: 0, retryAt: null, address: V4 });
    expect(logs.filter((line) => line.msg === 'ddns update failed; backing off')).toHaveLength(2);
  });

  it('waits as long as the provider asks, and a forced update does not wait', async () => {
    provider.always({ status: 429, headers: { 'retry-after': '3600' } });
    const ddns = await updater(config([dyndns2()]));
    expect((await ddns.updateNow()).records[0]!.v4!.retryAt).toBe(new Date(now + HOUR).toISOString());
    now += HOUR / 2;
    await ddns.updateNow();
    expect(provider.requests).toHaveLength(1);
    await ddns.updateNow({ force: true });
    expect(provider.requests).toHaveLength(2);
  });
});

describe('errors only the owner can fix', () => {
  it('stops after badauth, and stays stopped (even when forced) until the password changes', async () => {
    provider.always({ body: 'badauth' });
    const ddns = await updater(config([dyndns2()]));
    let status = await ddns.updateNow();
    expect(status.records[0]!.stopped).toEqual({ kind: 'auth-error', reason: `${provider.url} answered "badauth"`, since: new Date(now).toISOString() });
    expect(logs.find((line) => line.level === 50)?.msg).toMatch(/^ddns record home\.example\.com \(dyndns2\) STOPPED/);
    home[4] = V4_NEXT;
    await ddns.updateNow();
    await ddns.updateNow({ force: true });
    expect(provider.requests).toHaveLength(1);
    provider.always({ body: 'good' });
    await ddns.reconfigure(config([dyndns2({ password: 'right' })]));
    status = await ddns.updateNow();
    expect(provider.requests).toHaveLength(2);
    expect(status.records[0]!.stopped).toBeNull();
  });

  it('stays stopped across a restart', async () => {
    provider.always({ status: 401, body: { success: false, errors: [{ code: 10000, message: 'Authentication error' }] } });
    const first = await updater(config([cloudflare()]));
    await first.updateNow();
    await first.close();
    open.splice(open.indexOf(first), 1);
    const status = await (await updater(config([cloudflare()]))).updateNow();
    expect(provider.requests).toHaveLength(1);
    expect(status.records[0]!.stopped).toMatchObject({ kind: 'auth-error', reason: 'HTTP 401: 10000: Authentication error' });
  });

  it('resumes when the token file is corrected, without a reload', async () => {
    const tokenFile = join(dataDir, 'cf.token');
    writeFileSync(tokenFile, 'wrong\n');
    provider.answer = (request) =>
      request.headers.authorization === 'Bearer right'
        ? cloudflareApi(new Map())(request)
        : { status: 403, body: { success: false, errors: [{ code: 9109, message: 'Invalid access token' }] } };
    const ddns = await updater(config([cloudflare({ token: undefined, token_file: tokenFile })]));
    await ddns.updateNow();
    await ddns.updateNow();
    expect(provider.requests).toHaveLength(1);
    writeFileSync(tokenFile, 'right\n');
    const status = await ddns.updateNow();
    expect(provider.requests.slice(1).map((r) => r.method)).toEqual(['GET', 'POST']);
    expect(status.records[0]!).toMatchObject({ stopped: null, v4: { address: V4 } });
  });

  it('stops a record whose secret file cannot be read, and resumes once it can', async () => {
    const passwordFile = join(dataDir, 'dyn.password');
    provider.always({ body: 'good' });
    const ddns = await updater(config([dyndns2({ password: undefined, password_file: passwordFile })]));
    const status = await ddns.updateNow();
    expect(status.records[0]!.stopped).toMatchObject({ kind: 'fatal', reason: expect.stringContaining(`password_file ${passwordFile} cannot be read`) });
    writeFileSync(passwordFile, 'pw');
    await ddns.updateNow();
    expect(provider.requests).toHaveLength(1);
  });

  it('lifts a stop for abuse when asked to resume', async () => {
    provider.always({ body: 'abuse' });
    const ddns = await updater(config([dyndns2()]));
    await ddns.updateNow();
    await ddns.updateNow({ force: true });
    expect(provider.requests).toHaveLength(1);
    provider.always({ body: 'good' });
    const status = await ddns.updateNow({ resume: true });
    expect(provider.requests).toHaveLength(2);
    expect(status.records[0]).toMatchObject({ stopped: null, v4: { address: V4 } });
  });

  it('stops one record without holding up the others', async () => {
    provider.answer = (request) => ({ body: request.path === '/nic/update' ? 'nohost' : 'OK' });
    const status = await (await updater(config([dyndns2(), duckdns()]))).updateNow();
    expect(status.records.map((r) => [r.provider, r.stopped?.kind ?? null, r.v4!.address])).toEqual([
      ['dyndns2', 'auth-error', null],
      ['duckdns', null, V4],
    ]);
  });
});

describe('the schedule and reloads', () => {
  it('runs at start, then on its cron schedule, and tells the next run', async () => {
    provider.always({ body: 'good' });
    const ddns = await updater(config([dyndns2()], { schedule: '0 3 * * *' }));
    expect(ddns.status().nextRun).toBeNull();
    ddns.start();
    expect(ddns.status().nextRun).toMatch(/T\d\d:00:00\.000Z$/);
    await ddns.updateNow();
    expect(provider.requests).toHaveLength(1);
    expect(ddns.status()).toMatchObject({ enabled: true, schedule: '0 3 * * *', running: false, lastRun: new Date(now).toISOString() });
  });

  it('is not enabled without records, and starts when a reload brings some', async () => {
    provider.always({ body: 'good' });
    const ddns = await updater(config([]));
    ddns.start();
    expect(ddns.status()).toMatchObject({ enabled: false, nextRun: null, records: [] });
    await ddns.reconfigure(config([dyndns2()]));
    expect(ddns.status().nextRun).not.toBeNull();
    await ddns.updateNow();
    expect(provider.requests).toHaveLength(1);
  });

  it('forgets records a reload removes', async () => {
    provider.always({ body: 'good' });
    const ddns = await updater(config([dyndns2()]));
    await ddns.updateNow();
    await ddns.reconfigure(config([]));
    await ddns.reconfigure(config([dyndns2()]));
    await ddns.updateNow();
    expect(provider.requests).toHaveLength(2);
  });
});

describe('with the web detector', () => {
  it('finds the address through "what is my IP" services and updates the record with it', async () => {
    const services = await Promise.all([FakeHttp.start(), FakeHttp.start()]);
    for (const service of services) service.always({ body: `${V4_NEXT}\n` });
    provider.always({ body: 'good' });
    const log = pino({ level: 'silent' });
    const ddns = await DdnsUpdater.open({
      config: config([dyndns2()], { ip: { v6: false, urls: { v4: services.map((s) => s.url) } } }),
      dataDir,
      log,
      timeoutMs: 2000,
    });
    open.push(ddns);
    const status = await ddns.updateNow();
    expect(provider.requests.map((r) => r.query.myip)).toEqual([V4_NEXT]);
    expect(status.addresses.v4).toMatchObject({ address: V4_NEXT, detail: services.map((s) => s.url).join(', ') });
    await Promise.all(services.map((s) => s.close()));
  });
});
