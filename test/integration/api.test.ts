// The admin API of a running hearth, through a real HTTP client, and what
// its changes do to DNS answers seen by dig.
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as dnsPacket from '@leichtgewicht/dns-packet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWith, dig, freePort, type Running, startHearth } from './harness.ts';

const ZONE = '$TTL 60\n@ IN SOA ns admin ( 1 1h 15m 7d 60 )\nnas IN A 192.168.1.10\n';

describeWith(['dig'])('the admin API of a running hearth', () => {
  let hearth: Running;
  let base: string;
  let token: string;
  const call = async (method: string, path: string, body?: unknown, auth = true) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(auth ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text };
  };

  beforeAll(async () => {
    const apiPort = await freePort();
    base = `http://127.0.0.1:${apiPort}`;
    hearth = await startHearth(
      [
        'dns:',
        '  listen: ["127.0.0.1:PORT"]',
        '  zones_dir: zones',
        '  cloaking: { rules: ["=tv.lan 192.168.1.50"] }',
        '  blocking: { lists: [lists/ads.txt] }',
        `api: { listen: "127.0.0.1:${apiPort}" }`,
        '',
      ].join('\n'),
      { 'zones/home.lan.zone': ZONE, 'lists/ads.txt': '||ads.example^\n' },
    );
    token = readFileSync(join(hearth.dir, 'data/api.token'), 'utf8').trim();
  });
  afterAll(() => hearth?.stop());

  it('answers /health without a token and everything else only with it', async () => {
    expect((await call('GET', '/health', undefined, false)).status).toBe(200);
    expect((await call('GET', '/config', undefined, false)).status).toBe(401);
    expect((await call('GET', '/config')).status).toBe(200);
  });

  it('rejects a config that does not validate, naming the key', async () => {
    const config = (await call('GET', '/config')).body;
    const bad = await call('PUT', '/config', { ...config, dns: { ...config.dns, views: [{ name: 'x', clients: ['10.0.0.0/33'] }] } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.issues)).toContain('clients');
  });

  it('changes cloaking while clients query, without one failed query, visible to dig within a second', async () => {
    const load = queryLoop(hearth.port, 'nas.home.lan');
    await new Promise((done) => setTimeout(done, 200));
    const added = await call('POST', '/cloaking', { rule: '=new.lan 10.1.1.1' });
    expect(added.status).toBe(201);
    const changed = Date.now();
    let seen = false;
    while (!seen && Date.now() - changed < 1_000) {
      seen = (await dig(hearth.port, ['new.lan', 'A'])).answer[0] === 'new.lan. 600 IN A 10.1.1.1';
    }
    const { sent, failed } = await load.stop();
    expect(seen).toBe(true);
    expect(sent).toBeGreaterThan(100);
    expect(failed).toBe(0);
    expect((await call('GET', '/cloaking')).body.rules).toContain('=new.lan 10.1.1.1');
  });

  it('checks a name against the lists, flushes the cache, and reports stats, query log and metrics', async () => {
    expect((await dig(hearth.port, ['ads.example', 'A'])).status).toBe('NXDOMAIN');
    expect((await call('GET', '/blocklists/check?name=x.ads.example')).body).toMatchObject({
      verdict: 'blocked',
      decidedBy: { list: 'lists/ads.txt', line: 1 },
    });
    expect((await call('POST', '/cache/flush')).body).toHaveProperty('flushed');
    expect((await call('GET', '/stats')).body.totals.queries).toBeGreaterThan(0);
    const metrics = await call('GET', '/metrics');
    expect(metrics.body).toMatch(/hearth_dns_queries_total\{[^}]*source="blocked"/);
    let rows: unknown[] = [];
    for (let i = 0; i < 30 && rows.length === 0; i++) {
      rows = (await call('GET', '/querylog?name=ads.example')).body.rows;
      if (rows.length === 0) await new Promise((done) => setTimeout(done, 100));
    }
    expect(rows[0]).toMatchObject({ name: 'ads.example', status: 'blocked' });
  });

  it('says DDNS has no records and HA is not enabled rather than failing', async () => {
    expect((await call('GET', '/ddns')).body).toMatchObject({ enabled: false, records: [] });
    expect((await call('GET', '/ha')).body).toEqual({ enabled: false });
  });
});

/** Keeps 8 UDP clients asking `name` back to back until stopped; counts
 *  queries without a NOERROR answer within a second as failed. */
function queryLoop(port: number, name: string): { stop: () => Promise<{ sent: number; failed: number }> } {
  let running = true;
  let sent = 0;
  let failed = 0;
  const client = async (id: number) => {
    const socket = createSocket('udp4');
    const query = dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: 'A' }] });
    while (running) {
      sent++;
      const ok = await new Promise<boolean>((done) => {
        const timer = setTimeout(() => done(false), 1_000);
        socket.once('message', (reply) => {
          clearTimeout(timer);
          done(dnsPacket.decode(reply).rcode === 'NOERROR');
        });
        socket.send(query, port, '127.0.0.1');
      });
      if (!ok) failed++;
    }
    socket.close();
  };
  const clients = Array.from({ length: 8 }, (_, i) => client(i));
  return {
    stop: async () => {
      running = false;
      await Promise.all(clients);
      return { sent, failed };
    },
  };
}
