// Blocking seen from dig: each mode, allowlists, CNAME cloaking, two views,
// and a list URL served over HTTP on loopback (fetched, 304, failing, refreshed).
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUnbound, type Unbound } from '../upstreams/unbound.ts';
import { describeWith, dig, type Running, startHearth } from './harness.ts';

const RECORDS = [
  'up.test. 300 IN SOA ns.up.test. admin.up.test. 1 3600 900 604800 60',
  'www.up.test. 300 IN A 192.0.2.1',
  'ads.up.test. 300 IN A 192.0.2.2',
  'good.ads.up.test. 300 IN A 192.0.2.3',
  'fine.tracker.up.test. 300 IN A 192.0.2.4',
  'games.up.test. 300 IN A 192.0.2.5',
  'metrics.up.test. 300 IN CNAME cdn.tracker.up.test.',
  'cdn.tracker.up.test. 300 IN A 192.0.2.66',
  'news.up.test. 300 IN A 192.0.2.7',
];

const LIST = ['# a test blocklist in three formats', '||ads.up.test^', '@@||good.ads.up.test^', '0.0.0.0 tracker.up.test'].join('\n');

async function until(check: () => Promise<boolean>, ms = 8_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((done) => setTimeout(done, 100));
  }
}

describeWith(['dig', 'unbound', 'unbound-control'])('blocking', () => {
  let upstream: Unbound;
  const running: Running[] = [];
  const start = async (blocking: string, extra = '') => {
    const hearth = await startHearth(
      ['dns:', '  listen: ["127.0.0.1:PORT"]', `  upstreams: { servers: ["udp://127.0.0.1:${upstream.port}"] }`, `  blocking: ${blocking}`, extra].join('\n'),
      { 'lists/ads.txt': LIST, 'lists/kids.txt': '||games.up.test^\n' },
    );
    running.push(hearth);
    return hearth;
  };

  beforeAll(async () => {
    upstream = await startUnbound({ records: RECORDS });
  }, 30_000);
  afterAll(async () => {
    await Promise.all(running.map((h) => h.stop()));
    await upstream?.remove();
  });

  it('answers NXDOMAIN with an Extended DNS Error in nxdomain mode, and lets other names through', async () => {
    const hearth = await start('{ mode: nxdomain, lists: [lists/ads.txt] }');
    const blocked = await dig(hearth.port, ['ads.up.test', 'A']);
    expect(blocked.status).toBe('NXDOMAIN');
    expect(blocked.raw).toMatch(/EDE: 15 \(Blocked\).*list 1, line 2/);
    expect((await dig(hearth.port, ['sub.ads.up.test', 'A'])).status).toBe('NXDOMAIN');
    expect((await dig(hearth.port, ['tracker.up.test', 'A'])).status).toBe('NXDOMAIN');
    expect((await dig(hearth.port, ['www.up.test', 'A'])).answer).toEqual(['www.up.test. 300 IN A 192.0.2.1']);
  });

  it('lets an exception and an allowlist entry win over a block', async () => {
    const hearth = await start('{ lists: [lists/ads.txt], allow: [fine.tracker.up.test] }');
    expect((await dig(hearth.port, ['good.ads.up.test', 'A'])).answer).toEqual(['good.ads.up.test. 300 IN A 192.0.2.3']);
    expect((await dig(hearth.port, ['fine.tracker.up.test', 'A'])).answer).toEqual(['fine.tracker.up.test. 300 IN A 192.0.2.4']);
  });

  it('blocks an upstream answer whose CNAME leads to a blocked name (CNAME cloaking)', async () => {
    const hearth = await start('{ lists: [lists/ads.txt] }');
    const answer = await dig(hearth.port, ['metrics.up.test', 'A']);
    expect(answer.status).toBe('NXDOMAIN');
    expect(answer.raw).toMatch(/EDE: 15 \(Blocked\)/);
  });

  it('answers 0.0.0.0 and :: in null_ip mode', async () => {
    const hearth = await start('{ mode: null_ip, lists: [lists/ads.txt] }');
    expect((await dig(hearth.port, ['ads.up.test', 'A'])).answer).toEqual(['ads.up.test. 10 IN A 0.0.0.0']);
    expect((await dig(hearth.port, ['ads.up.test', 'AAAA'])).answer).toEqual(['ads.up.test. 10 IN AAAA ::']);
    expect((await dig(hearth.port, ['ads.up.test', 'MX'])).status).toBe('NOERROR');
  });

  it('answers REFUSED in refused mode and the configured addresses in custom_ip mode', async () => {
    const refused = await start('{ mode: refused, lists: [lists/ads.txt] }');
    expect((await dig(refused.port, ['ads.up.test', 'A'])).status).toBe('REFUSED');
    const custom = await start('{ mode: custom_ip, custom_ip: ["192.168.1.53", "fd00::53"], lists: [lists/ads.txt] }');
    expect((await dig(custom.port, ['ads.up.test', 'A'])).answer).toEqual(['ads.up.test. 10 IN A 192.168.1.53']);
    expect((await dig(custom.port, ['ads.up.test', 'AAAA'])).answer).toEqual(['ads.up.test. 10 IN AAAA fd00::53']);
  });

  it("applies a view's own stricter lists only to that view's clients", async () => {
    const hearth = await start(
      '{ lists: [lists/ads.txt] }',
      ['  views:', '    - name: kids', '      clients: ["127.0.0.2/32"]', '      blocking: { lists: [lists/ads.txt, lists/kids.txt] }'].join('\n'),
    );
    expect((await dig(hearth.port, ['-b', '127.0.0.1', 'games.up.test', 'A'])).answer).toEqual(['games.up.test. 300 IN A 192.0.2.5']);
    expect((await dig(hearth.port, ['-b', '127.0.0.2', 'games.up.test', 'A'])).status).toBe('NXDOMAIN');
    expect((await dig(hearth.port, ['-b', '127.0.0.2', 'ads.up.test', 'A'])).status).toBe('NXDOMAIN');
  });

  describe('a list served over HTTP', () => {
    let server: Server;
    let url: string;
    let body = '||news.up.test^\n';
    let failing = false;
    const requests: { conditional: boolean; status: number }[] = [];

    beforeAll(async () => {
      server = createServer((request, response) => {
        const etag = `"${Buffer.from(body).toString('base64url')}"`;
        const conditional = request.headers['if-none-match'] === etag;
        const status = failing ? 500 : conditional ? 304 : 200;
        requests.push({ conditional: request.headers['if-none-match'] !== undefined, status });
        response.writeHead(status, status === 200 ? { etag, 'content-type': 'text/plain' } : {});
        response.end(status === 200 ? body : undefined);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as { port: number }).port}/list.txt`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('is fetched, revalidated with 304, kept when the server fails, and refreshed on schedule', async () => {
      const hearth = await start(`{ lists: ["${url}"], refresh: "* * * * * *" }`);
      const status = async (name: string) => (await dig(hearth.port, [name, 'A'])).status;
      await until(async () => (await status('news.up.test')) === 'NXDOMAIN');
      await until(async () => requests.some((r) => r.conditional && r.status === 304));
      failing = true;
      await until(async () => requests.some((r) => r.status === 500));
      expect(await status('news.up.test')).toBe('NXDOMAIN');
      body = '||news.up.test^\n||www.up.test^\n';
      failing = false;
      await until(async () => (await status('www.up.test')) === 'NXDOMAIN');
      expect(await status('news.up.test')).toBe('NXDOMAIN');
    }, 30_000);
  });
});
